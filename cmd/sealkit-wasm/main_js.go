//go:build js && wasm

package main

import (
	"os"
	"syscall/js"
)

// main registers every export on the object named by os.Args[1] (a
// property of globalThis that the loader, js/crypto.js, creates and
// removes again), calls its ready() and then parks forever: the Go
// runtime must stay alive for the functions to be callable.
func main() {
	if len(os.Args) < 2 {
		js.Global().Get("console").Call("error", "sealkit-wasm: start me through js/crypto.js (missing export target)")
		return
	}
	target := js.Global().Get(os.Args[1])
	if target.Type() != js.TypeObject {
		js.Global().Get("console").Call("error", "sealkit-wasm: export target "+os.Args[1]+" is not an object")
		return
	}
	jsError := js.Global().Get("Error")
	object := js.Global().Get("Object")
	for _, e := range exports {
		target.Set(e.name, js.FuncOf(bind(e, jsError, object)))
	}
	target.Call("ready")
	select {}
}

// bind adapts one export to JavaScript. A failure is returned, not
// thrown — a Go callback cannot throw — as an Error with the crate's
// message and a stable code; the loader throws it.
func bind(e export, jsError, jsObject js.Value) func(js.Value, []js.Value) any {
	fail := func(code, msg string) any {
		err := jsError.New(msg)
		err.Set("code", code)
		return err
	}
	return func(_ js.Value, args []js.Value) any {
		a := make([]string, len(e.params))
		for i, p := range e.params {
			var v js.Value
			if i < len(args) {
				v = args[i]
			}
			switch {
			case v.Type() == js.TypeString:
				a[i] = v.String()
			case p.optional && (v.IsUndefined() || v.IsNull()):
				a[i] = ""
			default:
				return fail(codeInvalidArgument, "invalid argument: "+p.name+" must be a string")
			}
		}
		r, err := e.call(a)
		if err != nil {
			return fail(errorCode(err), err.Error())
		}
		switch r := r.(type) {
		case object:
			o := jsObject.New()
			for _, f := range r {
				o.Set(f.key, f.value)
			}
			return o
		default:
			return r
		}
	}
}
