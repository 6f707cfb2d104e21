package webapp

// Groups (docs/PROTOCOL.md §7): the server checks roles, key versions and
// the shape of every ciphertext; it never holds a group key. Who may call
// which route is decided once, by groupRole, from the membership row.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// groupRoleNeed is what a group route asks of the caller.
type groupRoleNeed int

const (
	roleAny   groupRoleNeed = iota // any member, pending or not
	roleKeyed                      // a member holding the current key
	roleAdmin                      // an owner or admin holding the current key
	roleOwner                      // the owner
)

type membershipKey struct{}

func membershipFrom(ctx context.Context) *store.Membership {
	m, _ := ctx.Value(membershipKey{}).(*store.Membership)
	return m
}

// groupRole admits the caller to a group route if its membership of the
// group {id} meets need. A non-member (or an unknown group) gets 404, so
// the answer does not tell whether the group exists.
func (s *Server) groupRole(need groupRoleNeed, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gid := r.PathValue("id")
		if !validID(gid) {
			writeError(w, http.StatusNotFound, "group not found")
			return
		}
		m, err := s.store.Membership(r.Context(), s.store.DB, gid, userFrom(r.Context()))
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, "group not found")
			return
		}
		if err != nil {
			s.internalError(w, "group membership", err)
			return
		}
		switch {
		case need == roleOwner && m.Role != store.RoleOwner:
			writeError(w, http.StatusForbidden, "only the group's owner may do this")
			return
		case need == roleAdmin && !m.IsAdmin():
			writeError(w, http.StatusForbidden, "only the group's owner and admins may do this")
			return
		case (need == roleAdmin || need == roleKeyed) && !m.Keyed:
			writeError(w, http.StatusForbidden, "you do not have the group key yet")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), membershipKey{}, m)))
	})
}

// internalError logs err (which never holds content) and answers 500.
func (s *Server) internalError(w http.ResponseWriter, what string, err error) {
	s.log.Error(what+" failed", "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// storeError answers the store's refusals with their status, anything
// else with 500. It reports whether it answered.
func (s *Server) storeError(w http.ResponseWriter, what string, err error, notFound string) bool {
	var ce *store.ConflictError
	var fe *store.ForbiddenError
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, notFound)
	case errors.As(err, &ce):
		writeError(w, http.StatusConflict, ce.Msg)
	case errors.As(err, &fe):
		writeError(w, http.StatusForbidden, fe.Msg)
	default:
		s.internalError(w, what, err)
	}
	return true
}

func (s *Server) nowUnix() int64 { return s.cfg.Now().Unix() }

type keyJSON struct {
	KeyVersion   int64  `json:"key_version"`
	EncryptedKey string `json:"encrypted_key"`
}

func keysJSON(ks []store.GroupKey) []keyJSON {
	out := make([]keyJSON, len(ks))
	for i, k := range ks {
		out[i] = keyJSON{k.Version, b64.Encode(k.EncryptedKey)}
	}
	return out
}

func optB64(b []byte) string {
	if b == nil {
		return ""
	}
	return b64.Encode(b)
}

func (s *Server) listGroups() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid := userFrom(r.Context())
		gs, err := s.store.GroupsOf(r.Context(), uid)
		if err != nil {
			s.internalError(w, "list groups", err)
			return
		}
		u, err := s.store.UserByID(r.Context(), s.store.DB, uid)
		if err != nil {
			s.internalError(w, "list groups", err)
			return
		}
		invs, err := s.store.InvitationsFor(r.Context(), u.EmailIndex, uid, s.nowUnix())
		if err != nil {
			s.internalError(w, "list invitations", err)
			return
		}
		groups := make([]map[string]any, 0, len(gs))
		for _, g := range gs {
			groups = append(groups, map[string]any{
				"id": g.ID, "role": g.Role, "pending": g.Pending(), "key_version": g.KeyVersion,
				"encrypted_name": b64.Encode(g.EncryptedName), "name_key_version": g.NameKeyVersion,
				"keys": keysJSON(g.Keys), "member_count": g.MemberCount, "rotation_needed": g.RotationNeeded,
			})
		}
		invitations := make([]map[string]any, 0, len(invs))
		for _, inv := range invs {
			invitations = append(invitations, map[string]any{"id": inv.ID, "group_id": inv.GroupID, "created_at": inv.CreatedAt})
		}
		writeJSON(w, http.StatusOK, map[string]any{"groups": groups, "invitations": invitations})
	})
}

type createGroupRequest struct {
	ID            string `json:"id"` // optional: the client's choice
	EncryptedName string `json:"encrypted_name"`
	EncryptedKey  string `json:"encrypted_key"`
	KeyStatement  string `json:"key_statement"` // the owner's signed statement of version 1
}

func (s *Server) createGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req createGroupRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		id := c.newID("id", req.ID)
		name := c.Bytes("encrypted_name", req.EncryptedName, 41, 1024)
		key := c.SealedKey("encrypted_key", req.EncryptedKey)
		if req.ID == "" && c.Err() == nil {
			c.Fail("id", "missing: the key statement names the group, so the browser picks its id")
		}
		statement := c.keyStatement(req.KeyStatement, id, userFrom(r.Context()), 1)
		if c.answered(w) {
			return
		}
		id, err := s.store.CreateGroup(r.Context(), id, userFrom(r.Context()), name, key, statement, s.nowUnix())
		if s.storeError(w, "create group", err, "group not found") {
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"id": id, "key_version": 1})
	})
}

func (s *Server) getGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		uid := userFrom(r.Context())
		d, err := s.store.Group(r.Context(), m.GroupID, uid, m.IsAdmin(), s.nowUnix())
		if s.storeError(w, "read group", err, "group not found") {
			return
		}
		members := make([]map[string]any, 0, len(d.Members))
		for _, mb := range d.Members {
			members = append(members, map[string]any{
				"user_id": mb.UserID, "role": mb.Role, "pending": mb.Pending,
				"public_key": mb.PublicKey, "pq_public_key": mb.PQPublicKey, "identity_bundle": mb.IdentityBundle,
				"encrypted_label": optB64(mb.EncryptedLabel), "label_key_version": mb.LabelKeyVersion,
				"you": mb.UserID == uid, "joined_at": mb.CreatedAt,
			})
		}
		invitations := make([]map[string]any, 0, len(d.Invitations))
		for _, inv := range d.Invitations {
			invitations = append(invitations, map[string]any{
				"id": inv.ID, "encrypted_label": b64.Encode(inv.EncryptedLabel), "key_version": inv.KeyVersion, "created_at": inv.CreatedAt,
			})
		}
		goals := make([]map[string]any, 0, len(d.Goals))
		for _, g := range d.Goals {
			checkins := make([]map[string]any, 0, len(g.Checkins))
			for _, c := range g.Checkins {
				checkins = append(checkins, map[string]any{
					"user_id": c.UserID, "day": c.Day, "encrypted_note": b64.Encode(c.EncryptedNote), "key_version": c.KeyVersion,
				})
			}
			goals = append(goals, map[string]any{
				"id": g.ID, "author_id": g.AuthorID, "encrypted_title": b64.Encode(g.EncryptedTitle),
				"key_version": g.KeyVersion, "created_at": g.CreatedAt, "checkins": checkins,
			})
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"id": d.ID, "role": d.Role, "pending": d.Pending(), "key_version": d.KeyVersion,
			"rotation_needed": d.RotationNeeded, "encrypted_name": b64.Encode(d.EncryptedName),
			"name_key_version": d.NameKeyVersion, "keys": keysJSON(d.Keys), "members": members,
			"invitations": invitations, "goals": goals, "stale": d.Stale, "key_chain": d.KeyChain,
		})
	})
}

func (s *Server) deleteGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		members, err := s.store.MemberIDs(r.Context(), m.GroupID)
		if err != nil {
			s.internalError(w, "delete group", err)
			return
		}
		if s.storeError(w, "delete group", s.store.DeleteGroup(r.Context(), m.GroupID), "group not found") {
			return
		}
		for _, uid := range members {
			s.hub.Tell(r.Context(), uid, m.GroupID, "deleted")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

type inviteRequest struct {
	Email          string `json:"email"`
	EncryptedLabel string `json:"encrypted_label"`
	KeyVersion     int64  `json:"key_version"`
}

// InviteLimit is how many invitations one user may send in inviteWindow,
// across all its groups: enough to fill a group in one sitting, too few
// to mail (or probe) addresses wholesale.
const (
	InviteLimit  = 50
	inviteWindow = time.Hour
)

// invite answers the same — status, headers, body, and the same work on
// the way — for any address: it stores the invitation by blind index and
// queues a job naming only the invitation. Whether the address has an
// account is looked up by that job (invitejobs.go), after the answer, to
// push "invited" to the invitee's open pages; the inviter learns nothing
// until the invitee accepts (docs/PROTOCOL.md §7.1).
func (s *Server) invite() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		var req inviteRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.Email(req.Email)
		label := c.Bytes("encrypted_label", req.EncryptedLabel, 41, 1024)
		c.version(req.KeyVersion)
		if c.answered(w) {
			return
		}
		uid := userFrom(r.Context())
		if s.limited(w, r, "invite:"+uid, InviteLimit, inviteWindow) {
			return
		}
		err := s.store.Invite(r.Context(), m.GroupID, s.emailIndex(email), label, req.KeyVersion, uid, s.nowUnix(),
			func(tx *sql.Tx, invitationID string) error { return s.enqueueInvitation(r.Context(), tx, invitationID) })
		if s.storeError(w, "invite", err, "group not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "members")
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "invited"})
	})
}

func (s *Server) cancelInvitation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		inv := r.PathValue("inv")
		if !validID(inv) {
			writeError(w, http.StatusNotFound, "invitation not found")
			return
		}
		if s.storeError(w, "cancel invitation", s.store.CancelInvitation(r.Context(), m.GroupID, inv), "invitation not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "members")
		w.WriteHeader(http.StatusNoContent)
	})
}

// callerEmailIndex is the blind index of the signed-in user's address.
func (s *Server) callerEmailIndex(r *http.Request) (string, error) {
	u, err := s.store.UserByID(r.Context(), s.store.DB, userFrom(r.Context()))
	if err != nil {
		return "", err
	}
	return u.EmailIndex, nil
}

func (s *Server) acceptInvitation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !validID(id) {
			writeError(w, http.StatusNotFound, "invitation not found")
			return
		}
		idx, err := s.callerEmailIndex(r)
		if err != nil {
			s.internalError(w, "accept invitation", err)
			return
		}
		gid, err := s.store.AcceptInvitation(r.Context(), id, userFrom(r.Context()), idx, s.nowUnix())
		if s.storeError(w, "accept invitation", err, "invitation not found") {
			return
		}
		s.hub.Changed(r.Context(), gid, "members")
		writeJSON(w, http.StatusOK, map[string]string{"group_id": gid})
	})
}

func (s *Server) declineInvitation() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !validID(id) {
			writeError(w, http.StatusNotFound, "invitation not found")
			return
		}
		idx, err := s.callerEmailIndex(r)
		if err != nil {
			s.internalError(w, "decline invitation", err)
			return
		}
		// Declining tells nobody: the invitation stays on the admins' list,
		// as if unanswered, until it expires (store.InvitationLifetime).
		if s.storeError(w, "decline invitation", s.store.DeclineInvitation(r.Context(), id, idx, s.nowUnix()), "invitation not found") {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

type roleRequest struct {
	Role string `json:"role"`
}

func (s *Server) setRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		target := r.PathValue("user")
		var req roleRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		if req.Role != store.RoleAdmin && req.Role != store.RoleMember && req.Role != store.RoleOwner {
			writeError(w, http.StatusBadRequest, `role: must be "owner", "admin" or "member"`)
			return
		}
		if !validID(target) {
			writeError(w, http.StatusNotFound, "member not found")
			return
		}
		if target == userFrom(r.Context()) {
			writeError(w, http.StatusConflict, "the owner's role cannot change")
			return
		}
		set := s.store.SetRole
		if req.Role == store.RoleOwner { // hand the group over; the owner stays as an admin
			set = func(ctx context.Context, groupID, userID, _ string) error {
				return s.store.HandOver(ctx, groupID, userFrom(ctx), userID)
			}
		}
		if s.storeError(w, "set role", set(r.Context(), m.GroupID, target, req.Role), "member not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "members")
		w.WriteHeader(http.StatusNoContent)
	})
}

type rotateRequest struct {
	KeyVersion   int64  `json:"key_version"`
	KeyStatement string `json:"key_statement"` // the caller's signed statement of key_version + 1
	Keys         []struct {
		UserID       string `json:"user_id"`
		EncryptedKey string `json:"encrypted_key"`
	} `json:"keys"`
}

// maxRotateBody admits a new key for about 1,200 members (a hybrid-sealed
// key is about 1.6 KB of base64).
const maxRotateBody = 2 << 20

// rotation decodes a rotate/remove body into a store.Rotation.
func (s *Server) rotation(w http.ResponseWriter, r *http.Request) (*store.Rotation, bool) {
	var req rotateRequest
	if !decodeJSON(w, r, &req) {
		return nil, false
	}
	var c check
	c.version(req.KeyVersion)
	if len(req.Keys) == 0 {
		c.Fail("keys", "missing: the new key must be sealed to at least the caller")
	}
	keys := map[string][]byte{}
	for i, k := range req.Keys {
		field := "keys[" + strconv.Itoa(i) + "]"
		if !validID(k.UserID) {
			c.Fail(field+".user_id", "not a user id")
			break
		}
		if _, dup := keys[k.UserID]; dup {
			c.Fail(field+".user_id", "appears twice")
			break
		}
		keys[k.UserID] = c.SealedKey(field+".encrypted_key", k.EncryptedKey)
	}
	m := membershipFrom(r.Context())
	statement := c.keyStatement(req.KeyStatement, m.GroupID, userFrom(r.Context()), req.KeyVersion+1)
	if c.answered(w) {
		return nil, false
	}
	return &store.Rotation{GroupID: m.GroupID, Actor: m, From: req.KeyVersion, Keys: keys, Statement: statement, Now: s.nowUnix()}, true
}

func (s *Server) removeMember() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.PathValue("user")
		if !validID(target) {
			writeError(w, http.StatusNotFound, "member not found")
			return
		}
		if target == userFrom(r.Context()) {
			writeError(w, http.StatusConflict, "you cannot remove yourself: leave the group instead")
			return
		}
		rot, ok := s.rotation(w, r)
		if !ok {
			return
		}
		rot.Remove = target
		s.rotate(w, r, rot)
	})
}

func (s *Server) rotateGroupKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rot, ok := s.rotation(w, r); ok {
			s.rotate(w, r, rot)
		}
	})
}

func (s *Server) rotate(w http.ResponseWriter, r *http.Request, rot *store.Rotation) {
	v, stale, err := s.store.Rotate(r.Context(), rot)
	if s.storeError(w, "rotate group key", err, "member not found") {
		return
	}
	if rot.Remove != "" {
		s.hub.Tell(r.Context(), rot.Remove, rot.GroupID, "removed")
	}
	s.hub.Changed(r.Context(), rot.GroupID, "key")
	writeJSON(w, http.StatusOK, map[string]any{"key_version": v, "stale": stale})
}

type keyStatementRequest struct {
	KeyVersion   int64  `json:"key_version"`
	KeyStatement string `json:"key_statement"`
}

// addKeyStatement (PUT /api/groups/{id}/key-statement, owners and admins
// holding the key) stores the statement of the current key version of a
// group made before statements existed: trust on first use by the page
// that adds it (docs/PROTOCOL.md §10.6). A group with statements already
// answers 409.
func (s *Server) addKeyStatement() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req keyStatementRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		m := membershipFrom(r.Context())
		var c check
		c.version(req.KeyVersion)
		statement := c.keyStatement(req.KeyStatement, m.GroupID, userFrom(r.Context()), req.KeyVersion)
		if c.answered(w) {
			return
		}
		if err := s.store.AddKeyStatement(r.Context(), m.GroupID, req.KeyVersion, statement, s.nowUnix()); s.storeError(w, "add key statement", err, "group not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "key")
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) leaveGroup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		uid := userFrom(r.Context())
		if s.storeError(w, "leave group", s.store.Leave(r.Context(), m.GroupID, uid), "group not found") {
			return
		}
		s.hub.Tell(r.Context(), uid, m.GroupID, "removed")
		s.hub.Changed(r.Context(), m.GroupID, "rotation_needed")
		w.WriteHeader(http.StatusNoContent)
	})
}

// maxReencryptItems bounds one re-encryption batch; maxReencryptBody
// admits that many notes of the largest size.
const (
	maxReencryptItems = 500
	maxReencryptBody  = 12 << 20
)

func (s *Server) reencryptBatch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		limit := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxReencryptItems {
				writeError(w, http.StatusBadRequest, "limit: must be a number from 1 to 500")
				return
			}
			limit = n
		}
		items, stale, err := s.store.StaleItems(r.Context(), m.GroupID, m.KeyVersion, limit)
		if err != nil {
			s.internalError(w, "re-encryption batch", err)
			return
		}
		out := make([]map[string]any, 0, len(items))
		for _, it := range items {
			item := map[string]any{"kind": it.Kind, "id": it.ID, "key_version": it.KeyVersion, "ciphertext": b64.Encode(it.Ciphertext)}
			if it.Kind == "checkin" { // what its place is made of
				item["goal_id"], item["user_id"], item["day"] = it.GoalID, it.UserID, it.Day
			}
			out = append(out, item)
		}
		writeJSON(w, http.StatusOK, map[string]any{"key_version": m.KeyVersion, "stale": stale, "items": out})
	})
}

type reencryptRequest struct {
	KeyVersion int64 `json:"key_version"`
	Items      []struct {
		Kind        string `json:"kind"`
		ID          string `json:"id"`
		FromVersion int64  `json:"from_version"`
		Ciphertext  string `json:"ciphertext"`
	} `json:"items"`
}

// contentLimits are the decoded sizes each kind of group ciphertext may
// have (docs/PROTOCOL.md §7.4).
var contentLimits = map[string][2]int{
	"group": {41, 1024}, "member": {41, 1024}, "invitation": {41, 1024}, "goal": {41, 1024}, "checkin": {40, 16384},
}

func (s *Server) applyReencrypt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		var req reencryptRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		c.version(req.KeyVersion)
		if len(req.Items) > maxReencryptItems {
			c.Fail("items", "at most %d per batch", maxReencryptItems)
		}
		items := make([]store.Reencrypted, 0, len(req.Items))
		for i, it := range req.Items {
			field := "items[" + strconv.Itoa(i) + "]"
			lim, ok := contentLimits[it.Kind]
			switch {
			case !ok:
				c.Fail(field+".kind", "unknown kind")
			case !validID(it.ID):
				c.Fail(field+".id", "not an id")
			case it.FromVersion < 1 || it.FromVersion >= req.KeyVersion:
				c.Fail(field+".from_version", "must be an older version than key_version")
			}
			ct := c.Bytes(field+".ciphertext", it.Ciphertext, lim[0], lim[1])
			if c.Err() != nil {
				break
			}
			items = append(items, store.Reencrypted{Kind: it.Kind, ID: it.ID, From: it.FromVersion, Ciphertext: ct})
		}
		if c.answered(w) {
			return
		}
		updated, stale, err := s.store.ApplyReencrypted(r.Context(), m.GroupID, req.KeyVersion, items)
		if s.storeError(w, "re-encrypt", err, "group not found") {
			return
		}
		if updated > 0 {
			s.hub.Changed(r.Context(), m.GroupID, "content")
		}
		writeJSON(w, http.StatusOK, map[string]any{"updated": updated, "stale": stale, "key_version": req.KeyVersion})
	})
}

type goalRequest struct {
	ID             string `json:"id"` // optional: the client's choice
	EncryptedTitle string `json:"encrypted_title"`
	KeyVersion     int64  `json:"key_version"`
}

func (s *Server) createGoal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		var req goalRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		id := c.newID("id", req.ID)
		title := c.Bytes("encrypted_title", req.EncryptedTitle, 41, 1024)
		c.version(req.KeyVersion)
		if c.answered(w) {
			return
		}
		id, err := s.store.CreateGoal(r.Context(), id, m.GroupID, userFrom(r.Context()), title, req.KeyVersion, s.nowUnix())
		if s.storeError(w, "create goal", err, "group not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "content")
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	})
}

func (s *Server) deleteGoal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		goal := r.PathValue("goal")
		if !validID(goal) {
			writeError(w, http.StatusNotFound, "goal not found")
			return
		}
		author, err := s.store.GoalAuthor(r.Context(), m.GroupID, goal)
		if s.storeError(w, "delete goal", err, "goal not found") {
			return
		}
		if !m.IsAdmin() && author != userFrom(r.Context()) {
			writeError(w, http.StatusForbidden, "only the goal's author and the group's owner and admins may delete it")
			return
		}
		if s.storeError(w, "delete goal", s.store.DeleteGoal(r.Context(), m.GroupID, goal), "goal not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "content")
		w.WriteHeader(http.StatusNoContent)
	})
}

type groupCheckinRequest struct {
	EncryptedNote string `json:"encrypted_note"`
	KeyVersion    int64  `json:"key_version"`
}

func (s *Server) putGroupCheckin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := membershipFrom(r.Context())
		goal := r.PathValue("goal")
		if !validID(goal) {
			writeError(w, http.StatusNotFound, "goal not found")
			return
		}
		var req groupCheckinRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		day := c.Day("day", r.PathValue("day"), s.cfg.Now())
		note := c.Bytes("encrypted_note", req.EncryptedNote, 40, 16384)
		c.version(req.KeyVersion)
		if c.answered(w) {
			return
		}
		err := s.store.PutGroupCheckin(r.Context(), m.GroupID, goal, userFrom(r.Context()), day, note, req.KeyVersion, s.nowUnix())
		if s.storeError(w, "group check-in", err, "goal not found") {
			return
		}
		s.hub.Changed(r.Context(), m.GroupID, "content")
		w.WriteHeader(http.StatusNoContent)
	})
}
