package webapp

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// Habits (docs/PROTOCOL.md §6). The server sees a habit's key only sealed
// to its owner and its name, description and notes only as secretboxes
// under that key; what it can read (colour, position, archived, days) is
// plaintext on purpose. Every route finds the habit through the caller's
// user_habits row, so another user's habit and a missing one answer the
// same 404.

const (
	maxHabits        = 5000
	habitCheckinList = 366 // a year of days on the detail page
	// A page of GET /api/habits/{id}/checkins: a few years of days.
	habitCheckinPage = 1000
	// Secretbox adds 40 bytes: a name holds at least one byte.
	habitNameMin, habitNameMax = 41, 1024
	habitTextMin, habitTextMax = 40, 16384
)

const habitNotFound = "habit not found"

type habitJSON struct {
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
}

type habitCheckinJSON struct {
	Day           string `json:"day"`
	EncryptedNote string `json:"encrypted_note"`
	CreatedAt     int64  `json:"created_at"`
}

func habitView(h *store.Habit) habitJSON {
	days, noted := h.CheckinDays, h.NoteDays
	if days == nil {
		days = []string{}
	}
	if noted == nil {
		noted = []string{}
	}
	last := ""
	if len(days) > 0 {
		last = days[0]
	}
	return habitJSON{
		ID:                   h.ID,
		EncryptedKey:         b64.Encode(h.EncryptedKey),
		EncryptedName:        b64.Encode(h.EncryptedName),
		EncryptedDescription: optB64(h.EncryptedDescription),
		Colour:               h.Colour,
		Position:             h.Position,
		Archived:             h.ArchivedAt != 0,
		ArchivedAt:           h.ArchivedAt,
		CreatedAt:            h.CreatedAt,
		UpdatedAt:            h.UpdatedAt,
		LastCheckinDay:       last,
		CheckinDays:          days,
		NoteDays:             noted,
		Run:                  h.Run,
	}
}

// colour checks a "#rrggbb" colour in lower-case hex: one spelling per
// colour, so the stored value never varies for the same choice.
func (c *check) colour(field, v string) string {
	if c.Err() != nil {
		return ""
	}
	if v == "" {
		c.Fail(field, "missing")
		return ""
	}
	ok := len(v) == 7 && v[0] == '#'
	for i := 1; ok && i < len(v); i++ {
		ok = v[i] >= '0' && v[i] <= '9' || v[i] >= 'a' && v[i] <= 'f'
	}
	if !ok {
		c.Fail(field, `must be "#rrggbb" in lower-case hex`)
		return ""
	}
	return v
}

// habitID is the {id} of the path if it has the shape of an id (32
// lower-case hex characters); anything else cannot exist, so it is a 404
// without a query.
func habitID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	ok := validID(id)
	if !ok {
		writeError(w, http.StatusNotFound, habitNotFound)
	}
	return id, ok
}

func habitDone(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listHabits() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs, err := s.store.Habits(r.Context(), userFrom(r.Context()))
		if err != nil {
			s.storeError(w, "habit list", err, habitNotFound)
			return
		}
		out := make([]habitJSON, len(hs))
		for i, h := range hs {
			out[i] = habitView(h)
		}
		writeJSON(w, http.StatusOK, map[string]any{"habits": out})
	})
}

type createHabitRequest struct {
	ID                   string `json:"id"` // optional: the client's choice
	EncryptedKey         string `json:"encrypted_key"`
	EncryptedName        string `json:"encrypted_name"`
	EncryptedDescription string `json:"encrypted_description"`
	Colour               string `json:"colour"`
}

func (s *Server) createHabit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req createHabitRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		h := &store.NewHabit{
			ID:                   c.newID("id", req.ID),
			KeyRowID:             store.NewID(),
			OwnerID:              userFrom(r.Context()),
			EncryptedKey:         c.SealedKey("encrypted_key", req.EncryptedKey),
			EncryptedName:        c.Bytes("encrypted_name", req.EncryptedName, habitNameMin, habitNameMax),
			EncryptedDescription: c.OptionalBytes("encrypted_description", req.EncryptedDescription, habitTextMin, habitTextMax),
			Colour:               c.colour("colour", req.Colour),
			Now:                  s.cfg.Now().Unix(),
		}
		if c.answered(w) {
			return
		}
		err := s.store.CreateHabit(r.Context(), h, maxHabits)
		if errors.Is(err, store.ErrHabitLimit) {
			writeError(w, http.StatusConflict, "at most 5,000 habits per account")
			return
		}
		if err != nil {
			s.storeError(w, "habit create", err, habitNotFound)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"id": h.ID})
	})
}

func (s *Server) getHabit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		h, cs, err := s.store.Habit(r.Context(), userFrom(r.Context()), id, habitCheckinList)
		if err != nil {
			s.storeError(w, "habit read", err, habitNotFound)
			return
		}
		list := make([]habitCheckinJSON, len(cs))
		for i, c := range cs {
			list[i] = habitCheckinJSON{Day: c.Day, EncryptedNote: optB64(c.EncryptedNote), CreatedAt: c.CreatedAt}
		}
		writeJSON(w, http.StatusOK, struct {
			habitJSON
			Checkins []habitCheckinJSON `json:"checkins"`
		}{habitView(h), list})
	})
}

// listCheckins pages through all of a habit's check-ins, newest first
// (the detail page's streaks and the data export need every day, beyond
// the year GET /api/habits/{id} carries): ?before=YYYY-MM-DD continues
// below the last day of the previous page; more says whether to.
// Notes stay secretboxes under the habit key.
func (s *Server) listCheckins() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, http.StatusBadRequest, "query: malformed")
			return
		}
		for name, vs := range q {
			if name != "before" || len(vs) != 1 {
				writeError(w, http.StatusBadRequest, "query: only one before=YYYY-MM-DD is allowed")
				return
			}
		}
		var c check
		before := ""
		if q.Has("before") {
			before = c.Day("before", q.Get("before"), s.cfg.Now())
		}
		if c.answered(w) {
			return
		}
		cs, err := s.store.HabitCheckins(r.Context(), userFrom(r.Context()), id, before, habitCheckinPage+1)
		if err != nil {
			s.storeError(w, "check-in list", err, habitNotFound)
			return
		}
		more := len(cs) > habitCheckinPage
		if more {
			cs = cs[:habitCheckinPage]
		}
		list := make([]habitCheckinJSON, len(cs))
		for i, c := range cs {
			list[i] = habitCheckinJSON{Day: c.Day, EncryptedNote: optB64(c.EncryptedNote), CreatedAt: c.CreatedAt}
		}
		writeJSON(w, http.StatusOK, map[string]any{"checkins": list, "more": more})
	})
}

type updateHabitRequest struct {
	EncryptedName        string `json:"encrypted_name"`
	EncryptedDescription string `json:"encrypted_description"`
	Colour               string `json:"colour"`
}

func (s *Server) updateHabit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		var req updateHabitRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		name := c.Bytes("encrypted_name", req.EncryptedName, habitNameMin, habitNameMax)
		desc := c.OptionalBytes("encrypted_description", req.EncryptedDescription, habitTextMin, habitTextMax)
		colour := c.colour("colour", req.Colour)
		if c.answered(w) {
			return
		}
		if err := s.store.UpdateHabit(r.Context(), userFrom(r.Context()), id, name, desc, colour, s.cfg.Now().Unix()); err != nil {
			s.storeError(w, "habit update", err, habitNotFound)
			return
		}
		habitDone(w)
	})
}

type habitArchiveRequest struct {
	Archived *bool `json:"archived"`
}

func (s *Server) archiveHabit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		var req habitArchiveRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		if req.Archived == nil {
			writeError(w, http.StatusBadRequest, "archived: missing")
			return
		}
		if err := s.store.SetHabitArchived(r.Context(), userFrom(r.Context()), id, *req.Archived, s.cfg.Now().Unix()); err != nil {
			s.storeError(w, "habit archive", err, habitNotFound)
			return
		}
		habitDone(w)
	})
}

func (s *Server) deleteHabit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		if err := s.store.DeleteHabit(r.Context(), userFrom(r.Context()), id); err != nil {
			s.storeError(w, "habit delete", err, habitNotFound)
			return
		}
		habitDone(w)
	})
}

type habitCheckinRequest struct {
	EncryptedNote string `json:"encrypted_note"`
}

func (s *Server) putCheckin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		var req habitCheckinRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		day := c.Day("day", r.PathValue("day"), s.cfg.Now())
		note := c.OptionalBytes("encrypted_note", req.EncryptedNote, habitTextMin, habitTextMax)
		if c.answered(w) {
			return
		}
		if err := s.store.PutHabitCheckin(r.Context(), userFrom(r.Context()), id, day, note, store.NewID(), s.cfg.Now().Unix()); err != nil {
			s.storeError(w, "check-in", err, habitNotFound)
			return
		}
		habitDone(w)
	})
}

func (s *Server) deleteCheckin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := habitID(w, r)
		if !ok {
			return
		}
		var c check
		day := c.Day("day", r.PathValue("day"), s.cfg.Now())
		if c.answered(w) {
			return
		}
		err := s.store.DeleteHabitCheckin(r.Context(), userFrom(r.Context()), id, day)
		if errors.Is(err, store.ErrNoHabitCheckin) {
			writeError(w, http.StatusNotFound, "no check-in on that day")
			return
		}
		if err != nil {
			s.storeError(w, "check-in delete", err, habitNotFound)
			return
		}
		habitDone(w)
	})
}
