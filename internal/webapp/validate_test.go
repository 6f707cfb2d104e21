package webapp

import (
	"strings"
	"testing"
)

// FuzzFieldChecks: the app's own field rules (on top of package
// fieldcheck, fuzzed there) never panic, accept only what they say, and
// never put the value into the error message.
func FuzzFieldChecks(f *testing.F) {
	for _, s := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("+", 43), strings.Repeat("a", 32), "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var c check
		if c.token(v); c.Err() == nil {
			if len(v) != 43 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Fatalf("token %q accepted", v)
			}
		} else if len(v) >= 4 && strings.Contains(c.Err().Error(), v) {
			t.Fatalf("error %q quotes the value", c.Err())
		}
		if validID(v) && (len(v) != 32 || strings.Trim(v, "0123456789abcdef") != "") {
			t.Fatalf("id %q accepted", v)
		}
	})
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/profile": "/profile", "/settings?x=1": "/settings?x=1", "": "/habits", "//evil.example": "/habits",
		"/\\evil.example": "/habits", "https://evil.example/": "/habits", "profile": "/habits", "/a\r\nb": "/habits",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
