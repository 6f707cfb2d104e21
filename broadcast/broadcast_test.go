package broadcast_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sealkit/sealkit/broadcast"
)

// TestLocal: messages arrive whole, in order, as copies; a full buffer
// drops with ErrFull instead of blocking; oversized messages are refused.
func TestLocal(t *testing.T) {
	l := broadcast.NewLocal(3)
	ctx := context.Background()
	msg := []byte("group 1 changed")
	for i := range 3 {
		if err := l.Publish(ctx, append(msg, byte('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	msg[0] = 'X' // the caller's buffer is not the message
	if err := l.Publish(ctx, msg); !errors.Is(err, broadcast.ErrFull) {
		t.Fatalf("publish into a full buffer: %v, want ErrFull", err)
	}
	if err := l.Publish(ctx, make([]byte, broadcast.MaxPayload+1)); !errors.Is(err, broadcast.ErrTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	got := make(chan []byte, 3)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	done := make(chan error)
	go func() { done <- l.Run(rctx, func(p []byte) { got <- p }) }()
	for i := range 3 {
		if p := <-got; !bytes.Equal(p, []byte("group 1 changed"+string(rune('a'+i)))) {
			t.Fatalf("message %d = %q", i, p)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v after its context ended", err)
	}
}
