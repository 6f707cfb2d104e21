package webapp

// Pushes over WebSocket (docs/PROTOCOL.md §8). Events name a group (and,
// for a removal, a user), never content. They travel through the kit's
// package broadcast: on PostgreSQL as NOTIFY (broadcast/pgnotify), so that
// every instance hears them and delivers to its own connections; on
// SQLite, which serves one instance, in process (broadcast.Local). The
// pending lists are computed by the delivering instance from the
// database, so a NOTIFY payload stays a few dozen bytes.
//
// A socket lives no longer than its session. Logout ends the session's
// sockets on every instance (endSessionSockets); and before any push is
// written, the recipients' sessions are re-checked (liveClients), as they
// are once a minute, so a session that expired or went idle gets nothing
// more either. An ended socket is closed with 1008.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/broadcast/pgnotify"
	"github.com/sealkit/sealkit/internal/store"
)

// pushChannel is the PostgreSQL NOTIFY channel of pushes.
const pushChannel = "sealkit_push"

const (
	wsReadLimit    = 8 << 10
	wsWriteTimeout = 10 * time.Second
	wsQueue        = 64 // messages buffered per connection before it is dropped
	// wsSessionSweep is how often every open socket's session is
	// re-checked, pushes or not, so that sockets of expired sessions close.
	wsSessionSweep = time.Minute
)

// reasonSessionEnded is the event that closes a session's sockets on every
// instance (after logout); it carries sessionTag of the session.
const reasonSessionEnded = "session_ended"

// pushEvent is what travels between instances.
type pushEvent struct {
	GroupID string `json:"group_id,omitempty"`
	Reason  string `json:"reason"`
	UserID  string `json:"user_id,omitempty"` // only for "removed", "deleted" and "invited"
	Session string `json:"session,omitempty"` // only for reasonSessionEnded
}

// sessionTag names a session in a NOTIFY payload: a hash of the hash the
// sessions table keeps, so the payload holds nothing that opens a session.
func sessionTag(sessionHash string) string { return hashHex("ws-session:" + sessionHash) }

// wsClient is one browser connection.
type wsClient struct {
	userID      string
	sessionHash string
	conn        *websocket.Conn
	out         chan []byte
	cancel      context.CancelFunc
	ended       atomic.Bool // the session ended: nothing more is written
}

// send queues msg; a client too slow to keep up is disconnected (its page
// reconnects and gets the current state on connect).
func (c *wsClient) send(msg any) {
	if c.ended.Load() {
		return
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return
	}
	select {
	case c.out <- b:
	default:
		c.cancel()
	}
}

// hub is this instance's connections by user id.
type hub struct {
	mu    sync.Mutex
	conns map[string]map[*wsClient]struct{}
}

func newHub() *hub { return &hub{conns: map[string]map[*wsClient]struct{}{}} }

func (h *hub) add(c *wsClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns[c.userID] == nil {
		h.conns[c.userID] = map[*wsClient]struct{}{}
	}
	h.conns[c.userID][c] = struct{}{}
}

func (h *hub) remove(c *wsClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns[c.userID], c)
	if len(h.conns[c.userID]) == 0 {
		delete(h.conns, c.userID)
	}
}

func (h *hub) clientsOf(userID string) []*wsClient {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*wsClient, 0, len(h.conns[userID]))
	for c := range h.conns[userID] {
		out = append(out, c)
	}
	return out
}

// all is every connection of this instance.
func (h *hub) all() []*wsClient {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*wsClient
	for _, cs := range h.conns {
		for c := range cs {
			out = append(out, c)
		}
	}
	return out
}

func (h *hub) empty() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns) == 0
}

// endClient closes the connection of a client whose session has ended
// with 1008 ("session ended"): it leaves the hub at once and nothing is
// written to it any more. Safe from any goroutine, and more than once.
func (s *Server) endClient(c *wsClient) {
	s.hub.remove(c)
	if c.ended.Swap(true) {
		return
	}
	go func() {
		// The close frame goes out before anything cancels the connection
		// (a cancelled read would drop it without one).
		c.conn.Close(websocket.StatusPolicyViolation, "session ended")
		c.cancel()
	}()
}

// endSessionSockets closes every WebSocket of the session whose id hash
// is sessionIDHash (logout): this instance's at once, every other
// instance's through NOTIFY. An instance that misses the notification
// still delivers nothing to them: every push re-checks the session.
func (s *Server) endSessionSockets(ctx context.Context, sessionIDHash string) {
	for _, c := range s.hub.all() {
		if c.sessionHash == sessionIDHash {
			s.endClient(c)
		}
	}
	if s.store.Dialect == store.Postgres {
		s.publish(ctx, pushEvent{Reason: reasonSessionEnded, Session: sessionTag(sessionIDHash)})
	}
}

// liveClients re-checks the sessions of cs (one query) and returns those
// still valid; the others are ended. Checking is not a use of the
// session: an open page does not keep an idle session alive.
func (s *Server) liveClients(ctx context.Context, cs []*wsClient) ([]*wsClient, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	var hashes []string
	for _, c := range cs {
		if !seen[c.sessionHash] {
			seen[c.sessionHash] = true
			hashes = append(hashes, c.sessionHash)
		}
	}
	live, err := s.accounts.LiveSessions(ctx, hashes)
	if err != nil {
		return nil, err // deliver nothing rather than to an ended session
	}
	out := cs[:0:0]
	for _, c := range cs {
		if live[c.sessionHash] {
			out = append(out, c)
		} else {
			s.endClient(c)
		}
	}
	return out, nil
}

// Messages to the browser.
type (
	groupChangedMsg struct {
		Type    string `json:"type"`
		GroupID string `json:"group_id"`
		Reason  string `json:"reason"`
	}
	pendingMember struct {
		UserID      string `json:"user_id"`
		PublicKey   string `json:"public_key"`
		PQPublicKey string `json:"pq_public_key"`
	}
	pendingMsg struct {
		Type       string          `json:"type"`
		GroupID    string          `json:"group_id"`
		KeyVersion int64           `json:"key_version"`
		Members    []pendingMember `json:"members"`
	}
	replyMsg struct {
		Type  string `json:"type"`
		Ref   string `json:"ref,omitempty"`
		Error string `json:"error,omitempty"`
	}
)

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

// publish announces ev to every instance (after the change committed).
func (s *Server) publish(ctx context.Context, ev pushEvent) {
	b, _ := json.Marshal(ev)
	// The request may be ending; the notification must still go out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.bcast.Publish(ctx, b); err != nil {
		s.log.Warn("push not sent; open pages catch up on reload", "reason", ev.Reason, "err", err)
	}
}

func (s *Server) enqueuePush(ev pushEvent) {
	select {
	case s.pushes <- ev:
	default:
		s.log.Warn("push queue full; dropping a push", "reason", ev.Reason)
	}
}

// runPushes delivers every instance's events (the broadcaster's) to this
// instance's sockets, in order, until ctx ends, and re-checks the open
// sockets' sessions once a minute.
func (s *Server) runPushes(ctx context.Context) {
	go s.bcast.Run(ctx, func(p []byte) {
		var ev pushEvent
		if err := json.Unmarshal(p, &ev); err != nil {
			s.log.Warn("push with a bad payload ignored")
			return
		}
		s.enqueuePush(ev)
	})
	sweep := time.NewTicker(wsSessionSweep)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-s.pushes:
			if err := s.deliver(ctx, ev); err != nil && ctx.Err() == nil {
				s.log.Warn("push delivery failed", "reason", ev.Reason, "err", err)
			}
		case <-sweep.C:
			if _, err := s.liveClients(ctx, s.hub.all()); err != nil && ctx.Err() == nil {
				s.log.Warn("re-checking the sessions of open sockets failed", "err", err)
			}
		}
	}
}

// deliver sends ev to this instance's connections it concerns whose
// sessions are still valid.
func (s *Server) deliver(ctx context.Context, ev pushEvent) error {
	if ev.Reason == reasonSessionEnded {
		for _, c := range s.hub.all() {
			if sessionTag(c.sessionHash) == ev.Session {
				s.endClient(c)
			}
		}
		return nil
	}
	if s.hub.empty() {
		return nil
	}
	changed := groupChangedMsg{Type: "group_changed", GroupID: ev.GroupID, Reason: ev.Reason}
	if ev.UserID != "" {
		cs, err := s.liveClients(ctx, s.hub.clientsOf(ev.UserID))
		for _, c := range cs {
			c.send(changed)
		}
		return err
	}
	version, states, err := s.store.MemberStates(ctx, ev.GroupID)
	if err != nil {
		return err
	}
	var all []*wsClient
	admin := map[*wsClient]bool{}
	for _, st := range states {
		cs := s.hub.clientsOf(st.UserID)
		all = append(all, cs...)
		if st.Keyed && (st.Role == store.RoleOwner || st.Role == store.RoleAdmin) {
			for _, c := range cs {
				admin[c] = true
			}
		}
	}
	live, err := s.liveClients(ctx, all)
	if err != nil {
		return err
	}
	var admins []*wsClient
	for _, c := range live {
		c.send(changed)
		if admin[c] {
			admins = append(admins, c)
		}
	}
	if len(admins) == 0 {
		return nil
	}
	msg, err := s.pendingMessage(ctx, ev.GroupID, version)
	if err != nil {
		return err
	}
	for _, c := range admins {
		c.send(msg)
	}
	return nil
}

func (s *Server) pendingMessage(ctx context.Context, groupID string, version int64) (*pendingMsg, error) {
	ps, err := s.store.Pending(ctx, groupID, version)
	if err != nil {
		return nil, err
	}
	msg := &pendingMsg{Type: "pending", GroupID: groupID, KeyVersion: version, Members: make([]pendingMember, len(ps))}
	for i, p := range ps {
		msg.Members[i] = pendingMember(p)
	}
	return msg, nil
}

// websocket is GET /api/ws.
func (s *Server) websocket() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := s.sessionToken(r) // requireAPI checked it
		// Accept refuses a cross-origin handshake (Origin must match Host),
		// so another site cannot open a socket with the user's cookie.
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return // Accept answered
		}
		conn.SetReadLimit(wsReadLimit)
		ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
		c := &wsClient{userID: userFrom(r.Context()), sessionHash: hashHex(token), conn: conn, out: make(chan []byte, wsQueue), cancel: cancel}
		s.hub.add(c)
		defer func() {
			s.hub.remove(c)
			cancel()
			conn.CloseNow()
		}()
		go func() {
			defer cancel()
			for {
				select {
				case <-ctx.Done():
					return
				case b := <-c.out:
					if c.ended.Load() {
						continue // queued before the session ended: dropped
					}
					wctx, wcancel := context.WithTimeout(ctx, wsWriteTimeout)
					err := conn.Write(wctx, websocket.MessageText, b)
					wcancel()
					if err != nil {
						return
					}
				}
			}
		}()
		go func() { // the server is stopping
			select {
			case <-ctx.Done():
			case <-s.stopping:
				cancel()
			}
		}()

		c.send(map[string]string{"type": "hello", "user_id": c.userID})
		if err := s.sendPendingOnConnect(ctx, c); err != nil {
			s.log.Warn("pending on connect failed", "err", err)
		}
		for {
			typ, data, err := conn.Read(ctx)
			if err != nil {
				return // closed, too large (closed with 1009), or shutting down
			}
			if typ != websocket.MessageText {
				c.send(replyMsg{Type: "error", Error: "messages must be JSON text"})
				continue
			}
			if !s.handleMessage(ctx, c, data) {
				s.hub.remove(c) // no more pushes; the queued error reply may still go out
				conn.Close(websocket.StatusPolicyViolation, "session ended")
				return
			}
		}
	})
}

func (s *Server) sendPendingOnConnect(ctx context.Context, c *wsClient) error {
	groups, err := s.store.AdminGroups(ctx, c.userID)
	if err != nil {
		return err
	}
	for _, g := range groups {
		msg, err := s.pendingMessage(ctx, g.GroupID, g.KeyVersion)
		if err != nil {
			return err
		}
		if len(msg.Members) > 0 {
			c.send(msg)
		}
	}
	return nil
}

// clientMsg is a message from the browser.
type clientMsg struct {
	Type         string `json:"type"`
	Ref          string `json:"ref"`
	GroupID      string `json:"group_id"`
	UserID       string `json:"user_id"`
	KeyVersion   int64  `json:"key_version"`
	EncryptedKey string `json:"encrypted_key"`
}

// parseClientMsg checks a browser message: it returns the message, the
// decoded key of a key_distributed, or the problem to answer (naming the
// field, never the value). It is pure so that it can be fuzzed.
func parseClientMsg(data []byte) (m clientMsg, key []byte, problem string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || dec.More() {
		return clientMsg{}, nil, "not a JSON object of the expected fields"
	}
	if len(m.Ref) > 64 {
		return clientMsg{}, nil, "ref: at most 64 characters"
	}
	if m.Type != "key_distributed" {
		return m, nil, "type: unknown message type"
	}
	var chk check
	if !validID(m.GroupID) {
		chk.Fail("group_id", "not a group id")
	}
	if !validID(m.UserID) {
		chk.Fail("user_id", "not a user id")
	}
	chk.version(m.KeyVersion)
	key = chk.SealedKey("encrypted_key", m.EncryptedKey)
	if chk.Err() != nil {
		return m, nil, chk.Err().Error()
	}
	return m, key, ""
}

// handleMessage answers one browser message. It returns false when the
// session behind the connection has ended (logout elsewhere, expiry).
func (s *Server) handleMessage(ctx context.Context, c *wsClient, data []byte) bool {
	live, err := s.accounts.LiveSessions(ctx, []string{c.sessionHash})
	if err != nil || !live[c.sessionHash] {
		c.send(replyMsg{Type: "error", Error: "your session has ended; log in again"})
		return false
	}
	m, key, problem := parseClientMsg(data)
	if problem != "" {
		c.send(replyMsg{Type: "error", Ref: m.Ref, Error: problem})
		return true
	}
	fail := func(msg string) { c.send(replyMsg{Type: "error", Ref: m.Ref, Error: msg}) }
	err = s.store.DistributeKey(ctx, m.GroupID, c.userID, m.UserID, m.KeyVersion, key, s.nowUnix())
	var ce *store.ConflictError
	var fe *store.ForbiddenError
	switch {
	case err == nil:
		c.send(replyMsg{Type: "ack", Ref: m.Ref})
		s.publish(ctx, pushEvent{GroupID: m.GroupID, Reason: "key"})
	case errors.Is(err, store.ErrNotFound):
		fail("group not found")
	case errors.As(err, &ce):
		fail(ce.Msg)
	case errors.As(err, &fe):
		fail(fe.Msg)
	default:
		s.log.Error("key distribution failed", "err", err)
		fail("internal error")
	}
	return true
}
