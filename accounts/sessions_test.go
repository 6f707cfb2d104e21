package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/b64"
)

// TestSessionList: on both databases, a user's live sessions are listed
// by public ids (stable, neither token nor hash, different per session),
// with the device ciphertext stored sealed at rest; last use moves at most
// once a minute; ending one by id works for its user only and never for
// the caller's own; ending the others keeps the caller's and nobody
// else's; ended and idle sessions are not listed.
func TestSessionList(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			f := newFixture(t, backend)
			ctx := context.Background()
			u, v := newUser(t), newUser(t)
			s1 := f.signUp(t, u)
			sv := f.signUp(t, v)
			f.clock.Advance(time.Second) // oldest first: s1, then s2
			_, s2, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey))
			if err != nil {
				t.Fatal(err)
			}
			list, err := f.m.Sessions(ctx, s1)
			if err != nil || len(list) != 2 {
				t.Fatalf("sessions: %+v %v", list, err)
			}
			ids := map[string]bool{}
			for _, s := range list {
				if !accounts.ValidSessionID(s.ID) || strings.Contains(accounts.TokenHash(s1)+accounts.TokenHash(s2)+s1+s2, s.ID) {
					t.Fatalf("public id %q", s.ID)
				}
				ids[s.ID] = true
			}
			if len(ids) != 2 || !list[0].Current || list[1].Current {
				t.Fatalf("ids or current wrong: %+v", list)
			}
			again, _ := f.m.Sessions(ctx, s2)
			if again[0].ID != list[0].ID || again[1].ID != list[1].ID || again[0].Current || !again[1].Current {
				t.Fatalf("the list from the other session differs: %+v vs %+v", again, list)
			}

			// Device labels: checked, stored sealed, returned as sent.
			dev := sealkit.GenerateKey() // 32 random bytes stand in for a secretbox
			dev = append(dev, sealkit.GenerateKey()[:20]...)
			var fe *fieldcheck.Error
			for _, bad := range []string{"", "!!", b64.Encode(make([]byte, 40)), b64.Encode(make([]byte, 241)), b64.Encode([]byte("Chrome on Linux, readable text instead of ciphertext"))} {
				if err := f.m.SetDevice(ctx, s1, bad); !errors.As(err, &fe) || strings.Contains(err.Error(), "Chrome") {
					t.Fatalf("device %q: %v", bad, err)
				}
			}
			if err := f.m.SetDevice(ctx, "not a token", b64.Encode(dev)); !errors.Is(err, accounts.ErrNoSession) {
				t.Fatalf("device without a session: %v", err)
			}
			if err := f.m.SetDevice(ctx, s1, b64.Encode(dev)); err != nil {
				t.Fatal(err)
			}
			var stored string
			f.db.QueryRow(`SELECT encrypted_device FROM sessions WHERE id_hash = $1`, accounts.TokenHash(s1)).Scan(&stored)
			if !strings.HasPrefix(stored, "ar1.") {
				t.Fatalf("device stored as %q", stored)
			}
			list, _ = f.m.Sessions(ctx, s1)
			if !slices.Equal(list[0].Device, dev) || list[1].Device != nil {
				t.Fatalf("devices: %+v", list)
			}

			// Last seen moves at most once a minute.
			seen := list[0].LastSeen
			f.clock.Advance(30 * time.Second)
			f.m.SessionUser(ctx, s1)
			if list, _ = f.m.Sessions(ctx, s1); !list[0].LastSeen.Equal(seen) {
				t.Fatalf("last seen written within a minute: %v -> %v", seen, list[0].LastSeen)
			}
			f.clock.Advance(31 * time.Second)
			f.m.SessionUser(ctx, s1)
			if list, _ = f.m.Sessions(ctx, s1); !list[0].LastSeen.Equal(f.clock.Now()) {
				t.Fatalf("last seen %v, want %v", list[0].LastSeen, f.clock.Now())
			}

			// Ending by id: v cannot end u's; u cannot end its own by id.
			other := list[1].ID
			if _, err := f.m.EndSessionByID(ctx, sv, other); !errors.Is(err, accounts.ErrUnknownSession) {
				t.Fatalf("another user's id: %v", err)
			}
			if _, err := f.m.EndSessionByID(ctx, s1, list[0].ID); !errors.Is(err, accounts.ErrCurrentSession) {
				t.Fatalf("own id: %v", err)
			}
			for _, bad := range []string{"", strings.ToUpper(other), other[:31], other + "0", strings.Repeat("g", 32)} {
				if _, err := f.m.EndSessionByID(ctx, s1, bad); !errors.Is(err, accounts.ErrUnknownSession) {
					t.Fatalf("id %q: %v", bad, err)
				}
			}
			h, err := f.m.EndSessionByID(ctx, s1, other)
			if err != nil || h != accounts.TokenHash(s2) {
				t.Fatalf("end by id: %q %v", h, err)
			}
			if _, err := f.m.SessionUser(ctx, s2); !errors.Is(err, accounts.ErrNoSession) {
				t.Fatalf("ended session: %v", err)
			}

			// Ending the others.
			var more []string
			for range 3 {
				_, s, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey))
				if err != nil {
					t.Fatal(err)
				}
				more = append(more, s)
			}
			uid, _ := f.m.SessionUser(ctx, s1)
			ended, err := f.m.EndOtherSessions(ctx, uid, s1)
			if err != nil || len(ended) != 3 {
				t.Fatalf("end others: %v %v", ended, err)
			}
			for _, s := range more {
				if !slices.Contains(ended, accounts.TokenHash(s)) {
					t.Fatalf("end others did not report %s", accounts.TokenHash(s))
				}
			}
			if list, _ := f.m.Sessions(ctx, s1); len(list) != 1 || !list[0].Current {
				t.Fatalf("after ending the others: %+v", list)
			}
			if _, err := f.m.SessionUser(ctx, sv); err != nil {
				t.Fatalf("another user's session ended too: %v", err)
			}
			// "" ends all (an account recovered without a session).
			if ended, err := f.m.EndOtherSessions(ctx, uid, ""); err != nil || len(ended) != 1 {
				t.Fatalf("end all: %v %v", ended, err)
			}
			if _, err := f.m.Sessions(ctx, s1); !errors.Is(err, accounts.ErrNoSession) {
				t.Fatalf("list after ending all: %v", err)
			}
		})
	}
}

// TestCheckPassword: the password re-proved under login's limits: a
// wrong key counts as a failed login of the client and account, a right
// one takes its count back, and the sixth attempt within the window is
// refused even with the right key.
func TestCheckPassword(t *testing.T) {
	f := newFixture(t, "postgres")
	ctx := context.Background()
	u := newUser(t)
	session := f.signUp(t, u)
	uid, _ := f.m.SessionUser(ctx, session)
	var fe *fieldcheck.Error
	for _, bad := range []string{"", "!!", b64.Encode(u.AuthKey[:31])} {
		if err := f.m.CheckPassword(ctx, "c", uid, bad); !errors.As(err, &fe) {
			t.Fatalf("auth key %q: %v", bad, err)
		}
	}
	if err := f.m.CheckPassword(ctx, "c", "0123456789abcdef0123456789abcdef", b64.Encode(u.AuthKey)); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatalf("unknown user: %v", err)
	}
	wrong := b64.Encode(sealkit.GenerateKey())
	for i := range 4 {
		if err := f.m.CheckPassword(ctx, "c", uid, wrong); !errors.Is(err, accounts.ErrWrongPassword) {
			t.Fatalf("wrong %d: %v", i, err)
		}
	}
	for range 3 {
		if err := f.m.CheckPassword(ctx, "c", uid, b64.Encode(u.AuthKey)); err != nil {
			t.Fatalf("right key: %v", err)
		}
	}
	// Shared with login: one more login failure reaches the limit.
	f.m.Login(ctx, "c", u.Email, wrong)
	var le *accounts.LimitError
	if err := f.m.CheckPassword(ctx, "c", uid, b64.Encode(u.AuthKey)); !errors.As(err, &le) {
		t.Fatalf("sixth attempt: %v", err)
	}
	if err := f.m.CheckPassword(ctx, "elsewhere", uid, b64.Encode(u.AuthKey)); err != nil {
		t.Fatalf("from another client: %v", err)
	}
}
