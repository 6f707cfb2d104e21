package webapp_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// habitsClock is a fixed clock for the habit tests: days and timestamps
// are then exact.
var habitsClock = time.Now().UTC().Truncate(time.Second)

func startHabits(t *testing.T, db *apptest.DB) *apptest.Server {
	t.Helper()
	return apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = func() time.Time { return habitsClock } }})
}

// habitUser is a signed-up, logged-in account and its client.
func habitUser(t *testing.T, s *apptest.Server, who string) (*apptest.Client, *apptest.User) {
	t.Helper()
	c := apptest.NewClient(s.URL)
	u := apptest.NewUser(t, who+"-"+randomHex(4)+"@example.test", "pw-"+who+"-0123456789")
	s.SignUp(t, c, u)
	if r := c.LogIn(t, u); r.Status != 200 {
		t.Fatalf("login %s: %d %s", who, r.Status, r.Body)
	}
	return c, u
}

// habitSecrets are the browser-side secrets of one habit, made in Go as
// the browser makes them.
type habitSecrets struct {
	ID                string // the id the fields are bound to (the body's "id")
	Key               []byte
	Name, Description string
}

func secretbox(t testing.TB, plain string, key []byte) string {
	t.Helper()
	ct, err := sealkit.EncryptSecretbox([]byte(plain), key)
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(ct)
}

func openBox(t testing.TB, ctB64 string, key []byte) string {
	t.Helper()
	if ctB64 == "" {
		return ""
	}
	ct, err := b64.Decode(ctB64)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sealkit.DecryptSecretbox(ct, key)
	if err != nil {
		t.Fatalf("secretbox does not open: %v", err)
	}
	return string(p)
}

// newHabitBody is a POST /api/habits body: a fresh key sealed to u (the
// hybrid format, as the browser seals it), the name and description under it.
func newHabitBody(t testing.TB, u *apptest.User, name, description, colour string) (map[string]string, habitSecrets) {
	t.Helper()
	key := sealkit.GenerateKey()
	sealed, err := sealkit.SealForUser(key, u.PublicKey, u.PQPublicKey)
	if err != nil {
		t.Fatal(err)
	}
	id := apptest.NewRowID() // the fields are bound to it, as the browser binds them
	body := map[string]string{
		"id":             id,
		"encrypted_key":  b64.Encode(sealed),
		"encrypted_name": apptest.EncryptAt(t, name, key, apptest.PlaceHabitName(id)),
		"colour":         colour,
	}
	if description != "" {
		body["encrypted_description"] = apptest.EncryptAt(t, description, key, apptest.PlaceHabitDescription(id))
	}
	return body, habitSecrets{ID: id, Key: key, Name: name, Description: description}
}

type habitAnswer struct {
	ID                   string   `json:"id"`
	EncryptedKey         string   `json:"encrypted_key"`
	EncryptedName        string   `json:"encrypted_name"`
	EncryptedDescription string   `json:"encrypted_description"`
	Colour               string   `json:"colour"`
	Position             int64    `json:"position"`
	Archived             bool     `json:"archived"`
	ArchivedAt           int64    `json:"archived_at"`
	CreatedAt            int64    `json:"created_at"`
	UpdatedAt            int64    `json:"updated_at"`
	LastCheckinDay       string   `json:"last_checkin_day"`
	CheckinDays          []string `json:"checkin_days"`
	NoteDays             []string `json:"note_days"`
	Run                  int      `json:"run"`
	Checkins             []struct {
		Day           string `json:"day"`
		EncryptedNote string `json:"encrypted_note"`
		CreatedAt     int64  `json:"created_at"`
	} `json:"checkins"`
}

func createHabit(t testing.TB, c *apptest.Client, body map[string]string) string {
	t.Helper()
	r := c.JSON(t, "POST", "/api/habits", body)
	if r.Status != 201 {
		t.Fatalf("create habit: %d %s", r.Status, r.Body)
	}
	var out struct{ ID string }
	r.JSON(t, &out)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(out.ID) {
		t.Fatalf("habit id %q", out.ID)
	}
	return out.ID
}

func listHabits(t *testing.T, c *apptest.Client) []habitAnswer {
	t.Helper()
	r := c.Do(t, "GET", "/api/habits", "", nil)
	if r.Status != 200 {
		t.Fatalf("list habits: %d %s", r.Status, r.Body)
	}
	var out struct{ Habits []habitAnswer }
	r.JSON(t, &out)
	return out.Habits
}

func getHabit(t *testing.T, c *apptest.Client, id string) habitAnswer {
	t.Helper()
	r := c.Do(t, "GET", "/api/habits/"+id, "", nil)
	if r.Status != 200 {
		t.Fatalf("get habit: %d %s", r.Status, r.Body)
	}
	var h habitAnswer
	r.JSON(t, &h)
	return h
}

// habitKey opens the habit's key as its reader's browser does.
func habitKey(t *testing.T, u *apptest.User, h habitAnswer) []byte {
	t.Helper()
	sealed, err := b64.Decode(h.EncryptedKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 1193 || sealed[0] != sealkit.Cat3.Tag() {
		t.Errorf("encrypted_key: %d bytes, tag %#x; want the hybrid 0x02 seal of 1193", len(sealed), sealed[0])
	}
	key, err := sealkit.UnsealFromUser(sealed, u.PublicKey, u.PrivateKey, u.PQSeed)
	if err != nil {
		t.Fatalf("the habit key does not unseal: %v", err)
	}
	return key
}

func mustStatus(t *testing.T, what string, r *apptest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: %d %s, want %d", what, r.Status, r.Body, want)
	}
}

func day(offset int) string { return habitsClock.AddDate(0, 0, offset).Format(time.DateOnly) }

// TestHabitsLifecycle walks every habit route with real crypto: create,
// list, read, check in, edit, archive, delete; then concurrent creates.
func TestHabitsLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := startHabits(t, db)
		c, u := habitUser(t, s, "hana")
		now := habitsClock.Unix()

		if hs := listHabits(t, c); len(hs) != 0 {
			t.Fatalf("a new account lists %d habits", len(hs))
		}
		b1, sec1 := newHabitBody(t, u, "Run 5 km 🏃", "Before breakfast", "#30a46c")
		id1 := createHabit(t, c, b1)
		b2, sec2 := newHabitBody(t, u, "Read", "", "#0090ff")
		id2 := createHabit(t, c, b2)

		hs := listHabits(t, c)
		if len(hs) != 2 || hs[0].ID != id1 || hs[1].ID != id2 || hs[0].Position != 0 || hs[1].Position != 1 {
			t.Fatalf("list after two creates: %+v", hs)
		}
		for i, want := range []habitSecrets{sec1, sec2} {
			h := hs[i]
			key := habitKey(t, u, h)
			if !bytes.Equal(key, want.Key) {
				t.Fatalf("habit %d: unsealed key differs", i)
			}
			// As the browser sent them: bound to the habit's id (PROTOCOL §6.1).
			if got, err := apptest.DecryptAt(h.EncryptedName, key, apptest.PlaceHabitName(h.ID)); err != nil || got != want.Name {
				t.Errorf("habit %d name %q, want %q", i, got, want.Name)
			}
			if got, _ := apptest.DecryptAt(h.EncryptedDescription, key, apptest.PlaceHabitDescription(h.ID)); got != want.Description {
				t.Errorf("habit %d description %q, want %q", i, got, want.Description)
			}
			if h.Archived || h.ArchivedAt != 0 || h.CreatedAt != now || h.UpdatedAt != now || h.LastCheckinDay != "" ||
				h.CheckinDays == nil || len(h.CheckinDays) != 0 || h.Checkins != nil {
				t.Errorf("habit %d: %+v", i, h)
			}
		}
		if hs[0].Colour != "#30a46c" || hs[1].Colour != "#0090ff" {
			t.Errorf("colours %q %q", hs[0].Colour, hs[1].Colour)
		}
		if h := getHabit(t, c, id1); h.Checkins == nil || len(h.Checkins) != 0 || h.EncryptedName != hs[0].EncryptedName {
			t.Fatalf("detail of a new habit: %+v", h)
		}

		// Check-ins: today with a note, yesterday without, then today replaced.
		mustStatus(t, "check in today", c.JSON(t, "PUT", "/api/habits/"+id1+"/checkins/"+day(0),
			map[string]string{"encrypted_note": secretbox(t, "first note", sec1.Key)}), 204)
		mustStatus(t, "check in yesterday", c.JSON(t, "PUT", "/api/habits/"+id1+"/checkins/"+day(-1), map[string]string{}), 204)
		mustStatus(t, "check in tomorrow (a timezone ahead)", c.JSON(t, "PUT", "/api/habits/"+id2+"/checkins/"+day(1), map[string]string{}), 204)
		mustStatus(t, "replace today", c.JSON(t, "PUT", "/api/habits/"+id1+"/checkins/"+day(0),
			map[string]string{"encrypted_note": secretbox(t, "second note", sec1.Key)}), 204)
		h := getHabit(t, c, id1)
		if len(h.Checkins) != 2 || h.Checkins[0].Day != day(0) || h.Checkins[1].Day != day(-1) {
			t.Fatalf("check-ins: %+v", h.Checkins)
		}
		if got := openBox(t, h.Checkins[0].EncryptedNote, sec1.Key); got != "second note" {
			t.Errorf("today's note %q", got)
		}
		if h.Checkins[1].EncryptedNote != "" || h.Checkins[0].CreatedAt != now {
			t.Errorf("check-ins: %+v", h.Checkins)
		}
		if h.LastCheckinDay != day(0) || !slices.Equal(h.CheckinDays, []string{day(0), day(-1)}) || !slices.Equal(h.NoteDays, []string{day(0)}) {
			t.Errorf("detail: last %q days %v noted %v", h.LastCheckinDay, h.CheckinDays, h.NoteDays)
		}
		if n := s.Count(t, "checkins"); n != 3 {
			t.Errorf("%d check-in rows, want 3", n)
		}

		// The list carries the last seven days, newest first.
		for i := -10; i <= -2; i++ {
			mustStatus(t, "check in "+day(i), c.JSON(t, "PUT", "/api/habits/"+id1+"/checkins/"+day(i), map[string]string{}), 204)
		}
		hs = listHabits(t, c)
		want := []string{day(0), day(-1), day(-2), day(-3), day(-4), day(-5), day(-6)}
		if !slices.Equal(hs[0].CheckinDays, want) || hs[0].LastCheckinDay != day(0) || !slices.Equal(hs[0].NoteDays, []string{day(0)}) {
			t.Errorf("list check-in days %v (noted %v), want %v (noted today)", hs[0].CheckinDays, hs[0].NoteDays, want)
		}
		if !slices.Equal(hs[1].CheckinDays, []string{day(1)}) {
			t.Errorf("second habit's days %v", hs[1].CheckinDays)
		}
		if h := getHabit(t, c, id1); len(h.Checkins) != 11 {
			t.Errorf("%d check-ins on the detail, want 11", len(h.Checkins))
		}

		// Edit: a new name, no description, another colour.
		mustStatus(t, "update", c.JSON(t, "PUT", "/api/habits/"+id1, map[string]string{
			"encrypted_name": secretbox(t, "Run 10 km", sec1.Key), "colour": "#e5484d"}), 204)
		h = getHabit(t, c, id1)
		if openBox(t, h.EncryptedName, sec1.Key) != "Run 10 km" || h.EncryptedDescription != "" || h.Colour != "#e5484d" || h.Position != 0 {
			t.Errorf("after update: %+v", h)
		}
		mustStatus(t, "update with description", c.JSON(t, "PUT", "/api/habits/"+id1, map[string]string{
			"encrypted_name": secretbox(t, "Run 10 km", sec1.Key), "encrypted_description": secretbox(t, "Slowly", sec1.Key), "colour": "#e5484d"}), 204)
		if got := openBox(t, getHabit(t, c, id1).EncryptedDescription, sec1.Key); got != "Slowly" {
			t.Errorf("description after update %q", got)
		}

		// Archive twice (the first time is kept), then restore.
		mustStatus(t, "archive", c.JSON(t, "PUT", "/api/habits/"+id1+"/archived", map[string]bool{"archived": true}), 204)
		mustStatus(t, "archive again", c.JSON(t, "PUT", "/api/habits/"+id1+"/archived", map[string]bool{"archived": true}), 204)
		if h := getHabit(t, c, id1); !h.Archived || h.ArchivedAt != now {
			t.Errorf("archived: %v at %d", h.Archived, h.ArchivedAt)
		}
		if hs := listHabits(t, c); len(hs) != 2 || !hs[0].Archived || hs[1].Archived {
			t.Errorf("the list hides or loses archived habits: %+v", hs)
		}
		mustStatus(t, "unarchive", c.JSON(t, "PUT", "/api/habits/"+id1+"/archived", map[string]bool{"archived": false}), 204)
		if h := getHabit(t, c, id1); h.Archived || h.ArchivedAt != 0 {
			t.Errorf("unarchived: %v at %d", h.Archived, h.ArchivedAt)
		}

		// Delete a check-in, then one that is not there.
		mustStatus(t, "delete check-in", c.Do(t, "DELETE", "/api/habits/"+id1+"/checkins/"+day(-1), "", nil), 204)
		r := c.Do(t, "DELETE", "/api/habits/"+id1+"/checkins/"+day(-1), "", nil)
		if r.Status != 404 || r.Error() != "no check-in on that day" {
			t.Errorf("deleting a missing check-in: %d %s", r.Status, r.Body)
		}

		// Delete the habit: its join row and check-ins go with it.
		mustStatus(t, "delete", c.Do(t, "DELETE", "/api/habits/"+id1, "", nil), 204)
		mustStatus(t, "get deleted", c.Do(t, "GET", "/api/habits/"+id1, "", nil), 404)
		mustStatus(t, "delete again", c.Do(t, "DELETE", "/api/habits/"+id1, "", nil), 404)
		if hs := listHabits(t, c); len(hs) != 1 || hs[0].ID != id2 {
			t.Errorf("after delete: %+v", hs)
		}
		if n, m := s.Count(t, "checkins"), s.Count(t, "user_habits"); n != 1 || m != 1 {
			t.Errorf("after delete: %d check-ins, %d join rows; want 1 and 1", n, m)
		}

		// Concurrent creates get distinct positions after the last one.
		var wg sync.WaitGroup
		for i := range 12 {
			body, _ := newHabitBody(t, u, fmt.Sprintf("habit %d", i), "", "#8d8d8d")
			wg.Go(func() {
				if r := c.JSON(t, "POST", "/api/habits", body); r.Status != 201 {
					t.Errorf("concurrent create: %d %s", r.Status, r.Body)
				}
			})
		}
		wg.Wait()
		hs = listHabits(t, c)
		if len(hs) != 13 {
			t.Fatalf("%d habits after concurrent creates, want 13", len(hs))
		}
		for i, h := range hs {
			if h.Position != int64(i+1) {
				t.Errorf("position %d at index %d: positions must be distinct, after the existing 1", h.Position, i)
			}
		}
	})
}

// habitRoute is one request on a habit route, with a valid body.
type habitRoute struct {
	method, path string
	body         any
}

func (r habitRoute) send(t *testing.T, c *apptest.Client, path string) *apptest.Response {
	t.Helper()
	if r.body == nil {
		return c.Do(t, r.method, path, "", nil)
	}
	return c.JSON(t, r.method, path, r.body)
}

// habitRoutes is every route of one habit, in an order the owner can
// run them in.
func habitRoutes(t *testing.T, id string, sec habitSecrets) []habitRoute {
	return []habitRoute{
		{"GET", "/api/habits/" + id, nil},
		{"GET", "/api/habits/" + id + "/checkins?before=" + day(1), nil},
		{"PUT", "/api/habits/" + id, map[string]string{"encrypted_name": secretbox(t, "stolen", sec.Key), "colour": "#000000"}},
		{"PUT", "/api/habits/" + id + "/archived", map[string]bool{"archived": true}},
		{"PUT", "/api/habits/" + id + "/checkins/" + day(0), map[string]string{"encrypted_note": secretbox(t, "note", sec.Key)}},
		{"PUT", "/api/habits/" + id + "/checkins/" + day(-3), map[string]string{}},
		{"DELETE", "/api/habits/" + id + "/checkins/" + day(0), nil},
		{"DELETE", "/api/habits/" + id, nil},
	}
}

// habitSnapshot is everything about a user's habits the API and the
// tables show, to compare before and after refused requests.
func habitSnapshot(t *testing.T, s *apptest.Server, c *apptest.Client, id string) string {
	t.Helper()
	var b strings.Builder
	b.Write(c.Do(t, "GET", "/api/habits", "", nil).Body)
	if id != "" {
		b.Write(c.Do(t, "GET", "/api/habits/"+id, "", nil).Body)
	}
	for _, tb := range []string{"habits", "user_habits", "checkins", "users", "sessions"} {
		fmt.Fprintf(&b, "%s=%d ", tb, s.Count(t, tb))
	}
	return b.String()
}

// TestHabitsAuthorization: anonymous requests get 401; another account
// gets the same 404 for someone else's habit as for a missing one, on
// every route, and changes nothing.
func TestHabitsAuthorization(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := startHabits(t, db)
		owner, u := habitUser(t, s, "olga")
		other, _ := habitUser(t, s, "mallory")
		anon := apptest.NewClient(s.URL)

		body, sec := newHabitBody(t, u, "Private habit", "Secret description", "#8e4ec6")
		id := createHabit(t, owner, body)
		mustStatus(t, "check in", owner.JSON(t, "PUT", "/api/habits/"+id+"/checkins/"+day(0),
			map[string]string{"encrypted_note": secretbox(t, "private note", sec.Key)}), 204)
		before := habitSnapshot(t, s, owner, id)

		routes := append(habitRoutes(t, id, sec), habitRoute{"GET", "/api/habits", nil}, habitRoute{"POST", "/api/habits", body})
		for _, r := range routes {
			if got := r.send(t, anon, r.path); got.Status != 401 || got.Error() != "log in first" {
				t.Errorf("anonymous %s %s: %d %s", r.method, r.path, got.Status, got.Body)
			}
			if !strings.HasPrefix(r.path, "/api/habits/") {
				continue
			}
			if got := r.send(t, other, r.path); got.Status != 404 || got.Error() != "habit not found" {
				t.Errorf("another user's %s %s: %d %s", r.method, r.path, got.Status, got.Body)
			}
			// A habit that does not exist answers exactly alike.
			if got := r.send(t, other, strings.Replace(r.path, id, randomHex(16), 1)); got.Status != 404 || got.Error() != "habit not found" {
				t.Errorf("%s of a missing habit: %d %s", r.method, got.Status, got.Body)
			}
		}
		if hs := listHabits(t, other); len(hs) != 0 {
			t.Errorf("another user lists %d habits", len(hs))
		}
		if after := habitSnapshot(t, s, owner, id); after != before {
			t.Errorf("refused requests changed the habit:\nbefore %s\nafter  %s", before, after)
		}
		// The owner still can do everything the others could not.
		for _, r := range habitRoutes(t, id, sec) {
			if got := r.send(t, owner, r.path); got.Status/100 != 2 {
				t.Errorf("owner %s %s: %d %s", r.method, r.path, got.Status, got.Body)
			}
		}
	})
}

// TestHabitsBadInput: malformed, wrong-length and oversized fields, bad
// colours, bad days, unknown fields and the habit limit are refused with
// a clear message and change nothing.
func TestHabitsBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := startHabits(t, db)
		c, u := habitUser(t, s, "bea")
		valid, sec := newHabitBody(t, u, "Stretch", "Ten minutes", "#ffc53d")
		id := createHabit(t, c, valid)
		with := func(field, value string) map[string]string {
			m := map[string]string{}
			for k, v := range valid {
				m[k] = v
			}
			if value == "<delete>" {
				delete(m, field)
			} else {
				m[field] = value
			}
			return m
		}
		update := func(field, value string) map[string]string {
			m := with(field, value)
			delete(m, "encrypted_key")
			delete(m, "id") // an update names the habit in its path
			return m
		}
		bytesB64 := func(n int) string { return b64.Encode(bytes.Repeat([]byte{0xa5}, n)) }
		// A sealed box of 33 bytes: the right kind of blob, the wrong key size.
		notKey := bytesB64(81)
		x25519Only, _ := sealkit.SealForUser(sec.Key, u.PublicKey, nil)
		hybridWrongTag := bytes.Repeat([]byte{1}, 1193) // Cat-1 tag on a Cat-3 length
		habit := "/api/habits/" + id
		type tcase struct {
			name, method, path, ctype, body string
			json                            any
			status                          int
			message                         string
		}
		cases := []tcase{
			{name: "create/key not base64", method: "POST", path: "/api/habits", json: with("encrypted_key", "not base64!"), status: 400, message: "encrypted_key: not valid base64"},
			{name: "create/key too short", method: "POST", path: "/api/habits", json: with("encrypted_key", bytesB64(79)), status: 400, message: "encrypted_key: too short"},
			{name: "create/key too long", method: "POST", path: "/api/habits", json: with("encrypted_key", bytesB64(2049)), status: 400, message: "encrypted_key: too long"},
			{name: "create/key not a sealed key", method: "POST", path: "/api/habits", json: with("encrypted_key", notKey), status: 400, message: "encrypted_key: not a sealed 32-byte key"},
			{name: "create/key wrong hybrid tag", method: "POST", path: "/api/habits", json: with("encrypted_key", b64.Encode(hybridWrongTag)), status: 400, message: "encrypted_key: not a sealed 32-byte key"},
			{name: "create/key missing", method: "POST", path: "/api/habits", json: with("encrypted_key", "<delete>"), status: 400, message: "encrypted_key: missing"},
			{name: "create/key with newline", method: "POST", path: "/api/habits", json: with("encrypted_key", valid["encrypted_key"]+"\n"), status: 400, message: "encrypted_key"},
			{name: "create/name plaintext", method: "POST", path: "/api/habits", json: with("encrypted_name", "Morning run"), status: 400, message: "encrypted_name: not valid base64"},
			{name: "create/name base64 of plaintext", method: "POST", path: "/api/habits", json: with("encrypted_name", b64.Encode([]byte("Morning run, typed in the clear: no encryption"))), status: 400, message: "encrypted_name: readable text, not ciphertext"},
			{name: "check-in/note base64 of plaintext", method: "PUT", path: habit + "/checkins/" + time.Now().UTC().Format(time.DateOnly), json: map[string]string{"encrypted_note": b64.Encode([]byte("Ran along the river — felt great, knees fine."))}, status: 400, message: "encrypted_note: readable text, not ciphertext"},
			{name: "create/name empty secretbox", method: "POST", path: "/api/habits", json: with("encrypted_name", bytesB64(40)), status: 400, message: "encrypted_name: too short"},
			{name: "create/name too long", method: "POST", path: "/api/habits", json: with("encrypted_name", bytesB64(1025)), status: 400, message: "encrypted_name: too long"},
			{name: "create/name missing", method: "POST", path: "/api/habits", json: with("encrypted_name", "<delete>"), status: 400, message: "encrypted_name: missing"},
			{name: "create/name unpadded base64", method: "POST", path: "/api/habits", json: with("encrypted_name", strings.TrimRight(bytesB64(50), "=")), status: 400, message: "encrypted_name: not valid base64"},
			{name: "create/description too short", method: "POST", path: "/api/habits", json: with("encrypted_description", bytesB64(39)), status: 400, message: "encrypted_description: too short"},
			{name: "create/description too long", method: "POST", path: "/api/habits", json: with("encrypted_description", bytesB64(16385)), status: 400, message: "encrypted_description: too long"},
			{name: "create/description plaintext", method: "POST", path: "/api/habits", json: with("encrypted_description", "ten minutes of stretching"), status: 400, message: "encrypted_description: not valid base64"},
			{name: "create/colour name", method: "POST", path: "/api/habits", json: with("colour", "red"), status: 400, message: "colour: must be"},
			{name: "create/colour upper-case", method: "POST", path: "/api/habits", json: with("colour", "#FFC53D"), status: 400, message: "colour: must be"},
			{name: "create/colour short", method: "POST", path: "/api/habits", json: with("colour", "#fc3"), status: 400, message: "colour: must be"},
			{name: "create/colour css", method: "POST", path: "/api/habits", json: with("colour", "#ffc53d;x"), status: 400, message: "colour: must be"},
			{name: "create/colour missing", method: "POST", path: "/api/habits", json: with("colour", "<delete>"), status: 400, message: "colour: missing"},
			{name: "create/unknown field", method: "POST", path: "/api/habits", body: `{"name":"Stretch"}`, status: 400, message: "unknown field"},
			{name: "create/position is the server's", method: "POST", path: "/api/habits", json: map[string]any{"encrypted_key": valid["encrypted_key"], "encrypted_name": valid["encrypted_name"], "colour": "#ffc53d", "position": 0}, status: 400, message: "unknown field"},
			{name: "create/wrong type", method: "POST", path: "/api/habits", body: `{"colour":1}`, status: 400, message: "colour: wrong type"},
			{name: "create/not json", method: "POST", path: "/api/habits", body: `colour=red`, status: 400, message: "not a JSON object"},
			{name: "create/oversized", method: "POST", path: "/api/habits", body: `{"encrypted_description":"` + strings.Repeat("A", 70<<10) + `"}`, status: 413, message: "64 KiB"},
			{name: "create/text content type", method: "POST", path: "/api/habits", ctype: "text/plain", body: `{}`, status: 415, message: "application/json"},
			{name: "update/name plaintext", method: "PUT", path: habit, json: update("encrypted_name", "Stretch more"), status: 400, message: "encrypted_name: not valid base64"},
			{name: "update/name missing", method: "PUT", path: habit, json: update("encrypted_name", "<delete>"), status: 400, message: "encrypted_name: missing"},
			{name: "update/colour", method: "PUT", path: habit, json: update("colour", "rgb(0,0,0)"), status: 400, message: "colour: must be"},
			{name: "update/description too short", method: "PUT", path: habit, json: update("encrypted_description", bytesB64(10)), status: 400, message: "encrypted_description: too short"},
			{name: "update/key cannot change", method: "PUT", path: habit, json: with("encrypted_key", b64.Encode(x25519Only)), status: 400, message: "unknown field"},
			{name: "archive/missing", method: "PUT", path: habit + "/archived", body: `{}`, status: 400, message: "archived: missing"},
			{name: "archive/wrong type", method: "PUT", path: habit + "/archived", body: `{"archived":"yes"}`, status: 400, message: "archived: wrong type"},
			{name: "archive/unknown field", method: "PUT", path: habit + "/archived", body: `{"archived":true,"archived_at":1}`, status: 400, message: "unknown field"},
			{name: "checkin/month 13", method: "PUT", path: habit + "/checkins/2026-13-01", body: `{}`, status: 400, message: "day: not a date"},
			{name: "checkin/no padding", method: "PUT", path: habit + "/checkins/2026-2-1", body: `{}`, status: 400, message: "day: not a date"},
			{name: "checkin/february 30", method: "PUT", path: habit + "/checkins/2024-02-30", body: `{}`, status: 400, message: "day: not a date"},
			{name: "checkin/word", method: "PUT", path: habit + "/checkins/today", body: `{}`, status: 400, message: "day: not a date"},
			{name: "checkin/before 2000", method: "PUT", path: habit + "/checkins/1999-12-31", body: `{}`, status: 400, message: "day: out of range"},
			{name: "checkin/after tomorrow", method: "PUT", path: habit + "/checkins/" + day(2), body: `{}`, status: 400, message: "day: out of range"},
			{name: "checkin/note plaintext", method: "PUT", path: habit + "/checkins/" + day(0), json: map[string]string{"encrypted_note": "felt great"}, status: 400, message: "encrypted_note: not valid base64"},
			{name: "checkin/note too short", method: "PUT", path: habit + "/checkins/" + day(0), json: map[string]string{"encrypted_note": bytesB64(39)}, status: 400, message: "encrypted_note: too short"},
			{name: "checkin/note too long", method: "PUT", path: habit + "/checkins/" + day(0), json: map[string]string{"encrypted_note": bytesB64(16385)}, status: 400, message: "encrypted_note: too long"},
			{name: "checkin/unknown field", method: "PUT", path: habit + "/checkins/" + day(0), body: `{"note":"felt great"}`, status: 400, message: "unknown field"},
			{name: "checkin/no body", method: "PUT", path: habit + "/checkins/" + day(0), body: ``, status: 400, message: "not a JSON object"},
			{name: "uncheck/bad day", method: "DELETE", path: habit + "/checkins/20260101", status: 400, message: "day: not a date"},
			{name: "checkins/before not a date", method: "GET", path: habit + "/checkins?before=2026-13-01", status: 400, message: "before: not a date"},
			{name: "checkins/before empty", method: "GET", path: habit + "/checkins?before=", status: 400, message: "before: not a date"},
			{name: "checkins/before with time", method: "GET", path: habit + "/checkins?before=2026-01-01T00:00:00Z", status: 400, message: "before: not a date"},
			{name: "checkins/before 2000", method: "GET", path: habit + "/checkins?before=1999-12-31", status: 400, message: "before: out of range"},
			{name: "checkins/before after tomorrow", method: "GET", path: habit + "/checkins?before=" + day(2), status: 400, message: "before: out of range"},
			{name: "checkins/before twice", method: "GET", path: habit + "/checkins?before=" + day(0) + "&before=" + day(-1), status: 400, message: "only one before"},
			{name: "checkins/malformed query", method: "GET", path: habit + "/checkins?before=%zz", status: 400, message: "query: malformed"},
			{name: "checkins/unknown parameter", method: "GET", path: habit + "/checkins?limit=5000", status: 400, message: "only one before"},
			{name: "checkins/wrong method", method: "POST", path: habit + "/checkins", body: `{}`, status: 405},
			{name: "checkins/id not hex", method: "GET", path: "/api/habits/not-an-id/checkins", status: 404, message: "habit not found"},
			{name: "id/not hex", method: "GET", path: "/api/habits/not-an-id", status: 404, message: "habit not found"},
			{name: "id/upper-case", method: "GET", path: "/api/habits/" + strings.ToUpper(id), status: 404, message: "habit not found"},
			{name: "id/too long", method: "PUT", path: habit + "0/archived", body: `{"archived":true}`, status: 404, message: "habit not found"},
			{name: "list/wrong method", method: "PATCH", path: "/api/habits", status: 405},
		}
		before := habitSnapshot(t, s, c, id)
		for _, tc := range cases {
			body := []byte(tc.body)
			if tc.json != nil {
				body = mustJSON(t, tc.json)
			}
			ctype := tc.ctype
			if ctype == "" && (tc.json != nil || tc.body != "" || tc.method == "PUT") {
				ctype = "application/json"
			}
			r := c.Do(t, tc.method, tc.path, ctype, body)
			if r.Status != tc.status {
				t.Errorf("%s: status %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
				continue
			}
			if tc.message != "" && !strings.Contains(r.Error(), tc.message) {
				t.Errorf("%s: error %q, want it to mention %q", tc.name, r.Error(), tc.message)
			}
		}
		// Cross-origin writes are refused before anything is read.
		for _, p := range []string{"/api/habits", habit} {
			if r := crossOrigin(t, c, "PUT", p, "application/json", mustJSON(t, update("colour", "#000000")), "https://evil.example"); r.Status != 403 && !(p == "/api/habits" && r.Status == 405) {
				t.Errorf("cross-origin PUT %s: %d %s", p, r.Status, r.Body)
			}
		}
		if r := crossOrigin(t, c, "DELETE", habit, "", nil, "https://evil.example"); r.Status != 403 {
			t.Errorf("cross-origin DELETE: %d %s", r.Status, r.Body)
		}
		if after := habitSnapshot(t, s, c, id); after != before {
			t.Errorf("bad input changed something:\nbefore %s\nafter  %s", before, after)
		}

		// The limit: fill the account up to 5,000 habits in the database,
		// then one more through the API is refused.
		fillHabits(t, s, id, 5000)
		n := s.Count(t, "habits")
		r := c.JSON(t, "POST", "/api/habits", valid)
		if r.Status != http.StatusConflict || !strings.Contains(r.Error(), "5,000") {
			t.Errorf("habit 5,001: %d %s", r.Status, r.Body)
		}
		if s.Count(t, "habits") != n || s.Count(t, "user_habits") != 1 {
			t.Errorf("the refused habit was stored")
		}
	})
}

// fillHabits copies habit id's row until its owner has total habits.
// The copies' ciphertexts are not readable (their at-rest AAD names
// another row); only the count matters here.
func fillHabits(t *testing.T, s *apptest.Server, id string, total int) {
	t.Helper()
	db := s.App.Store().DB
	_, err := db.Exec(`INSERT INTO habits (id, owner_id, encrypted_name, encrypted_description, colour, position, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
		SELECT h.id || '-' || n.i, h.owner_id, h.encrypted_name, h.encrypted_description, h.colour, h.position + n.i, h.created_at, h.updated_at
		FROM habits h, n WHERE h.id = $1`, id, total-1)
	if err != nil {
		t.Fatal(err)
	}
}

// TestHabitsAtRest: the database holds the habit tables' ciphertext
// columns only as at-rest values — never the plaintext, and never the
// browser's ciphertext as sent — and the plaintext columns only the
// metadata §6 lists.
func TestHabitsAtRest(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := startHabits(t, db)
		c, u := habitUser(t, s, "ines")
		name, desc, note := "AtRestName-"+randomHex(6), "AtRestDescription-"+randomHex(6), "AtRestNote-"+randomHex(6)
		body, sec := newHabitBody(t, u, name, desc, "#d6409f")
		id := createHabit(t, c, body)
		noteCT := secretbox(t, note, sec.Key)
		mustStatus(t, "check in", c.JSON(t, "PUT", "/api/habits/"+id+"/checkins/"+day(0), map[string]string{"encrypted_note": noteCT}), 204)
		mustStatus(t, "check in", c.JSON(t, "PUT", "/api/habits/"+id+"/checkins/"+day(-1), map[string]string{}), 204)

		sent := map[string]string{
			"name": name, "description": desc, "note": note,
			"the browser's encrypted_key": body["encrypted_key"], "the browser's encrypted_name": body["encrypted_name"],
			"the browser's encrypted_description": body["encrypted_description"], "the browser's encrypted_note": noteCT,
		}
		atRest := regexp.MustCompile(`^ar1\.[0-9]+\.[A-Za-z0-9+/]+=*$`)
		for _, q := range []struct {
			table string
			cols  []string
		}{
			{"habits", []string{"encrypted_name", "encrypted_description"}},
			{"user_habits", []string{"encrypted_key"}},
			{"checkins", []string{"encrypted_note"}},
		} {
			rows, err := s.App.Store().DB.Query(`SELECT * FROM ` + q.table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, col := range cols {
					v := fmt.Sprint(vals[i])
					if b, ok := vals[i].([]byte); ok {
						v = string(b)
					}
					for what, secret := range sent {
						if strings.Contains(v, secret) {
							t.Errorf("%s.%s holds the %s", q.table, col, what)
						}
					}
					if slices.Contains(q.cols, col) && vals[i] != nil && !atRest.MatchString(v) {
						t.Errorf("%s.%s = %.40q…: not an at-rest value", q.table, col, v)
					}
				}
			}
			rows.Close()
		}
		// And the store opens them back to exactly what was sent.
		h := getHabit(t, c, id)
		if h.EncryptedKey != body["encrypted_key"] || h.EncryptedName != body["encrypted_name"] ||
			h.EncryptedDescription != body["encrypted_description"] || h.Checkins[0].EncryptedNote != noteCT {
			t.Error("the API does not give back the ciphertext as sent")
		}
		if strings.Contains(s.Log.String(), name) || strings.Contains(s.Log.String(), note) {
			t.Error("the log holds a habit's plaintext")
		}
	})
}
