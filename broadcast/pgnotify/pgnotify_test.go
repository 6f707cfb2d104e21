package pgnotify_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/broadcast/pgnotify"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestTwoInstances: two broadcasters on one database, as two app
// instances: what either publishes reaches both, in order, whole.
func TestTwoInstances(t *testing.T) {
	url := apptest.NewDB(t, "postgres").URL
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mk := func() *pgnotify.Broadcaster {
		return &pgnotify.Broadcaster{DB: db, Channel: "sealkit_test",
			Connect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) }}
	}
	a, b := mk(), mk()
	got := [2]chan string{make(chan string, 16), make(chan string, 16)}
	for i, bc := range []*pgnotify.Broadcaster{a, b} {
		go bc.Run(ctx, func(p []byte) { got[i] <- string(p) })
	}
	// LISTEN takes effect asynchronously: publish a probe until both hear.
	for i := 0; ; i++ {
		if err := a.Publish(ctx, []byte("probe")); err != nil {
			t.Fatal(err)
		}
		select {
		case <-got[0]:
		case <-time.After(200 * time.Millisecond):
			continue
		}
		select {
		case <-got[1]:
		case <-time.After(200 * time.Millisecond):
			continue
		}
		break
	}
	drain := func(c chan string) {
		for {
			select {
			case p := <-c:
				if p != "probe" {
					t.Fatalf("unexpected %q", p)
				}
			case <-time.After(300 * time.Millisecond):
				return
			}
		}
	}
	drain(got[0])
	drain(got[1])
	for i := range 5 {
		from := []*pgnotify.Broadcaster{a, b}[i%2]
		if err := from.Publish(ctx, []byte(fmt.Sprintf(`{"group_id":"g%d","reason":"members"}`, i))); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"group_id":"g%d","reason":"members"}`, i)
		for n := range 2 {
			select {
			case p := <-got[n]:
				if p != want {
					t.Errorf("instance %d got %q, want %q", n, p, want)
				}
			case <-ctx.Done():
				t.Fatalf("instance %d never got %q", n, want)
			}
		}
	}
	if err := a.Publish(ctx, make([]byte, broadcast.MaxPayload+1)); !errors.Is(err, broadcast.ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
}
