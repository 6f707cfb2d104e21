// Command benchreport times sealkit next to its JavaScript peers and writes
// docs/BENCHMARKS.md:
//
//	go run ./internal/benchreport -o docs/BENCHMARKS.md     (make bench)
//
// It times every operation of package ops in-process with
// testing.Benchmark, builds js/dist/sealkit.wasm (scripts/wasm.sh, as
// `make wasm` does), then runs each peer runner (node bench/libsodium.mjs,
// node bench/wasm.mjs) on the same operation list, one after the other so
// that they never compete for the CPU, and writes one table per operation
// group (Go next to the JavaScript libraries), one table for sealkit
// compiled to WebAssembly next to the same libraries, and the module's
// sizes (sizes.go): raw, gzip, brotli, after wasm-opt, and what takes the
// space.
//
// Columns, tables and runners are variables below: a new implementation is
// a new column, a runner that reports it under the same operation IDs, and
// the table (columns and ratios) it appears in; nothing else changes.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
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
// {"<op ID>": {"ns_per_op": N, "iterations": N}}}, optionally "calls"
// (what one call of a column's operation is) and "extra" (measurements
// outside the operation list); see bench/harness.mjs. It is run from the
// module root as Command + Script + Args + ["--time-ms", N] (+ ["--filter", RE]).
type runner struct {
	Command string
	Script  string
	Args    []string
	Columns []string // the column keys it may report
}

const (
	goColumn   = "sealkit"
	wasmColumn = "sealkit-wasm"
	wasmBytes  = "sealkit-wasm-bytes"
	wasmHandle = "sealkit-wasm-handle"
	lsColumn   = "libsodium.js"
	lsB64      = "libsodium.js+base64"
)

var columns = []column{
	{goColumn, "sealkit (Go)"},
	{wasmColumn, "sealkit-wasm"},
	{wasmBytes, "sealkit-wasm bytes"},
	{wasmHandle, "sealkit-wasm handle"},
	{lsColumn, "libsodium.js"},
	{lsB64, "libsodium.js + base64"},
	{"noble", "noble"},
}

// table is which columns, in this order, and which ratios a table shows;
// a table leaves out the columns and ratios it has no data for.
type table struct {
	Columns []string
	Ratios  []ratio
}

// goTable is every per-group table: native Go next to the JavaScript
// libraries.
var goTable = table{
	Columns: []string{goColumn, lsColumn, "noble"},
	Ratios:  []ratio{{goColumn, lsColumn}, {goColumn, "noble"}},
}

// wasmTable is the table of section "WebAssembly (Node)": sealkit-wasm
// (its base64 API, its bytes API and the key slots behind the SDK's
// handles) next to the same libraries in the same Node process model, and
// next to itself compiled natively. The bytes and handle columns take
// what libsodium.js's column takes, so their ratio is against it.
var wasmTable = table{
	Columns: []string{wasmColumn, wasmBytes, wasmHandle, lsColumn, lsB64, "noble", goColumn},
	Ratios: []ratio{{wasmColumn, lsColumn}, {wasmColumn, lsB64}, {wasmColumn, "noble"}, {wasmColumn, goColumn},
		{wasmBytes, lsColumn}, {wasmHandle, lsColumn}},
}

var runners = []runner{
	{Command: "node", Script: "bench/libsodium.mjs", Columns: []string{lsColumn, lsB64, "noble"}},
	{Command: "node", Script: "bench/wasm.mjs", Columns: []string{wasmColumn, wasmBytes, wasmHandle}},
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
	Calls    map[string]map[string]string `json:"calls"`
	Extra    map[string]map[string]extra  `json:"extra"`
}

// extra is a runner's measurement outside the operation list.
type extra struct {
	NsPerOp    float64 `json:"ns_per_op"`
	Iterations int     `json:"iterations"`
	What       string  `json:"what"`
}

type config struct {
	out       string
	benchtime time.Duration
	peerTime  time.Duration
	filter    string
	peers     bool
	wasmBuild bool
	sizes     bool
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
	flag.BoolVar(&c.wasmBuild, "wasm-build", true, "build js/dist/sealkit.wasm with scripts/wasm.sh before running bench/wasm.mjs (false: use the one there)")
	flag.BoolVar(&c.sizes, "sizes", true, "measure the WebAssembly module's sizes (raw, gzip, brotli, wasm-opt) and what takes the space")
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

	if (c.peers || c.sizes) && c.wasmBuild {
		if err := buildWasm(root); err != nil {
			return err
		}
	}

	var peers []peerOutput
	if c.peers {
		for _, r := range runners {
			p, err := runPeer(root, r, c, c.filter)
			if err != nil {
				return err
			}
			if err := merge(results, p, r, list); err != nil {
				return err
			}
			peers = append(peers, p)
		}
	}

	var sizes *sizeReport
	if c.sizes {
		if sizes, err = measureSizes(root, c); err != nil {
			return err
		}
	}

	md := report(c, list, results, peers, sizes, time.Since(start), start)
	if c.out != "-" {
		old, err := os.ReadFile(c.out)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		md = keepMarked(md, old)
	}
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

// buildWasm runs scripts/wasm.sh (what `make wasm` runs), so that
// bench/wasm.mjs and the sizes measure the working tree.
func buildWasm(root string) error {
	fmt.Fprintln(os.Stderr, "benchreport: scripts/wasm.sh (make wasm)")
	cmd := exec.Command("bash", "scripts/wasm.sh")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GO="+goCmd())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("scripts/wasm.sh: %w", err)
	}
	return nil
}

func runPeer(root string, r runner, c config, filter string) (peerOutput, error) {
	var p peerOutput
	args := append([]string{r.Script}, r.Args...)
	args = append(args, "--time-ms", fmt.Sprint(c.peerTime.Milliseconds()))
	if filter != "" {
		args = append(args, "--filter", filter)
	}
	cmd := exec.Command(r.Command, args...)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return p, fmt.Errorf("%s %s: %w (run `npm ci` first if node_modules is missing, `make wasm` if js/dist is)", r.Command, r.Script, err)
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
