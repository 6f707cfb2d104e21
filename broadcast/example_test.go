package broadcast_test

import (
	"context"
	"fmt"

	"github.com/sealkit/sealkit/broadcast"
)

// One instance: Local hands what is published to Run, in order. Several
// instances on one PostgreSQL use broadcast/pgnotify instead, with the same
// two calls.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	var b broadcast.Broadcaster = broadcast.NewLocal(16)
	b.Publish(ctx, []byte(`{"resource_id":"n1","reason":"shared"}`)) // ids and reasons, never content
	b.Publish(ctx, []byte(`{"resource_id":"n2","reason":"key"}`))

	seen := 0
	b.Run(ctx, func(p []byte) {
		fmt.Println(string(p))
		if seen++; seen == 2 {
			cancel()
		}
	})
	// Output:
	// {"resource_id":"n1","reason":"shared"}
	// {"resource_id":"n2","reason":"key"}
}
