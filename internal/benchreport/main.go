// Command benchreport times sealkit next to its JavaScript peers and writes
// docs/BENCHMARKS.md:
//
//	go run ./internal/benchreport -o docs/BENCHMARKS.md     (make bench)
//
// It times every operation of package ops in-process with
// testing.Benchmark, then runs each peer runner (node bench/libsodium.mjs)
// on the same operation list, one after the other so that they never
// compete for the CPU, and writes one table per operation group with each
// column's ns/op and the ratios listed in ratios.
//
// Columns, ratios and runners are tables below: a new implementation (for
// instance sealkit compiled to WebAssembly and run in Node) is a new column,
// a runner that reports it under the same operation IDs, and the ratios
// wanted; nothing else changes.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/benchreport/ops"
)

// column is one implementation in the report.
type column struct {
	Key   string // as runners report it
	Title string // table header
}

// ratio is one ratio column: Num's time over Den's time, so below 1 means
// Num is faster.
type ratio struct{ Num, Den string }

// runner is an external program that times the operations and prints
// JSON: {"node": "...", "versions": {...}, "columns": {"<column key>":
// {"<op ID>": {"ns_per_op": N, "iterations": N}}}}. It is run from the
// module root as Command + Script + ["--time-ms", N] (+ ["--filter", RE]).
type runner struct {
	Command string
	Script  string
	Columns []string // the column keys it may report
}

const goColumn = "sealkit"

var columns = []column{
	{goColumn, "sealkit (Go)"},
	{"libsodium.js", "libsodium.js"},
	{"noble", "noble"},
}

var ratios = []ratio{
	{goColumn, "libsodium.js"},
	{goColumn, "noble"},
}

var runners = []runner{
	{Command: "node", Script: "bench/libsodium.mjs", Columns: []string{"libsodium.js", "noble"}},
}

// result is one measurement.
type result struct {
	NsPerOp    float64 `json:"ns_per_op"`
	Iterations int     `json:"iterations"`
	// Go only; -1 when unknown.
	BytesPerOp, AllocsPerOp int64
}

// peerOutput is what a runner prints.
type peerOutput struct {
	Runner   string                       `json:"runner"`
	Node     string                       `json:"node"`
	Versions map[string]string            `json:"versions"`
	TimeMs   float64                      `json:"time_ms"`
	Columns  map[string]map[string]result `json:"columns"`
}

type config struct {
	out       string
	benchtime time.Duration
	peerTime  time.Duration
	filter    string
	peers     bool
	note      string
}

func main() {
	testing.Init() // registers -test.benchtime, which testing.Benchmark reads
	var c config
	flag.StringVar(&c.out, "o", "-", "write the report to this file (- for stdout)")
	flag.DurationVar(&c.benchtime, "benchtime", time.Second, "Go: minimum time per operation (testing.Benchmark auto-scales to it)")
	flag.DurationVar(&c.peerTime, "peertime", time.Second, "peer runners: minimum timed run per operation, after warm-up")
	flag.StringVar(&c.filter, "filter", "", "only operations whose ID (Group/Name) matches this regular expression")
	flag.BoolVar(&c.peers, "peers", true, "run the peer runners (false: Go column only)")
	flag.StringVar(&c.note, "note", "", "a sentence added to the report header (e.g. about machine load)")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if err := flag.Set("test.benchtime", c.benchtime.String()); err != nil {
		return err
	}
	list, err := ops.Match(c.filter)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("no operation matches %q", c.filter)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	start := time.Now()

	results := map[string]map[string]result{}
	results[goColumn], err = runGo(list)
	if err != nil {
		return err
	}

	var peers []peerOutput
	if c.peers {
		for _, r := range runners {
			p, err := runPeer(root, r, c)
			if err != nil {
				return err
			}
			if err := merge(results, p, r, list); err != nil {
				return err
			}
			peers = append(peers, p)
		}
	}

	md := report(c, list, results, peers, time.Since(start), start)
	if c.out == "-" {
		_, err = os.Stdout.Write(md)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(c.out, md, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchreport: wrote %s in %s\n", c.out, time.Since(start).Round(time.Second))
	return nil
}

// runGo times each operation with testing.Benchmark; setup (and its
// round-trip check) runs before, outside the timer.
func runGo(list []ops.Op) (map[string]result, error) {
	out := map[string]result{}
	for _, op := range list {
		fn, err := op.Setup()
		if err != nil {
			return nil, fmt.Errorf("%s: setup: %w", op.ID(), err)
		}
		var runErr error
		r := testing.Benchmark(func(b *testing.B) {
			if op.Bytes > 0 {
				b.SetBytes(op.Bytes)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := fn(); err != nil {
					runErr = err
					b.FailNow()
				}
			}
		})
		if runErr != nil {
			return nil, fmt.Errorf("%s: %w", op.ID(), runErr)
		}
		if r.N == 0 {
			return nil, fmt.Errorf("%s: the benchmark did not run", op.ID())
		}
		res := result{
			NsPerOp:     float64(r.T.Nanoseconds()) / float64(r.N),
			Iterations:  r.N,
			BytesPerOp:  r.AllocedBytesPerOp(),
			AllocsPerOp: r.AllocsPerOp(),
		}
		out[op.ID()] = res
		fmt.Fprintf(os.Stderr, "%-13s %-40s %12.0f ns/op  (%d×)\n", goColumn, op.ID(), res.NsPerOp, r.N)
	}
	return out, nil
}

func runPeer(root string, r runner, c config) (peerOutput, error) {
	var p peerOutput
	args := []string{r.Script, "--time-ms", fmt.Sprint(c.peerTime.Milliseconds())}
	if c.filter != "" {
		args = append(args, "--filter", c.filter)
	}
	cmd := exec.Command(r.Command, args...)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return p, fmt.Errorf("%s %s: %w (run `npm ci` first if node_modules is missing)", r.Command, r.Script, err)
	}
	if err := json.Unmarshal(stdout.Bytes(), &p); err != nil {
		return p, fmt.Errorf("%s: output is not the expected JSON: %w", r.Script, err)
	}
	return p, nil
}

// merge adds a runner's columns to results, refusing IDs and columns that
// are not in the shared tables, so that the lists cannot drift apart
// silently.
func merge(results map[string]map[string]result, p peerOutput, r runner, list []ops.Op) error {
	known := map[string]bool{}
	for _, op := range list {
		known[op.ID()] = true
	}
	for col, m := range p.Columns {
		if !slices.Contains(r.Columns, col) {
			return fmt.Errorf("%s reported column %q, which it is not listed for", r.Script, col)
		}
		for id, res := range m {
			if !known[id] {
				return fmt.Errorf("%s reported operation %q, which is not in internal/benchreport/ops", r.Script, id)
			}
			if !(res.NsPerOp > 0) {
				return fmt.Errorf("%s: %s %s: no time", r.Script, col, id)
			}
			res.BytesPerOp, res.AllocsPerOp = -1, -1
			if results[col] == nil {
				results[col] = map[string]result{}
			}
			results[col][id] = res
		}
	}
	return nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// ---- the report ----------------------------------------------------------------

func report(c config, list []ops.Op, results map[string]map[string]result, peers []peerOutput, took time.Duration, when time.Time) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }

	p("# sealkit benchmarks\n\n")
	p("sealkit (Go) next to libsodium.js and noble (Node) on the same operations, sizes and inputs, in one run.\n")
	p("Generated by `make bench` (`go run ./internal/benchreport -o docs/BENCHMARKS.md`); do not edit by hand.\n\n")

	p("- **Date:** %s\n", when.UTC().Format("2006-01-02 15:04 MST"))
	p("- **CPU:** %s, %d logical cores (GOMAXPROCS %d), %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	p("- **Go:** %s; %s\n", runtime.Version(), goDeps())
	for _, pe := range peers {
		p("- **Node:** %s (`%s`); %s\n", pe.Node, pe.Runner, nodeVersions(pe.Versions))
	}
	if commit := gitCommit(); commit != "" {
		p("- **sealkit:** %s\n", commit)
	}
	p("- **Timing:** Go: `testing.Benchmark` auto-scaled to ≥ %s per operation; Node: ≥ %s per operation after a warm-up of ≥ 200 ms (or one call); whole run %s\n",
		c.benchtime, c.peerTime, took.Round(time.Second))
	p("- **Regenerate:** `make bench` (needs `npm ci`; about two minutes)\n")
	if c.note != "" {
		p("- **Note:** %s\n", c.note)
	}
	p("\n")

	p("## Reading the numbers\n\n")
	p("Each time is the mean wall-clock time of one call, from a single run on the machine above: ")
	p("for sealkit, Go's `testing.Benchmark` over the shared operation list of `internal/benchreport/ops` ")
	p("(the same list `go test -bench .` runs); for the peers, `bench/libsodium.mjs` timing the equivalent calls in Node ")
	p("after a warm-up. Setup, key generation for the fixture and a round-trip check happen before timing starts. ")
	p("The ratio columns are sealkit's time divided by the peer's: **below 1 sealkit is faster**, above 1 it is slower. ")
	p("The peers are what a JavaScript application would use: libsodium compiled to WebAssembly (libsodium.js) and pure-JavaScript noble, ")
	p("not native libsodium. Go and Node run one after the other, never at the same time. ")
	p("Expect a few percent of noise between runs, more on a busy or shared machine; compare ratios rather than absolute times, ")
	p("and regenerate before drawing conclusions from a small difference. The tests never assert timings: ")
	p("`go test -run '^$' -bench . -benchtime 1x ./...` only checks that every benchmark runs.\n\n")

	var peerCols []column
	for _, col := range columns {
		if col.Key != goColumn {
			peerCols = append(peerCols, col)
		}
	}
	p("%s\n\n", summary(list, results, peerCols))

	for _, g := range ops.Groups {
		var rows []ops.Op
		for _, op := range list {
			if op.Group == g.Name {
				rows = append(rows, op)
			}
		}
		if len(rows) == 0 {
			continue
		}
		writeGroup(w, g, rows, results)
	}

	p("## Peers\n\n")
	p("- **libsodium.js**: `libsodium-wrappers-sumo`, libsodium compiled to WebAssembly. Its random bytes come from JavaScript ")
	p("one call per byte (see below and *Random*), so every libsodium.js operation that draws a nonce or an ephemeral key pays for it.\n")
	p("- **noble**: `@noble/post-quantum` with its `@noble/curves` and `@noble/hashes`, pure JavaScript, randomness from `crypto.getRandomValues`. ")
	p("Used for the hybrid KEM only; the payload secretbox in the noble rows is libsodium.js's, with a noble-generated nonce, ")
	p("so noble rows differ from libsodium.js rows only in the KEM and the random source.\n")
	p("- An empty cell means the peer has no equivalent operation.\n")
	if r, ok := results["libsodium.js"]["Random/GenerateKey"]; ok {
		p("\nIn this run libsodium.js took %s for the 32 random bytes of `crypto_secretbox_keygen`, about %s per random byte: ", formatNs(r.NsPerOp), formatNs(r.NsPerOp/32))
		p("libsodium's Emscripten build fills a buffer by calling JavaScript (`crypto.getRandomValues` for 4 bytes, of which it keeps one) once per byte. ")
		p("A 24-byte nonce therefore costs about %s, an X25519 ephemeral key about %s, and an X-Wing encapsulation's 64 random bytes about %s, ", formatNs(r.NsPerOp*24/32), formatNs(r.NsPerOp), formatNs(r.NsPerOp*2))
		p("before any cryptography. Decrypt and open rows draw no randomness and compare the primitives themselves.\n")
	}

	w.Flush()
	return b.Bytes()
}

func writeGroup(w io.Writer, g ops.Group, rows []ops.Op, results map[string]map[string]result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("## %s\n\n%s.", g.Name, strings.TrimSuffix(g.API, "."))
	if g.Peers != "" {
		p(" %s", g.Peers)
	}
	p("\n\n")

	// Only the columns and ratios this group has data for.
	has := func(key string) bool {
		for _, op := range rows {
			if _, ok := results[key][op.ID()]; ok {
				return true
			}
		}
		return false
	}
	var cols []column
	for _, col := range columns {
		if has(col.Key) {
			cols = append(cols, col)
		}
	}
	var rats []ratio
	for _, r := range ratios {
		if has(r.Num) && has(r.Den) {
			rats = append(rats, r)
		}
	}
	title := map[string]string{}
	for _, col := range columns {
		title[col.Key] = col.Title
	}

	p("| Operation |")
	for _, col := range cols {
		p(" %s |", col.Title)
	}
	for _, r := range rats {
		p(" %s ÷ %s |", title[r.Num], title[r.Den])
	}
	p(" sealkit B/op, allocs/op | One call |\n|---|")
	for range len(cols) + len(rats) {
		p("--:|")
	}
	p("--:|---|\n")

	for _, op := range rows {
		p("| %s |", op.Name)
		for _, col := range cols {
			if r, ok := results[col.Key][op.ID()]; ok {
				p(" %s |", formatNs(r.NsPerOp))
			} else {
				p(" |")
			}
		}
		for _, rt := range rats {
			n, ok1 := results[rt.Num][op.ID()]
			d, ok2 := results[rt.Den][op.ID()]
			if ok1 && ok2 {
				p(" %s |", formatRatio(n.NsPerOp/d.NsPerOp))
			} else {
				p(" |")
			}
		}
		if r, ok := results[goColumn][op.ID()]; ok && r.AllocsPerOp >= 0 {
			p(" %s, %d |", formatBytes(r.BytesPerOp), r.AllocsPerOp)
		} else {
			p(" |")
		}
		p(" %s |\n", op.What)
	}
	p("\n")
}

// summary is one sentence per peer: how many operations sealkit is
// faster at, and the range of ratios.
func summary(list []ops.Op, results map[string]map[string]result, peers []column) string {
	var lines []string
	for _, peer := range peers {
		var rs []float64
		faster := 0
		for _, op := range list {
			g, ok1 := results[goColumn][op.ID()]
			o, ok2 := results[peer.Key][op.ID()]
			if !ok1 || !ok2 {
				continue
			}
			r := g.NsPerOp / o.NsPerOp
			rs = append(rs, r)
			if r < 1 {
				faster++
			}
		}
		if len(rs) == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("**Against %s:** sealkit is faster in %d of the %d operations both have (ratios %s to %s).",
			peer.Title, faster, len(rs), formatRatio(slices.Min(rs)), formatRatio(slices.Max(rs))))
	}
	return strings.Join(lines, "\n")
}

func formatNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	case ns < 1e9:
		return sig3(ns/1e6) + " ms"
	}
	return sig3(ns/1e9) + " s"
}

// sig3 prints three significant digits (at least the integer part).
func sig3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// formatRatio prints at least two significant digits.
func formatRatio(r float64) string {
	switch {
	case r >= 10:
		return fmt.Sprintf("%.0f", r)
	case r >= 0.1:
		return fmt.Sprintf("%.2f", r)
	}
	return fmt.Sprintf("%.2g", r)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// goDeps lists the modules sealkit's crypto comes from.
func goDeps() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "module versions unknown"
	}
	var parts []string
	for _, d := range bi.Deps {
		if d.Path == "golang.org/x/crypto" || d.Path == "github.com/cloudflare/circl" {
			parts = append(parts, d.Path+" "+d.Version)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ") + " (plus the standard library's crypto/ecdh, crypto/mlkem, crypto/sha3, crypto/hmac)"
}

// nodeVersions lists a runner's library versions, best-known first.
func nodeVersions(v map[string]string) string {
	order := []string{"libsodium-wrappers-sumo", "libsodium", "@noble/post-quantum", "@noble/curves", "@noble/hashes"}
	keys := slices.Sorted(maps.Keys(v))
	slices.SortStableFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return ia - ib
	})
	var parts []string
	for _, k := range keys {
		s := k + " " + v[k]
		if k == "libsodium" {
			s += " (WebAssembly)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// gitCommit describes the working tree: "commit abc1234" plus a remark if
// there are uncommitted changes. Empty when git is not available.
func gitCommit() string {
	rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	s := "commit " + strings.TrimSpace(string(rev))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		s += " with uncommitted changes"
	}
	return s
}
