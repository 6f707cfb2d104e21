// Package broadcast carries small messages to every instance of an app —
// "group 7 changed", "session X ended" — so that a browser connected to
// one instance hears what happened on another. It is the transport under
// a push hub (the reference app's WebSocket pushes of pending keys and
// group updates), not a queue: a message reaches the instances running
// when it is published, at most once each, in publication order per
// publisher.
//
// Two implementations: [Local], in process, for a single instance (and
// SQLite, which serves one); and package pgnotify, over PostgreSQL
// LISTEN/NOTIFY, for several instances sharing a database.
//
// Guarantees of every implementation: the publisher hears its own
// messages too (one code path delivers everything); a message is delivered
// whole, as published; Publish does not wait for delivery.
//
// Assumptions: messages are small (PostgreSQL refuses NOTIFY payloads of
// 8000 bytes or more; [MaxPayload] is the kit's limit for every
// implementation) and hold no secrets or plaintext — ids and reasons, so
// that the database's log of notifications shows nothing; a receiver
// that misses one (a restart, a dropped connection) catches up from the
// database, so pages must be able to reload their state.
package broadcast

import (
	"context"
	"errors"
	"fmt"
)

// MaxPayload is the largest message any Broadcaster takes.
const MaxPayload = 7999

// ErrTooLarge is Publish's error for a message over MaxPayload.
var ErrTooLarge = fmt.Errorf("broadcast: message larger than %d bytes", MaxPayload)

// ErrFull is Local.Publish's error when its buffer is full: the receiver
// is not keeping up, and the message is dropped rather than waited for.
var ErrFull = errors.New("broadcast: buffer full; message dropped")

// Broadcaster delivers messages to every instance of an app.
type Broadcaster interface {
	// Publish sends payload to every instance's Run, this instance's
	// included. It does not wait for delivery.
	Publish(ctx context.Context, payload []byte) error
	// Run calls handle with every message published by any instance, one
	// at a time, until ctx ends; it then returns ctx's error.
	Run(ctx context.Context, handle func(payload []byte)) error
}

// Local is a Broadcaster within one process: Publish hands the message to
// Run through a buffered channel.
type Local struct{ ch chan []byte }

// NewLocal returns a Local whose buffer holds up to buffer messages.
func NewLocal(buffer int) *Local { return &Local{ch: make(chan []byte, buffer)} }

// Publish queues a copy of payload; ErrFull if the buffer is full.
func (l *Local) Publish(_ context.Context, payload []byte) error {
	if len(payload) > MaxPayload {
		return ErrTooLarge
	}
	select {
	case l.ch <- append([]byte(nil), payload...):
		return nil
	default:
		return ErrFull
	}
}

// Run delivers queued messages in order until ctx ends.
func (l *Local) Run(ctx context.Context, handle func([]byte)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case p := <-l.ch:
			handle(p)
		}
	}
}
