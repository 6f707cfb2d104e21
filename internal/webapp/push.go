package webapp

// Pushes over WebSocket (docs/PROTOCOL.md §8) run on the kit's package
// keydist; this file is the app's group glue: the groups as
// keydist.Resources over the store, the sessions as keydist.Sessions, and
// the broadcaster. Events name a group (and, for a removal, a user),
// never content. They travel through package broadcast: on PostgreSQL as
// NOTIFY (broadcast/pgnotify), so that every instance hears them and
// delivers to its own connections; on SQLite, which serves one instance,
// in process (broadcast.Local).

import (
	"context"
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/broadcast/pgnotify"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/keydist"
)

// pushChannel is the PostgreSQL NOTIFY channel of pushes.
const pushChannel = "sealkit_push"

// newPushHub is the hub of this instance: groups ("group_id",
// "group_changed" on the wire), ids as made by store.NewID.
func (s *Server) newPushHub() (*keydist.Hub, error) {
	return keydist.New(keydist.Config{
		Broadcaster: s.newBroadcaster(),
		Resources:   groupResources{s},
		Sessions:    s.accounts, // accounts.Manager.LiveSessions: a check, not a use
		Resource:    "group",
		ValidID:     validID,
		Log:         s.log,
	})
}

// newBroadcaster is how pushes reach every instance: PostgreSQL
// LISTEN/NOTIFY when several instances share the database, in process on
// SQLite (which serves one).
func (s *Server) newBroadcaster() broadcast.Broadcaster {
	if s.store.Dialect != store.Postgres {
		return broadcast.NewLocal(1024)
	}
	return &pgnotify.Broadcaster{
		DB:       s.store.DB,
		Connect:  func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, s.cfg.DatabaseURL) },
		Channel:  pushChannel,
		LogError: func(err error) { s.log.Warn("push listener", "err", err) },
	}
}

// runPushes runs the hub until ctx ends.
func (s *Server) runPushes(ctx context.Context) {
	if err := s.hub.Run(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("pushes stopped", "err", err)
	}
}

// websocket is GET /api/ws (requireAPI authenticated it).
func (s *Server) websocket() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hub.Serve(w, r, userFrom(r.Context()), hashHex(s.sessionToken(r)))
	})
}

// endSessionSockets closes every WebSocket of the session whose id hash
// is sessionIDHash (logout), on every instance.
func (s *Server) endSessionSockets(ctx context.Context, sessionIDHash string) {
	s.hub.EndSession(ctx, sessionIDHash)
}

// groupResources are the groups as the hub sees them: every member is
// told; owners and admins holding the current key are the holders.
type groupResources struct{ s *Server }

func (g groupResources) Audience(ctx context.Context, groupID string) (int64, []keydist.Member, error) {
	version, states, err := g.s.store.MemberStates(ctx, groupID)
	if err != nil {
		return 0, nil, err
	}
	members := make([]keydist.Member, len(states))
	for i, st := range states {
		members[i] = keydist.Member{UserID: st.UserID, Holder: st.Keyed && (st.Role == store.RoleOwner || st.Role == store.RoleAdmin)}
	}
	return version, members, nil
}

func (g groupResources) Pending(ctx context.Context, groupID string, version int64) ([]keydist.Pending, error) {
	ps, err := g.s.store.Pending(ctx, groupID, version)
	if err != nil {
		return nil, err
	}
	out := make([]keydist.Pending, len(ps))
	for i, p := range ps {
		out[i] = keydist.Pending(p)
	}
	return out, nil
}

func (g groupResources) Held(ctx context.Context, userID string) ([]keydist.Held, error) {
	gs, err := g.s.store.AdminGroups(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]keydist.Held, len(gs))
	for i, a := range gs {
		out[i] = keydist.Held{ResourceID: a.GroupID, KeyVersion: a.KeyVersion}
	}
	return out, nil
}

// Deliver stores the copy under every rule of docs/PROTOCOL.md §7.2
// (store.DistributeKey); its refusals become the sender's error.
func (g groupResources) Deliver(ctx context.Context, senderID string, c keydist.Copy) error {
	err := g.s.store.DistributeKey(ctx, c.ResourceID, senderID, c.UserID, c.KeyVersion, c.SealedKey, g.s.nowUnix())
	var ce *store.ConflictError
	var fe *store.ForbiddenError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return keydist.ErrNotFound
	case errors.As(err, &ce):
		return &keydist.Refused{Msg: ce.Msg}
	case errors.As(err, &fe):
		return &keydist.Refused{Msg: fe.Msg}
	}
	return err
}
