package pgnotify_test

import (
	"context"
	"database/sql"
	"log"
	"os"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sealkit/sealkit/broadcast/pgnotify"
)

// Every instance of an app builds one Broadcaster on the shared database
// and runs it; what any instance publishes reaches all of them. (Not run
// here: it needs a PostgreSQL; pgnotify_test.go runs two instances.)
func Example() {
	url := os.Getenv("DATABASE_URL") // postgres://…
	db, err := sql.Open("pgx", url)
	if err != nil {
		log.Fatal(err)
	}
	b := &pgnotify.Broadcaster{
		DB:       db,
		Connect:  func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) },
		Channel:  "myapp_events",
		LogError: func(err error) { log.Print("listener: ", err) }, // it reconnects by itself
	}
	ctx := context.Background()
	go b.Run(ctx, func(payload []byte) { log.Printf("event %s", payload) })
	b.Publish(ctx, []byte(`{"resource_id":"n1","reason":"shared"}`))
}
