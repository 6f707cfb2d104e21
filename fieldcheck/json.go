package fieldcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"
)

// DecodeJSON decodes data, which must be exactly one JSON object, into v
// (a pointer to a struct). It is stricter than encoding/json, whose
// matching of names ignores case and whose objects may repeat a key (the
// last wins): a body that two parsers could read differently is refused,
// so every field name must be spelt exactly as its json tag, appear once,
// at every depth, and `null` is not an object; unknown fields and
// trailing data are refused too. The error's text names a field or a
// position, never a value, so it is safe to return to the client.
func DecodeJSON(data []byte, v any) error {
	if err := strictJSON(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	// Only white space may follow the object: not another value, and not
	// a stray delimiter either (Decoder.More is false before a ']').
	if err == nil && len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		err = errors.New("trailing data")
	}
	if err != nil {
		// The decoder's message names a position or a field, never a
		// value; but keep it short and fixed.
		msg := errNotObject
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			msg = ute.Field + ": wrong type"
		} else if strings.HasPrefix(err.Error(), "json: unknown field ") {
			msg = "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
		}
		return errors.New(msg)
	}
	return nil
}

const errNotObject = "the body is not a JSON object of the expected fields"

// strictJSON walks data's tokens beside the Go type t that it will be
// decoded into and refuses a body that is not an object, an object key
// that repeats, and (for structs) a key that is not exactly a field's JSON
// name. Malformed JSON is left to the decoder's own error.
func strictJSON(data []byte, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return errors.New(errNotObject)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New(errNotObject)
	}
	if err := strictObject(dec, t); err != nil {
		if errors.Is(err, errMalformed) {
			return errors.New(errNotObject)
		}
		return err
	}
	return nil
}

var errMalformed = errors.New("malformed")

// strictValue checks the value whose first token is tok.
func strictValue(dec *json.Decoder, tok json.Token, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its type is the decoder's to check
	}
	switch d {
	case '{':
		return strictObject(dec, t)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return errMalformed
			}
			if err := strictValue(dec, tok, elem); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return errMalformed
		}
		return nil
	}
	return errMalformed
}

// strictObject checks an object's members after its '{' and reads its '}'.
func strictObject(dec *json.Decoder, t reflect.Type) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errMalformed
		}
		key, ok := tok.(string)
		if !ok {
			return errMalformed
		}
		name := key
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		if seen[key] {
			return fmt.Errorf("duplicate field %s", strconv.Quote(name))
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var known bool
			if ft, known = fields[key]; !known {
				return fmt.Errorf("unknown field %s", strconv.Quote(name))
			}
		}
		tok, err = dec.Token()
		if err != nil {
			return errMalformed
		}
		if err := strictValue(dec, tok, ft); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return errMalformed
	}
	return nil
}

// jsonFields maps a struct's exact JSON member names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				maps.Copy(m, jsonFields(f.Type))
				continue
			}
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}
