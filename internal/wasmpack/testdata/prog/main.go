// Command prog exercises what the runtime reads pclntab for — stack growth
// (pcsp), the garbage collector's stack maps (pcdata), goroutines,
// recovered panics and a final traceback — for wasmpack's test, which runs
// it before and after flattening the line tables.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

type node struct {
	next *node
	val  [64]byte
}

// deep recurses far enough to grow the stack several times, keeping
// pointers live across the growth.
func deep(n int, p *node) int {
	if n == 0 {
		runtime.GC()
		return int(p.val[0])
	}
	q := &node{next: p}
	q.val[0] = byte(n)
	return deep(n-1, q) + int(p.val[0])
}

func recovered() (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	var m map[string]int
	m["x"] = 1 // panics
	return "no panic"
}

func boom() {
	panic("boom")
}

func main() {
	done := make(chan int)
	for i := range 4 {
		go func() { done <- deep(20000+i, &node{}) }()
	}
	sum := 0
	for range 4 {
		sum += <-done
	}
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "%d,", i*i)
	}
	fmt.Println(sum, len(sb.String()), recovered())
	if len(os.Args) > 1 {
		boom()
	}
}
