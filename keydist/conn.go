package keydist

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/coder/websocket"
)

// client is one browser socket.
type client struct {
	userID      string
	sessionHash string
	conn        *websocket.Conn
	out         chan []byte
	cancel      context.CancelFunc
	ended       atomic.Bool // the session ended: nothing more is written
}

// send queues msg; a client too slow to keep up is disconnected (its page
// reconnects and gets the current state on connect).
func (c *client) send(msg []byte) {
	if c.ended.Load() || msg == nil {
		return
	}
	select {
	case c.out <- msg:
	default:
		c.cancel()
	}
}

// end closes the socket of a client whose session has ended with 1008
// ("session ended"): it leaves the hub at once and nothing is written to
// it any more. Safe from any goroutine, and more than once.
func (h *Hub) end(c *client) {
	h.remove(c)
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

// Serve is the WebSocket endpoint, for a request the caller has
// authenticated: userID is its user, sessionHash the hash of its session's
// token as Sessions knows it (never the token). It refuses a handshake
// from another origin (403: Origin must match Host), answers 401 without
// a user or a session, 503 after Shutdown, and otherwise returns when the
// socket closes. The socket gets "hello", then the pending lists of every
// resource the user holds with members pending, then the pushes.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, userID, sessionHash string) {
	if userID == "" || sessionHash == "" {
		http.Error(w, "log in first", http.StatusUnauthorized)
		return
	}
	if h.stopped() {
		http.Error(w, "the server is stopping; try again shortly", http.StatusServiceUnavailable)
		return
	}
	// Accept refuses a cross-origin handshake (Origin must match Host),
	// so another site cannot open a socket with the user's cookie.
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept answered
	}
	conn.SetReadLimit(h.limit)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &client{userID: userID, sessionHash: sessionHash, conn: conn, out: make(chan []byte, h.queue), cancel: cancel}
	h.add(c)
	defer func() {
		h.remove(c)
		cancel()
		conn.CloseNow()
	}()
	go h.write(ctx, c)
	go func() { // the hub is shutting down
		select {
		case <-ctx.Done():
		case <-h.stopping:
			cancel()
		}
	}()

	c.send(encode(field{"type", "hello"}, field{"user_id", userID}))
	if err := h.pendingOnConnect(ctx, c); err != nil && ctx.Err() == nil {
		h.log.Warn("keydist: pending on connect failed", "err", err)
	}
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			return // closed, too large (closed with 1009), or shutting down
		}
		if typ != websocket.MessageText {
			c.send(reply("error", "", "messages must be JSON text"))
			continue
		}
		if !h.handle(ctx, c, data) {
			// No more pushes; the reply is written before the close.
			h.remove(c)
			c.ended.Store(true)
			wctx, wcancel := context.WithTimeout(ctx, h.wtimeout)
			conn.Write(wctx, websocket.MessageText, reply("error", "", "your session has ended; log in again"))
			wcancel()
			conn.Close(websocket.StatusPolicyViolation, "session ended")
			return
		}
	}
}

// write sends c's queue in order until ctx ends or a write fails.
func (h *Hub) write(ctx context.Context, c *client) {
	defer c.cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.out:
			if c.ended.Load() {
				continue // queued before the session ended: dropped
			}
			wctx, wcancel := context.WithTimeout(ctx, h.wtimeout)
			err := c.conn.Write(wctx, websocket.MessageText, b)
			wcancel()
			if err != nil {
				return
			}
		}
	}
}

// pendingOnConnect sends c the pending list of every resource its user
// holds that has members pending.
func (h *Hub) pendingOnConnect(ctx context.Context, c *client) error {
	held, err := h.res.Held(ctx, c.userID)
	if err != nil {
		return err
	}
	for _, r := range held {
		msg, n, err := h.pendingMessage(ctx, r.ResourceID, r.KeyVersion)
		if err != nil {
			return err
		}
		if n > 0 {
			c.send(msg)
		}
	}
	return nil
}

// handle answers one browser message. It returns false, having answered
// nothing, when the session behind the socket has ended (logout elsewhere,
// expiry).
func (h *Hub) handle(ctx context.Context, c *client, data []byte) bool {
	live, err := h.sessions.LiveSessions(ctx, []string{c.sessionHash})
	if err != nil || !live[c.sessionHash] {
		return false
	}
	m, key, problem := h.parse.parse(data)
	if problem != "" {
		c.send(reply("error", m.Ref, problem))
		return true
	}
	err = h.res.Deliver(ctx, c.userID, Copy{ResourceID: m.ResourceID, UserID: m.UserID, KeyVersion: m.KeyVersion, SealedKey: key})
	var refused *Refused
	switch {
	case err == nil:
		c.send(reply("ack", m.Ref, ""))
		h.Changed(ctx, m.ResourceID, reasonKey)
	case errors.Is(err, ErrNotFound):
		c.send(reply("error", m.Ref, h.kind+" not found"))
	case errors.As(err, &refused):
		msg := refused.Msg
		if msg == "" {
			msg = "refused"
		}
		c.send(reply("error", m.Ref, msg))
	default:
		h.log.Error("keydist: storing a sealed copy failed", "err", err)
		c.send(reply("error", m.Ref, "internal error"))
	}
	return true
}
