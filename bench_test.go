package sealkit_test

import (
	"testing"

	"github.com/sealkit/sealkit/internal/benchreport/ops"
)

// The benchmarks run the shared operation list of internal/benchreport/ops,
// the same list `make bench` times next to libsodium.js and noble. Each
// group is one benchmark function, each operation a sub-benchmark named by
// the rest of its ID:
//
//	go test -run '^$' -bench . -benchmem
//	go test -run '^$' -bench 'Hybrid/Open'
//	go test -run '^$' -bench . -benchtime 1x   (smoke test: setups check round trips)
//
// Timings are reported, never asserted.

func BenchmarkRandom(b *testing.B)           { benchGroup(b, "Random") }
func BenchmarkSecretbox(b *testing.B)        { benchGroup(b, "Secretbox") }
func BenchmarkBox(b *testing.B)              { benchGroup(b, "Box") }
func BenchmarkHybrid(b *testing.B)           { benchGroup(b, "Hybrid") }
func BenchmarkSealForUser(b *testing.B)      { benchGroup(b, "SealForUser") }
func BenchmarkUnsealFromUser(b *testing.B)   { benchGroup(b, "UnsealFromUser") }
func BenchmarkDeriveSessionKey(b *testing.B) { benchGroup(b, "DeriveSessionKey") }
func BenchmarkPrivateKey(b *testing.B)       { benchGroup(b, "PrivateKey") }
func BenchmarkRecoveryKey(b *testing.B)      { benchGroup(b, "RecoveryKey") }
func BenchmarkBlindIndex(b *testing.B)       { benchGroup(b, "BlindIndex") }
func BenchmarkBase64(b *testing.B)           { benchGroup(b, "Base64") }

// benchGroups must name every group of ops.Groups; TestBenchmarkGroups
// checks it, so an operation added to the list cannot go unbenchmarked.
var benchGroups = map[string]func(*testing.B){
	"Random":           BenchmarkRandom,
	"Secretbox":        BenchmarkSecretbox,
	"Box":              BenchmarkBox,
	"Hybrid":           BenchmarkHybrid,
	"SealForUser":      BenchmarkSealForUser,
	"UnsealFromUser":   BenchmarkUnsealFromUser,
	"DeriveSessionKey": BenchmarkDeriveSessionKey,
	"PrivateKey":       BenchmarkPrivateKey,
	"RecoveryKey":      BenchmarkRecoveryKey,
	"BlindIndex":       BenchmarkBlindIndex,
	"Base64":           BenchmarkBase64,
}

func benchGroup(b *testing.B, group string) {
	n := 0
	for _, op := range ops.All {
		if op.Group != group {
			continue
		}
		n++
		b.Run(op.Name, func(b *testing.B) { benchOp(b, op) })
	}
	if n == 0 {
		b.Fatalf("no operations in group %q", group)
	}
}

// benchOp times one operation; setup (with its round-trip check) runs
// before the timer starts.
func benchOp(b *testing.B, op ops.Op) {
	run, err := op.Setup()
	if err != nil {
		b.Fatalf("%s setup: %v", op.ID(), err)
	}
	if op.Bytes > 0 {
		b.SetBytes(op.Bytes)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := run(); err != nil {
			b.Fatalf("%s: %v", op.ID(), err)
		}
	}
}

func TestBenchmarkGroups(t *testing.T) {
	declared := map[string]bool{}
	for _, g := range ops.Groups {
		if declared[g.Name] {
			t.Errorf("group %q declared twice", g.Name)
		}
		declared[g.Name] = true
		if benchGroups[g.Name] == nil {
			t.Errorf("group %q has no Benchmark%s", g.Name, g.Name)
		}
	}
	for name := range benchGroups {
		if !declared[name] {
			t.Errorf("Benchmark%s has no group in ops.Groups", name)
		}
	}
	ids := map[string]bool{}
	for _, op := range ops.All {
		if !declared[op.Group] {
			t.Errorf("%s: group not in ops.Groups", op.ID())
		}
		if ids[op.ID()] {
			t.Errorf("%s: duplicate ID", op.ID())
		}
		ids[op.ID()] = true
	}
}
