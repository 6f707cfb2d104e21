package webapp_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestBadInput: every endpoint answers malformed, wrong-length, missing,
// oversized, wrong-type and cross-origin input with a 4xx and a clear
// message, and writes nothing.
func TestBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		c := apptest.NewClient(s.URL)
		u := apptest.NewUser(t, "erin@example.test", "pw-erin-0123456")
		s.SignUp(t, c, u)
		if r := c.LogIn(t, u); r.Status != 200 {
			t.Fatalf("login: %d", r.Status)
		}
		anon := apptest.NewClient(s.URL)

		// reg is a sign-up's finishing body (the keys, with a token of the
		// right shape that no link has) with one field changed.
		reg := func(field, value string) map[string]string {
			m := maps.Clone(apptest.NewUser(t, "new-"+field+"@example.test", "pw-0123456789").Register)
			delete(m, "email")
			m["token"] = strings.Repeat("T", 43)
			if value == "<delete>" {
				delete(m, field)
			} else {
				m[field] = value
			}
			return m
		}
		short := strings.Repeat("A", 42) + "==" // 31 bytes
		type req struct {
			name     string
			client   *apptest.Client
			method   string
			path     string
			ctype    string
			body     string
			jsonBody any
			status   int
			message  string // part of the expected error
			origin   string // sent as Origin with Sec-Fetch-Site: cross-site
		}
		cases := []req{
			{name: "finish/bad base64", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("public_key", "!!notbase64!!"), status: 400, message: "public_key: not valid base64"},
			{name: "finish/base64 with newline", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("auth_key", strings.Repeat("A", 43)+"=\n"), status: 400, message: "auth_key"},
			{name: "finish/wrong key length", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("public_key", short), status: 400, message: "public_key: wrong length: expected 32 bytes, got 31"},
			{name: "finish/short auth key", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("auth_key", short), status: 400, message: "auth_key: wrong length"},
			{name: "finish/wrong pq key length", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("pq_public_key", short), status: 400, message: "pq_public_key: wrong length: expected 1216"},
			{name: "finish/truncated wrapped key", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("encrypted_private_key", short), status: 400, message: "encrypted_private_key: wrong length: expected 84"},
			{name: "finish/user key too short", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("encrypted_user_key", short), status: 400, message: "encrypted_user_key: too short"},
			{name: "finish/user key too long", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("encrypted_user_key", strings.Repeat("AAAA", 700)), status: 400, message: "encrypted_user_key: too long"},
			{name: "register/missing email", method: "POST", path: "/api/auth/register", jsonBody: map[string]string{}, status: 400, message: "email: missing"},
			{name: "register/not an email", method: "POST", path: "/api/auth/register", jsonBody: map[string]string{"email": "no-at-sign"}, status: 400, message: "email: not an email address"},
			{name: "register/email with space", method: "POST", path: "/api/auth/register", jsonBody: map[string]string{"email": "a b@example.test"}, status: 400, message: "email: must not contain spaces"},
			{name: "finish/key_hash without suffix", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("key_hash", "AAAAAAAAAAAAAAAAAAAAAA=="), status: 400, message: "key_hash"},
			{name: "finish/key_hash wrong salt size", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("key_hash", "AAAA$argon2id"), status: 400, message: "key_hash: the salt must be 16 bytes"},
			{name: "register/unknown field", method: "POST", path: "/api/auth/register", body: `{"email":"a@b.c","password":"x"}`, status: 400, message: "unknown field"},
			{name: "register/wrong type", method: "POST", path: "/api/auth/register", body: `{"email":5}`, status: 400, message: "email: wrong type"},
			{name: "register/not json", method: "POST", path: "/api/auth/register", body: `email=a@b.c`, status: 400, message: "not a JSON object"},
			{name: "register/trailing data", method: "POST", path: "/api/auth/register", body: `{} {}`, status: 400, message: "not a JSON object"},
			{name: "register/wrong content type", method: "POST", path: "/api/auth/register", ctype: "text/plain", body: `{}`, status: 415, message: "application/json"},
			{name: "register/form content type", method: "POST", path: "/api/auth/register", ctype: "application/x-www-form-urlencoded", body: `email=a`, status: 415, message: "application/json"},
			{name: "register/oversized", method: "POST", path: "/api/auth/register", body: `{"email":"` + strings.Repeat("a", 70<<10) + `"}`, status: 413, message: "64 KiB"},
			{name: "register/cross-origin", method: "POST", path: "/api/auth/register", jsonBody: map[string]string{"email": "x@example.test"}, origin: "https://evil.example", status: 403, message: "cross-origin"},
			{name: "register/GET", method: "GET", path: "/api/auth/register", status: 405},
			{name: "register/keys in the first step", method: "POST", path: "/api/auth/register", body: `{"email":"a@b.c","auth_key":"AAAA"}`, status: 400, message: "unknown field"},
			{name: "register/duplicate key", method: "POST", path: "/api/auth/register", body: `{"email":"a@b.c","email":"x@y.z"}`, status: 400, message: `duplicate field "email"`},
			{name: "register/case-folded field", method: "POST", path: "/api/auth/register", body: `{"Email":"a@b.c"}`, status: 400, message: "unknown field"},
			{name: "register/null body", method: "POST", path: "/api/auth/register", body: `null`, status: 400, message: "not a JSON object"},
			{name: "register/array body", method: "POST", path: "/api/auth/register", body: `[]`, status: 400, message: "not a JSON object"},
			{name: "finish/unknown token", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("token", strings.Repeat("U", 43)), status: 410, message: "start again"},
			{name: "finish/short token", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("token", "abc"), status: 400, message: "token: must be"},
			{name: "finish/token with bad characters", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("token", strings.Repeat("+", 43)), status: 400, message: "token: must be"},
			{name: "finish/missing token", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("token", "<delete>"), status: 400, message: "token"},
			{name: "finish/email field", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("email", "x@example.test"), status: 400, message: `unknown field "email"`},
			{name: "finish/duplicate token", method: "POST", path: "/api/auth/register/finish", body: `{"token":"` + strings.Repeat("T", 43) + `","token":"` + strings.Repeat("U", 43) + `"}`, status: 400, message: `duplicate field "token"`},
			{name: "finish/cross-origin", method: "POST", path: "/api/auth/register/finish", jsonBody: reg("token", strings.Repeat("U", 43)), origin: "https://evil.example", status: 403, message: "cross-origin"},
			{name: "finish page/bad token", method: "GET", path: "/register/finish?token=abc", status: 400},
			{name: "finish page/unknown token", method: "GET", path: "/register/finish?token=" + strings.Repeat("U", 43), status: 410},
			{name: "salt/missing email", method: "POST", path: "/api/auth/salt", body: `{}`, status: 400, message: "email: missing"},
			{name: "salt/too long", method: "POST", path: "/api/auth/salt", body: `{"email":"` + strings.Repeat("a", 300) + `@x"}`, status: 400, message: "3 to 254"},
			{name: "salt/cross-origin", method: "POST", path: "/api/auth/salt", body: `{"email":"a@b.c"}`, origin: "http://evil.example", status: 403, message: "cross-origin"},
			{name: "login/bad base64", method: "POST", path: "/api/auth/login", body: `{"email":"erin@example.test","auth_key":"***"}`, status: 400, message: "auth_key: not valid base64"},
			{name: "login/missing key", method: "POST", path: "/api/auth/login", body: `{"email":"erin@example.test"}`, status: 400, message: "auth_key: missing"},
			{name: "login/cross-origin", method: "POST", path: "/api/auth/login", body: `{"email":"a@b.c","auth_key":"x"}`, origin: "https://evil.example", status: 403, message: "cross-origin"},
			{name: "me/anonymous", client: anon, method: "GET", path: "/api/me", status: 401, message: "log in"},
			{name: "profile/anonymous", client: anon, method: "PUT", path: "/api/me/profile", body: `{"encrypted_display_name":"` + strings.Repeat("A", 60) + `"}`, status: 401, message: "log in"},
			{name: "profile/too short", method: "PUT", path: "/api/me/profile", body: `{"encrypted_display_name":"` + short + `"}`, status: 400, message: "encrypted_display_name: too short"},
			{name: "profile/plaintext", method: "PUT", path: "/api/me/profile", body: `{"encrypted_display_name":"My Name Is Plain"}`, status: 400, message: "not valid base64"},
			{name: "profile/missing", method: "PUT", path: "/api/me/profile", body: `{}`, status: 400, message: "missing"},
			{name: "profile/cross-origin", method: "PUT", path: "/api/me/profile", body: `{"encrypted_display_name":"` + strings.Repeat("A", 60) + `"}`, origin: "https://evil.example", status: 403, message: "cross-origin"},
			{name: "settings/missing", method: "PUT", path: "/api/me/settings", body: `{}`, status: 400, message: "always_require_password: missing"},
			{name: "settings/wrong type", method: "PUT", path: "/api/me/settings", body: `{"always_require_password":"yes"}`, status: 400, message: "wrong type"},
			{name: "logout/cross-origin", method: "POST", path: "/logout", ctype: "application/x-www-form-urlencoded", origin: "https://evil.example", status: 403},
			{name: "api/unknown", method: "GET", path: "/api/nothing", status: 404},
		}
		before := s.Counts(t)
		var me struct{ Before map[string]any }
		c.Do(t, "GET", "/api/me", "", nil).JSON(t, &me.Before)
		for _, tc := range cases {
			cl := tc.client
			if cl == nil {
				cl = c
			}
			body := []byte(tc.body)
			ctype := tc.ctype
			if tc.jsonBody != nil {
				body = mustJSON(t, tc.jsonBody)
			}
			if ctype == "" && tc.method != "GET" {
				ctype = "application/json"
			}
			var r *apptest.Response
			if tc.origin != "" {
				r = crossOrigin(t, cl, tc.method, tc.path, ctype, body, tc.origin)
			} else {
				r = cl.Do(t, tc.method, tc.path, ctype, body)
			}
			if r.Status != tc.status {
				t.Errorf("%s: status %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
				continue
			}
			if tc.message != "" && !strings.Contains(r.Error(), tc.message) {
				t.Errorf("%s: error %q, want it to mention %q", tc.name, r.Error(), tc.message)
			}
		}
		after := s.Counts(t)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("table %s: %d rows before, %d after bad input", k, v, after[k])
			}
		}
		var meAfter map[string]any
		c.Do(t, "GET", "/api/me", "", nil).JSON(t, &meAfter)
		if !maps.Equal(me.Before, meAfter) {
			t.Errorf("the account changed: %v -> %v", me.Before, meAfter)
		}
		// The session still works: the cross-origin logout did not log out.
		if r := c.Do(t, "GET", "/api/me", "", nil); r.Status != 200 {
			t.Errorf("session after cross-origin logout: %d", r.Status)
		}
	})
}

func crossOrigin(t *testing.T, c *apptest.Client, method, path, ctype string, body []byte, origin string) *apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(method, c.Base+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := &apptest.Response{Status: res.StatusCode, Header: res.Header}
	buf := make([]byte, 4096)
	n, _ := res.Body.Read(buf)
	r.Body = buf[:n]
	return r
}
