package keydist_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/keydist"
)

// notes is an app's shared notes in memory: note "n1" is Alice's, who
// holds its key, and Bob's, who has no copy yet. A real app answers from
// its database, and Deliver checks every rule in one transaction.
type notes struct {
	mu     sync.Mutex
	copies map[string][]byte // user → the key sealed to them
}

func (n *notes) Audience(_ context.Context, id string) (int64, []keydist.Member, error) {
	if id != "n1" {
		return 0, nil, keydist.ErrNotFound
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return 1, []keydist.Member{{UserID: "alice", Holder: true}, {UserID: "bob", Holder: n.copies["bob"] != nil}}, nil
}

func (n *notes) Pending(_ context.Context, id string, version int64) ([]keydist.Pending, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if id != "n1" || version != 1 || n.copies["bob"] != nil {
		return nil, nil
	}
	return []keydist.Pending{{UserID: "bob", PublicKey: "<bob's X25519 key>", PQPublicKey: "<bob's ML-KEM key>"}}, nil
}

func (n *notes) Held(_ context.Context, user string) ([]keydist.Held, error) {
	if user != "alice" {
		return nil, nil
	}
	return []keydist.Held{{ResourceID: "n1", KeyVersion: 1}}, nil
}

func (n *notes) Deliver(_ context.Context, sender string, c keydist.Copy) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case c.ResourceID != "n1" || (sender != "alice" && sender != "bob"):
		return keydist.ErrNotFound
	case sender != "alice":
		return &keydist.Refused{Msg: "only the note's owner may share its key"}
	case c.KeyVersion != 1:
		return &keydist.Refused{Msg: "key_version: not the note's current key version"}
	case c.UserID != "bob" || n.copies["bob"] != nil:
		return &keydist.Refused{Msg: "user_id: not pending"}
	}
	n.copies["bob"] = c.SealedKey
	fmt.Printf("stored a %d-byte copy for %s\n", len(c.SealedKey), c.UserID)
	return nil
}

// everyone: no session ends in this example.
type everyone struct{}

func (everyone) LiveSessions(_ context.Context, hashes []string) (map[string]bool, error) {
	live := map[string]bool{}
	for _, h := range hashes {
		live[h] = true
	}
	return live, nil
}

// Alice's page connects, is told that Bob waits for the note's key, seals
// it to him and sends it back; the hub stores it through Deliver.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &notes{copies: map[string][]byte{}}
	hub, err := keydist.New(keydist.Config{
		Broadcaster: broadcast.NewLocal(64), // pgnotify for several instances
		Resources:   store,
		Sessions:    everyone{},
		Resource:    "note",
	})
	if err != nil {
		log.Fatal(err)
	}
	go hub.Run(ctx)
	// The app's WebSocket route: authenticate, then hand over.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, "alice", "<hash of alice's session token>")
	}))
	defer srv.Close()

	// Alice's page.
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ws.CloseNow()
	read := func() map[string]any {
		var m map[string]any
		if err := wsjson.Read(ctx, ws, &m); err != nil {
			log.Fatal(err)
		}
		return m
	}
	fmt.Println(read()["type"])             // hello
	fmt.Println(read())                     // the pending list, on connect
	hub.Changed(ctx, "n1", "shared")        // after the app committed a change
	fmt.Println(read())                     // note_changed
	pending := read()["members"].([]any)[0] // and the pending list again
	fmt.Println(pending.(map[string]any)["user_id"], "is pending")

	// The browser seals the note's key to Bob's public keys (the SDK's
	// hybrid seal, 1193 bytes at Cat-3); random bytes stand in for it.
	sealed := make([]byte, 1193)
	rand.Read(sealed)
	sealed[0] = 2 // the Cat-3 tag
	msg, _ := json.Marshal(map[string]any{"type": "key_distributed", "ref": "1", "note_id": "n1",
		"user_id": "bob", "key_version": 1, "encrypted_key": base64.StdEncoding.EncodeToString(sealed)})
	if err := ws.Write(ctx, websocket.MessageText, msg); err != nil {
		log.Fatal(err)
	}
	fmt.Println(read()) // the ack
	fmt.Println(read()) // note_changed, reason "key"
	fmt.Println(read()) // nobody pending any more

	// Output:
	// hello
	// map[key_version:1 members:[map[pq_public_key:<bob's ML-KEM key> public_key:<bob's X25519 key> user_id:bob]] note_id:n1 type:pending]
	// map[note_id:n1 reason:shared type:note_changed]
	// bob is pending
	// stored a 1193-byte copy for bob
	// map[ref:1 type:ack]
	// map[note_id:n1 reason:key type:note_changed]
	// map[key_version:1 members:[] note_id:n1 type:pending]
}
