package keydist_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/broadcast/pgnotify"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestInstances: what one instance announces reaches the sockets of the
// other — a Changed (with the pending list computed by the receiving
// instance), a key stored through a socket on the other instance, and an
// EndSession, which closes the session's socket there (1008) while the
// user's other session stays. With broadcast.Local the two are one
// instance; with pgnotify, two hubs with two listeners on one fresh
// PostgreSQL database.
func TestInstances(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		res := newMemResources()
		in := startHub(t, groups(res, &memSessions{}))
		crossInstance(t, res, in, in)
	})
	t.Run("pgnotify", func(t *testing.T) {
		url := apptest.NewDB(t, "postgres").URL
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		mk := func() broadcast.Broadcaster {
			return &pgnotify.Broadcaster{DB: db, Channel: "keydist_test",
				Connect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) }}
		}
		res, sess := newMemResources(), &memSessions{}
		cfgA, cfgB := groups(res, sess), groups(res, sess)
		cfgA.Broadcaster, cfgB.Broadcaster = mk(), mk()
		a, b := startHub(t, cfgA), startHub(t, cfgB)

		// LISTEN takes effect asynchronously: announce a probe on each
		// until a socket on the other hears it.
		res.add("probe", []string{"prober"})
		pa, pb := a.dial(t, "prober", "probe-a"), b.dial(t, "prober", "probe-b")
		for _, p := range []struct {
			from *instance
			to   *conn
		}{{a, pb}, {b, pa}} {
			deadline := time.Now().Add(20 * time.Second)
			for {
				if time.Now().After(deadline) {
					t.Fatal("the instances never heard each other")
				}
				p.from.hub.Changed(context.Background(), "probe", "probe")
				if _, err := p.to.next(300 * time.Millisecond); err == nil {
					break
				}
			}
		}
		pa.c.CloseNow()
		pb.c.CloseNow()
		crossInstance(t, res, a, b)
	})
}

func crossInstance(t *testing.T, res *memResources, a, b *instance) {
	res.add("g1", []string{"alice"}, "bob")
	alice := b.dial(t, "alice", "sa")
	alice.want(pendingBob)
	bob1 := b.dial(t, "bob", "sb1")
	bob2 := b.dial(t, "bob", "sb2")

	// A socket on A too: once it has heard the change, A has delivered
	// it (the event reaches A through the broadcaster as well, possibly
	// later than B), so a socket dialled on A afterwards cannot get it.
	aliceOnA := a.dial(t, "alice", "sa")
	aliceOnA.want(pendingBob)
	a.hub.Changed(context.Background(), "g1", "members")
	alice.want(changed("g1", "members"))
	alice.want(pendingBob)
	bob1.want(changed("g1", "members"))
	bob2.want(changed("g1", "members"))
	aliceOnA.want(changed("g1", "members"))
	aliceOnA.want(pendingBob)
	aliceOnA.c.CloseNow()

	// A socket on A keys Bob: B's sockets hear it.
	alice2 := a.dial(t, "alice", "sa")
	alice2.want(pendingBob)
	alice2.send(map[string]any{"type": "key_distributed", "ref": "k", "group_id": "g1", "user_id": "bob", "key_version": 1, "encrypted_key": sealed(873, 1)})
	alice2.want(`{"type":"ack","ref":"k"}`)
	alice.want(changed("g1", "key"))
	alice.want(pendingNone)
	for _, bob := range []*conn{bob1, bob2} { // now a holder
		bob.want(changed("g1", "key"))
		bob.want(pendingNone)
	}

	a.hub.Tell(context.Background(), "bob", "g1", "removed")
	bob1.want(changed("g1", "removed"))
	bob2.want(changed("g1", "removed"))

	a.hub.EndSession(context.Background(), "sb1")
	bob1.wantClosed(websocket.StatusPolicyViolation)
	a.hub.Changed(context.Background(), "g1", "content")
	bob2.want(changed("g1", "content"))
	bob2.want(pendingNone)
	alice.want(changed("g1", "content"))
	alice.want(pendingNone)
}
