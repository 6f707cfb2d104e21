package ratelimit_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sealkit/sealkit/ratelimit"
)

// Five failed logins per client and account in 15 minutes: the sixth
// attempt is refused before its key is compared.
func Example() {
	dir, _ := os.MkdirTemp("", "ratelimit-example")
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	ctx := context.Background()
	l := &ratelimit.Limiter{DB: db}
	if err := l.CreateTable(ctx); err != nil {
		panic(err)
	}
	// The bucket names a keyed hash of the client and of the account,
	// never the IP or the address itself.
	bucket := "loginfail:3f2a…:9c1d…"
	for attempt := 1; attempt <= 6; attempt++ {
		ok, err := l.Allow(ctx, bucket, 5, 15*time.Minute)
		if err != nil {
			panic(err)
		}
		fmt.Println(attempt, ok)
	}
	// Output:
	// 1 true
	// 2 true
	// 3 true
	// 4 true
	// 5 true
	// 6 false
}
