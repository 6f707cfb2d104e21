package apptest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
)

// User is an account made the way the browser makes one: every key is
// generated and wrapped client-side; only ciphertext goes to the server.
type User struct {
	Email, Password string
	Salt            []byte
	SessionKey      []byte
	AuthKey         []byte
	PublicKey       []byte
	PrivateKey      []byte
	PQPublicKey     []byte
	PQSeed          []byte
	UserKey         []byte
	Register        map[string]string // the registration body
}

// NewUser derives and seals everything for a registration.
func NewUser(t testing.TB, email, password string) *User {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u := &User{Email: email, Password: password, Salt: sealkit.GenerateSalt()}
	var err error
	u.SessionKey, err = sealkit.DeriveSessionKey(password, u.Salt)
	must(err)
	u.AuthKey, err = sealkit.DeriveAuthKey(u.SessionKey)
	must(err)
	u.PublicKey, u.PrivateKey, err = sealkit.GenerateKeyPair()
	must(err)
	u.PQPublicKey, u.PQSeed, err = sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	must(err)
	epk, err := sealkit.EncryptPrivateKey(u.PrivateKey, u.SessionKey)
	must(err)
	epq, err := sealkit.EncryptPrivateKey(u.PQSeed, u.SessionKey)
	must(err)
	u.UserKey = sealkit.GenerateKey()
	euk, err := sealkit.SealForUser([]byte(b64.Encode(u.UserKey)), u.PublicKey, u.PQPublicKey)
	must(err)
	eem, err := sealkit.EncryptSecretbox([]byte(email), u.UserKey)
	must(err)
	u.Register = map[string]string{
		"email":                    email,
		"key_hash":                 sealkit.FormatKeyHash(u.Salt),
		"auth_key":                 b64.Encode(u.AuthKey),
		"public_key":               b64.Encode(u.PublicKey),
		"encrypted_private_key":    b64.Encode(epk),
		"pq_public_key":            b64.Encode(u.PQPublicKey),
		"encrypted_pq_private_key": b64.Encode(epq),
		"encrypted_user_key":       b64.Encode(euk),
		"encrypted_email":          b64.Encode(eem),
	}
	return u
}

// SignUp registers u and confirms the address through the mailed link.
func (s *Server) SignUp(t testing.TB, c *Client, u *User) {
	t.Helper()
	if r := c.JSON(t, "POST", "/api/auth/register", u.Register); r.Status != 202 {
		t.Fatalf("register: %s", describe(r))
	}
	m := s.WaitMail(t, u.Email, "Confirm")
	s.Confirm(t, c, m.Link)
}

// Confirm posts the token of a confirmation link.
func (s *Server) Confirm(t testing.TB, c *Client, link string) {
	t.Helper()
	lu, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Form(t, "/confirm", url.Values{"token": {lu.Query().Get("token")}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("confirm: %s", describe(r))
	}
}

// LogIn runs the login protocol (salt, then the auth key) and returns the
// login answer.
func (c *Client) LogIn(t testing.TB, u *User) *Response {
	t.Helper()
	r := c.JSON(t, "POST", "/api/auth/salt", map[string]string{"email": u.Email})
	if r.Status != 200 {
		return r
	}
	var kh struct {
		KeyHash string `json:"key_hash"`
	}
	r.JSON(t, &kh)
	if kh.KeyHash != sealkit.FormatKeyHash(u.Salt) {
		t.Fatalf("salt endpoint gave %q, want the user's key_hash", kh.KeyHash)
	}
	return c.JSON(t, "POST", "/api/auth/login", map[string]string{"email": u.Email, "auth_key": b64.Encode(u.AuthKey)})
}
