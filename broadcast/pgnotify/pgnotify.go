// Package pgnotify is a broadcast.Broadcaster over PostgreSQL
// LISTEN/NOTIFY, for several app instances sharing one database: every
// instance listens on one channel (through pgxlisten, which reconnects),
// and Publish is a pg_notify on it, so no broker of the app's own is
// needed.
//
// Beyond the broadcast guarantees: a message published inside a
// transaction would be sent only at commit, so Publish uses the pool, not
// a transaction — call it after the change it announces has committed. A
// listener that is reconnecting misses what is published meanwhile
// (NOTIFY is not stored); receivers catch up from the database.
package pgnotify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"github.com/sealkit/sealkit/broadcast"
)

// Broadcaster publishes through DB and listens on its own connection.
type Broadcaster struct {
	// DB publishes (a database/sql pool on PostgreSQL, e.g. pgx's stdlib).
	DB *sql.DB
	// Connect opens the listening connection, e.g.
	// func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) }.
	Connect func(ctx context.Context) (*pgx.Conn, error)
	// Channel is the NOTIFY channel, the same on every instance.
	Channel string
	// LogError, when set, is told about listener errors (it reconnects
	// after ReconnectDelay, default one second).
	LogError       func(error)
	ReconnectDelay time.Duration
}

var _ broadcast.Broadcaster = (*Broadcaster)(nil)

// Publish notifies every listening instance, this one included.
func (b *Broadcaster) Publish(ctx context.Context, payload []byte) error {
	if len(payload) > broadcast.MaxPayload {
		return broadcast.ErrTooLarge
	}
	if _, err := b.DB.ExecContext(ctx, `SELECT pg_notify($1, $2)`, b.Channel, string(payload)); err != nil {
		return fmt.Errorf("pgnotify: publish: %w", err)
	}
	return nil
}

// Run listens until ctx ends, reconnecting after errors, and calls handle
// with every notification on the channel, one at a time.
func (b *Broadcaster) Run(ctx context.Context, handle func([]byte)) error {
	delay := b.ReconnectDelay
	if delay == 0 {
		delay = time.Second
	}
	l := &pgxlisten.Listener{
		Connect:        b.Connect,
		ReconnectDelay: delay,
		LogError: func(_ context.Context, err error) {
			if b.LogError != nil {
				b.LogError(err)
			}
		},
	}
	l.Handle(b.Channel, pgxlisten.HandlerFunc(func(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
		handle([]byte(n.Payload))
		return nil
	}))
	return l.Listen(ctx)
}
