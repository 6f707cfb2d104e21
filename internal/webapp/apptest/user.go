package apptest

import (
	"net/url"
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

// SignUp registers u as a browser does: the address first, then, from the
// mailed link, the keys (u.Register plus the link's token). The finishing
// request runs on a client of its own, so c is left as it was (logged in
// or not); the new account is confirmed.
func (s *Server) SignUp(t testing.TB, c *Client, u *User) {
	t.Helper()
	if r := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": u.Email}); r.Status != 202 {
		t.Fatalf("register: %s", describe(r))
	}
	m := s.WaitMail(t, u.Email, SignupSubject)
	fc := NewClient(s.URL)
	if r := fc.FinishSignup(t, u, LinkToken(t, m.Link)); r.Status != 201 {
		t.Fatalf("finish sign-up: %s", describe(r))
	}
	// The page lands logged in; the tests log in themselves, so that
	// session ends here and the database holds only theirs.
	if r := fc.Form(t, "/logout", nil); r.Status != 303 {
		t.Fatalf("logout after sign-up: %s", describe(r))
	}
}

// SignupSubject is the subject of the mail that carries a sign-up link.
const SignupSubject = "Finish creating your sealkit account"

// FinishSignup posts u's keys with a sign-up link's token.
func (c *Client) FinishSignup(t testing.TB, u *User, token string) *Response {
	t.Helper()
	body := map[string]string{"token": token}
	for k, v := range u.Register {
		if k != "email" {
			body[k] = v
		}
	}
	return c.JSON(t, "POST", "/api/auth/register/finish", body)
}

// LinkToken is the token query parameter of a mailed link.
func LinkToken(t testing.TB, link string) string {
	t.Helper()
	lu, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return lu.Query().Get("token")
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
