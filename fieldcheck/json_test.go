package fieldcheck_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/fieldcheck"
)

type body struct {
	Email string `json:"email"`
	Items []struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	} `json:"items"`
	Meta map[string]string `json:"meta"`
}

// TestDecodeJSON: what two parsers could read differently is refused,
// at every depth; the error never holds a value.
func TestDecodeJSON(t *testing.T) {
	for _, c := range []struct {
		in, err string
	}{
		{`{"email":"a@b.test"}`, ""},
		{`{"email":"a@b.test","items":[{"id":"1","key":"k"}],"meta":{"x":"y"}}`, ""},
		{`{"email":"a","email":"b"}`, `duplicate field "email"`},
		{`{"Email":"a@b.test"}`, `unknown field "Email"`},
		{`{"items":[{"id":"1","ID":"2"}]}`, `unknown field "ID"`},
		{`{"items":[{"id":"1","id":"2"}]}`, `duplicate field "id"`},
		{`{"meta":{"x":"1","x":"2"}}`, `duplicate field "x"`},
		{`{"email":"a@b.test"} {}`, "the body is not a JSON object of the expected fields"},
		{`{"email":"a@b.test"}]`, "the body is not a JSON object of the expected fields"}, // found by FuzzDecodeJSON
		{`null`, "the body is not a JSON object of the expected fields"},
		{`[]`, "the body is not a JSON object of the expected fields"},
		{`{"email":1}`, "email: wrong type"},
		{`{"email":"secret-value"`, "the body is not a JSON object of the expected fields"},
	} {
		var b body
		err := fieldcheck.DecodeJSON([]byte(c.in), &b)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("%s: got %q, want %q", c.in, got, c.err)
		}
	}
}

// FuzzDecodeJSON: never panics; accepts only what encoding/json accepts
// too, and an error never echoes a string value of the input.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"email":"a@b.test"}`, `{"items":[{"id":"1"}],"meta":{"a":"b"}}`, `{"email":"a","email":"b"}`, `[1,2]`, `{"x":{"y":[{}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b body
		err := fieldcheck.DecodeJSON(data, &b)
		if err == nil {
			var std body
			if json.Unmarshal(data, &std) != nil {
				t.Fatalf("accepted what encoding/json refuses: %q", data)
			}
			return
		}
		if b.Email != "" && len(b.Email) > 3 && strings.Contains(err.Error(), b.Email) {
			t.Fatalf("error %q echoes a value", err)
		}
	})
}
