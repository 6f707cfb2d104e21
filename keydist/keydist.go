// Package keydist is the pending-access hub of a zero-knowledge app: it
// tells the browsers of a shared resource's members (a group, a shared
// note …) that the resource changed, and it hands the members who have no
// copy of the resource's key yet to a connected key holder, whose browser
// seals the key to each of them and sends the sealed copies back. The
// server never sees the key: it stores what the holder's browser sealed.
//
// The app implements [Resources] (who is told about a resource, who is
// pending, where a user holds the key, and storing a sealed copy) and
// [Sessions] (which sessions are still valid), authenticates the request
// and calls [Hub.Serve] at its WebSocket route; after every committed
// change it calls [Hub.Changed] or [Hub.Tell]; at logout, [Hub.EndSession].
// [Hub.Run] carries the events between instances through a
// [broadcast.Broadcaster] (broadcast.Local for one instance,
// broadcast/pgnotify for several on one PostgreSQL database).
//
// # Wire protocol
//
// One WebSocket per page, JSON text messages. With Config.Resource = "r"
// (the default is "resource"; the reference app's is "group"), the server
// sends:
//
//	{"type":"hello","user_id"}                                  first, on connect
//	{"type":"pending","r_id","key_version","members":[{"user_id","public_key","pq_public_key","identity_bundle"}]}
//	                                                            to holders: on connect (each resource
//	                                                            with pending members) and after every
//	                                                            event of the resource (an empty list:
//	                                                            none left)
//	{"type":"r_changed","r_id","reason"}                        to the audience (Changed) or one user (Tell)
//	{"type":"ack","ref"} / {"type":"error","ref","error"}       the answer to a browser message
//
// and accepts one message,
//
//	{"type":"key_distributed","ref","r_id","user_id","key_version","encrypted_key"}
//
// whose encrypted_key is the resource's 32-byte key sealed to user_id
// (strict base64 of a sealed box, 80 bytes, or of a hybrid seal, 873, 1193
// or 1673 bytes with its level's tag: fieldcheck.Checker.SealedKey). It is
// checked strictly (unknown fields, a field of the wrong type, trailing
// data, a binary frame: an error naming the rule, never the value), then
// passed to [Resources.Deliver]; once stored, the hub announces
// Changed(resource, "key"), so the member's pages reload and the holders
// get the shorter pending list. A message over Config.ReadLimit closes the
// socket (1009).
//
// # Guarantees
//
//   - Events carry ids and reasons only, never content or keys: between
//     instances (a broadcast payload, which PostgreSQL may log) and to the
//     browser alike. A session appears between instances only as a hash
//     of the hash the app keeps ("ws-session:" + hash, SHA-256, hex).
//   - Sockets never outlive their sessions: every push is preceded by a
//     re-check of its recipients' sessions ([Sessions.LiveSessions], one
//     call per event), every browser message is too, and every open socket
//     is re-checked every Config.SweepInterval (a minute); EndSession
//     closes the session's sockets on every instance at once. An ended
//     socket gets nothing more and is closed with 1008. A check is not a
//     use of the session, so an open page does not keep an idle session
//     alive.
//   - A socket's messages go out in order; a client too slow to take
//     Config.QueueSize of them is disconnected rather than waited for.
//   - Cross-instance: an event published on any instance reaches the
//     sockets of every running instance; each instance computes the
//     audience and the pending lists from the app's database when it
//     delivers, so a broadcast payload stays a few dozen bytes.
//   - Delivery is at most once. A socket that is reconnecting, an instance
//     restarting or a dropped broadcast misses events: pages must reload
//     their state on (re)connect — the pending lists come again on
//     connect.
//   - Handshakes from another origin are refused (Origin must match Host),
//     so another site cannot open a socket with the user's cookie. Bad
//     input is answered with an error message, never a panic.
//
// # Assumptions
//
// The app authenticates the request before Serve and passes the user's id
// and the hash of the session's token (never the token). Resources reads
// committed state, Deliver enforces every rule of storing a copy (the
// sender holds the current key, the target is a pending member, the
// version is current) inside one transaction, and the app calls Changed
// and Tell after its change commits. Ids are short (Config.ValidID;
// broadcast payloads are limited to [broadcast.MaxPayload]). Run runs for
// as long as Serve is called.
package keydist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sealkit/sealkit/broadcast"
)

// Resources is what the app tells the hub about its shared resources. Its
// methods are called concurrently, from requests and from Run.
type Resources interface {
	// Audience returns the resource's current key version and the users
	// to tell when it changes; Holder marks those who hold the current key
	// and may seal it to others (they get the pending list). An unknown
	// resource has no members (or answers ErrNotFound).
	Audience(ctx context.Context, resourceID string) (keyVersion int64, members []Member, err error)
	// Pending returns the members of the resource without a sealed copy
	// of version, with their public keys.
	Pending(ctx context.Context, resourceID string, version int64) ([]Pending, error)
	// Held returns the resources where userID is a holder, with their
	// current key versions (the pending lists sent on connect).
	Held(ctx context.Context, userID string) ([]Held, error)
	// Deliver stores a copy sealed by senderID for a pending member, if
	// every rule allows it: ErrNotFound when the resource is unknown or
	// senderID is not a member of it, a *Refused (its Msg is shown to the
	// sender) when it is not allowed, stale or already there; any other
	// error is logged and answered "internal error".
	Deliver(ctx context.Context, senderID string, c Copy) error
}

// Member is a user told about a resource's changes.
type Member struct {
	UserID string
	// Holder: the user holds the current key and may seal it to others.
	Holder bool
}

// Pending is a member without a copy of the current key: what a holder's
// browser seals the key to. It is sent to the browser as is.
type Pending struct {
	UserID      string `json:"user_id"`
	PublicKey   string `json:"public_key"`    // X25519, base64
	PQPublicKey string `json:"pq_public_key"` // ML-KEM, base64 ("" for none)
	// IdentityBundle is the member's signed identity bundle (package
	// identity), base64, omitted for none: a holder's browser seals only
	// to the keys of a bundle it verified, never to the two above.
	IdentityBundle string `json:"identity_bundle,omitempty"`
}

// Held is a resource whose current key a user holds.
type Held struct {
	ResourceID string
	KeyVersion int64
}

// Copy is a key sealed by a holder's browser to a pending member.
type Copy struct {
	ResourceID, UserID string
	KeyVersion         int64
	// SealedKey is checked for shape (fieldcheck.Checker.SealedKey), not
	// opened: the server cannot.
	SealedKey []byte
}

// Refused is Deliver's refusal; Msg is sent to the sender as the error,
// so it must hold no secret and no content.
type Refused struct{ Msg string }

func (e *Refused) Error() string { return e.Msg }

// ErrNotFound is Deliver's error for an unknown resource (or one the
// sender is not a member of: the two look alike). The sender is told
// "<resource> not found".
var ErrNotFound = errors.New("keydist: not found")

// Sessions re-checks sessions by the hash of their token.
type Sessions interface {
	// LiveSessions reports which of hashes name a session still valid.
	// It must not count as a use of the session. An error delivers
	// nothing (rather than to an ended session).
	LiveSessions(ctx context.Context, hashes []string) (map[string]bool, error)
}

// Config is a hub's dependencies and limits. Broadcaster, Resources and
// Sessions are required; the rest have defaults.
type Config struct {
	// Broadcaster carries events to every instance (the same channel on
	// each).
	Broadcaster broadcast.Broadcaster
	Resources   Resources
	Sessions    Sessions
	// Resource is the wire name of the resource kind: "group" gives the
	// fields "group_id" and the type "group_changed". Lower-case letters,
	// digits and "_", starting with a letter, at most 32 bytes; default
	// "resource".
	Resource string
	// ValidID reports a well-formed resource or user id in a browser
	// message; default: 1 to 64 bytes of ASCII letters, digits, "-" and
	// "_". It must not panic.
	ValidID func(string) bool
	// Log receives warnings and errors (never a key, a token or content);
	// default: discarded.
	Log *slog.Logger
	// QueueSize is how many messages wait per socket before a slow client
	// is disconnected (64).
	QueueSize int
	// ReadLimit is the largest browser message in bytes (8 KiB); a larger
	// one closes the socket with 1009.
	ReadLimit int64
	// WriteTimeout bounds writing one message (10 s).
	WriteTimeout time.Duration
	// SweepInterval is how often every open socket's session is re-checked,
	// pushes or not (one minute).
	SweepInterval time.Duration
}

// Hub is one instance's sockets. Its methods are safe for concurrent use.
type Hub struct {
	bc       broadcast.Broadcaster
	res      Resources
	sessions Sessions
	log      *slog.Logger
	kind     string // Config.Resource
	idField  string // kind + "_id"
	parse    parser
	queue    int
	limit    int64
	wtimeout time.Duration
	sweep    time.Duration

	events  chan event // received from every instance, delivered in order
	running atomic.Bool

	mu    sync.Mutex
	conns map[string]map[*client]struct{} // by user id

	stopping chan struct{} // closed by Shutdown: sockets end
	stopOnce sync.Once
}

// eventBuffer is how many received events wait for delivery before new
// ones are dropped (pages catch up on reload).
const eventBuffer = 1024

// New checks cfg and returns a hub; start [Hub.Run] before serving.
func New(cfg Config) (*Hub, error) {
	switch {
	case cfg.Broadcaster == nil:
		return nil, errors.New("keydist: Config.Broadcaster is nil")
	case cfg.Resources == nil:
		return nil, errors.New("keydist: Config.Resources is nil")
	case cfg.Sessions == nil:
		return nil, errors.New("keydist: Config.Sessions is nil")
	case cfg.QueueSize < 0, cfg.ReadLimit < 0, cfg.WriteTimeout < 0, cfg.SweepInterval < 0:
		return nil, errors.New("keydist: a negative limit in Config")
	}
	if cfg.Resource == "" {
		cfg.Resource = "resource"
	}
	if !validKind(cfg.Resource) {
		return nil, fmt.Errorf("keydist: Config.Resource %q: want lower-case letters, digits and _, starting with a letter, at most 32 bytes", cfg.Resource)
	}
	if cfg.ValidID == nil {
		cfg.ValidID = defaultValidID
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = 64
	}
	if cfg.ReadLimit == 0 {
		cfg.ReadLimit = 8 << 10
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = time.Minute
	}
	return &Hub{
		bc: cfg.Broadcaster, res: cfg.Resources, sessions: cfg.Sessions, log: cfg.Log,
		kind: cfg.Resource, idField: cfg.Resource + "_id",
		parse: parser{kind: cfg.Resource, validID: cfg.ValidID},
		queue: cfg.QueueSize, limit: cfg.ReadLimit, wtimeout: cfg.WriteTimeout, sweep: cfg.SweepInterval,
		events:   make(chan event, eventBuffer),
		conns:    map[string]map[*client]struct{}{},
		stopping: make(chan struct{}),
	}, nil
}

// validKind reports a resource kind usable in field names.
func validKind(k string) bool {
	if len(k) == 0 || len(k) > 32 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// defaultValidID is the id check when Config.ValidID is nil: 1 to 64 bytes
// of ASCII letters, digits, "-" and "_" (UUIDs, hex, ULIDs, integers).
func defaultValidID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Run receives every instance's events through the broadcaster and
// delivers them to this instance's sockets, in order, and re-checks the
// open sockets' sessions every SweepInterval, until ctx ends (it returns
// ctx's error), Shutdown (nil) or the broadcaster stops (its error). When
// it returns the hub is shut down (see [Hub.Shutdown]): without Run no
// socket could be kept honest. Call it once.
func (h *Hub) Run(ctx context.Context) error {
	if h.running.Swap(true) {
		return errors.New("keydist: Run called twice")
	}
	defer h.Shutdown()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- h.bc.Run(ctx, h.receive) }()
	sweep := time.NewTicker(h.sweep)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-h.stopping:
			return nil
		case err := <-stopped:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("keydist: broadcaster stopped: %w", err)
		case ev := <-h.events:
			if err := h.deliver(ctx, ev); err != nil && ctx.Err() == nil {
				h.log.Warn("keydist: push delivery failed", "reason", ev.reason, "err", err)
			}
		case <-sweep.C:
			if _, err := h.live(ctx, h.all()); err != nil && ctx.Err() == nil {
				h.log.Warn("keydist: re-checking the sessions of open sockets failed", "err", err)
			}
		}
	}
}

// Changed announces, after a committed change of resourceID, to every
// instance: each tells the resource's audience (a "<resource>_changed"
// with reason) and sends its holders the current pending list. It does
// not wait for delivery, and a failure to publish is logged: open pages
// catch up when they reload.
func (h *Hub) Changed(ctx context.Context, resourceID, reason string) {
	h.publish(ctx, event{resourceID: resourceID, reason: reason})
}

// Tell announces a change of resourceID to userID's sockets only, on
// every instance — one no longer in the audience (removed, deleted) or
// not yet in it (invited) —, without pending lists.
func (h *Hub) Tell(ctx context.Context, userID, resourceID, reason string) {
	h.publish(ctx, event{resourceID: resourceID, reason: reason, userID: userID})
}

// EndSession closes every socket of the session whose token hash is
// sessionHash (logout), with 1008: this instance's at once, the others'
// through the broadcaster. An instance that misses the message still
// delivers nothing to them: every push re-checks the session.
func (h *Hub) EndSession(ctx context.Context, sessionHash string) {
	for _, c := range h.all() {
		if c.sessionHash == sessionHash {
			h.end(c)
		}
	}
	h.publish(ctx, event{reason: reasonSessionEnded, session: sessionTag(sessionHash)})
}

// Shutdown closes every socket of this instance (the server is
// stopping); Serve then refuses new ones with 503. Safe to call more than
// once.
func (h *Hub) Shutdown() {
	h.stopOnce.Do(func() { close(h.stopping) })
}

// publish sends ev to every instance (after the change committed).
func (h *Hub) publish(ctx context.Context, ev event) {
	// The request may be ending; the event must still go out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.bc.Publish(ctx, ev.encode(h.idField)); err != nil {
		h.log.Warn("keydist: push not sent; open pages catch up on reload", "reason", ev.reason, "err", err)
	}
}

// receive queues an event from the broadcaster for Run.
func (h *Hub) receive(p []byte) {
	ev, ok := decodeEvent(p, h.idField)
	if !ok {
		h.log.Warn("keydist: a broadcast with a bad payload ignored")
		return
	}
	select {
	case h.events <- ev:
	default:
		h.log.Warn("keydist: event queue full; dropping a push", "reason", ev.reason)
	}
}

// deliver sends ev to the sockets of this instance it concerns whose
// sessions are still valid.
func (h *Hub) deliver(ctx context.Context, ev event) error {
	if ev.session != "" {
		for _, c := range h.all() {
			if sessionTag(c.sessionHash) == ev.session {
				h.end(c)
			}
		}
		return nil
	}
	if h.empty() {
		return nil
	}
	changed := h.changedMessage(ev.resourceID, ev.reason)
	if ev.userID != "" {
		cs, err := h.live(ctx, h.clientsOf(ev.userID))
		for _, c := range cs {
			c.send(changed)
		}
		return err
	}
	version, members, err := h.res.Audience(ctx, ev.resourceID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keydist: audience: %w", err)
	}
	var all []*client
	holder := map[*client]bool{}
	for _, m := range members {
		cs := h.clientsOf(m.UserID)
		all = append(all, cs...)
		if m.Holder {
			for _, c := range cs {
				holder[c] = true
			}
		}
	}
	live, err := h.live(ctx, all)
	if err != nil {
		return err
	}
	var holders []*client
	for _, c := range live {
		c.send(changed)
		if holder[c] {
			holders = append(holders, c)
		}
	}
	if len(holders) == 0 {
		return nil
	}
	msg, _, err := h.pendingMessage(ctx, ev.resourceID, version)
	if err != nil {
		return err
	}
	for _, c := range holders {
		c.send(msg)
	}
	return nil
}

// live re-checks the sessions of cs (one call) and returns the sockets
// still valid; the others are ended.
func (h *Hub) live(ctx context.Context, cs []*client) ([]*client, error) {
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
	live, err := h.sessions.LiveSessions(ctx, hashes)
	if err != nil {
		return nil, fmt.Errorf("keydist: sessions: %w", err) // deliver nothing rather than to an ended session
	}
	out := cs[:0:0]
	for _, c := range cs {
		if live[c.sessionHash] {
			out = append(out, c)
		} else {
			h.end(c)
		}
	}
	return out, nil
}

// pendingMessage is the pending list of resourceID at version, and how
// many it names.
func (h *Hub) pendingMessage(ctx context.Context, resourceID string, version int64) ([]byte, int, error) {
	ps, err := h.res.Pending(ctx, resourceID, version)
	if err != nil {
		return nil, 0, fmt.Errorf("keydist: pending: %w", err)
	}
	if ps == nil {
		ps = []Pending{}
	}
	return encode(field{"type", "pending"}, field{h.idField, resourceID}, field{"key_version", version}, field{"members", ps}), len(ps), nil
}

func (h *Hub) changedMessage(resourceID, reason string) []byte {
	return encode(field{"type", h.kind + "_changed"}, field{h.idField, resourceID}, field{"reason", reason})
}

func (h *Hub) add(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns[c.userID] == nil {
		h.conns[c.userID] = map[*client]struct{}{}
	}
	h.conns[c.userID][c] = struct{}{}
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns[c.userID], c)
	if len(h.conns[c.userID]) == 0 {
		delete(h.conns, c.userID)
	}
}

func (h *Hub) clientsOf(userID string) []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*client, 0, len(h.conns[userID]))
	for c := range h.conns[userID] {
		out = append(out, c)
	}
	return out
}

// all is every socket of this instance.
func (h *Hub) all() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*client
	for _, cs := range h.conns {
		for c := range cs {
			out = append(out, c)
		}
	}
	return out
}

func (h *Hub) empty() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns) == 0
}

func (h *Hub) stopped() bool {
	select {
	case <-h.stopping:
		return true
	default:
		return false
	}
}
