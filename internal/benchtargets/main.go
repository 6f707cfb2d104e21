// Command benchtargets measures sealkit's speed per target — native Go,
// libsealkit called from C and from Python (ctypes) — next to libsodium
// from C and PyNaCl from Python, on secretbox 1 KiB and 1 MiB and sealed-box
// open, and writes the section between the bench-targets markers of
// docs/TARGETS.md. It is a measurement, not a test: `make bench-targets`
// runs it after `make lib`. It needs cc, libsodium-dev and python3-nacl
// (Debian's, for /usr/bin/python3).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// result is one timed operation of one implementation.
type result struct {
	Impl string  `json:"impl"`
	Op   string  `json:"op"`
	NS   float64 `json:"ns"`
}

var ops = []string{
	"reject 1-byte ciphertext",
	"secretbox encrypt 1KiB", "secretbox decrypt 1KiB",
	"secretbox encrypt 1MiB", "secretbox decrypt 1MiB",
	"box seal open 1KiB",
}

func main() {
	out := flag.String("o", "docs/TARGETS.md", "the file whose bench-targets section is rewritten")
	minTime := flag.Duration("min", 250*time.Millisecond, "minimum time per operation and round")
	rounds := flag.Int("rounds", 3, "rounds of every implementation; the fastest round of each operation is kept")
	python := flag.String("python", "/usr/bin/python3", "the Python that has Debian's python3-nacl")
	flag.Parse()
	log.SetFlags(0)
	start := time.Now()
	lib, _ := filepath.Abs("build/lib")
	inc, _ := filepath.Abs("build/include")
	if _, err := os.Stat(filepath.Join(lib, "libsealkit.so")); err != nil {
		log.Fatalf("benchtargets: %v (run make lib)", err)
	}

	var results []result

	tmp, err := os.MkdirTemp("", "sealkit-benchtargets-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench")
	cc := exec.Command("cc", "-O2", "-Wall", "-o", bin, "bench/targets/bench.c", "-I", inc, "-L", lib,
		"-Wl,-rpath,"+lib, "-lsealkit", "-lsodium", "-lpthread")
	if o, err := cc.CombinedOutput(); err != nil {
		log.Fatalf("benchtargets: building bench/targets/bench.c: %v\n%s", err, o)
	}
	// The JVM and Elixir bindings, when this tree has them.
	var jvm, ex *exec.Cmd
	newJVM, newEx := func() *exec.Cmd { return nil }, func() *exec.Cmd { return nil }
	if srcs, _ := filepath.Glob("bindings/jvm/src/dev/sealkit/*.java"); len(srcs) > 0 {
		classes := filepath.Join(tmp, "jvm")
		javac := exec.Command("javac", append([]string{"-d", classes, "-cp", jnaJar, "bench/targets/Bench.java"}, srcs...)...)
		if o, err := javac.CombinedOutput(); err != nil {
			log.Fatalf("benchtargets: compiling bench/targets/Bench.java with bindings/jvm: %v\n%s", err, o)
		}
		newJVM = func() *exec.Cmd {
			return exec.Command("java", "-cp", classes+string(os.PathListSeparator)+jnaJar,
				"-Dsealkit.lib="+filepath.Join(lib, "libsealkit.so"), "Bench", secsOf(*minTime))
		}
	}
	if _, err := os.Stat("bindings/elixir/build.sh"); err == nil {
		build := exec.Command("sh", "bindings/elixir/build.sh")
		if o, err := build.CombinedOutput(); err != nil {
			log.Fatalf("benchtargets: bindings/elixir/build.sh: %v\n%s", err, o)
		}
		newEx = func() *exec.Cmd {
			return exec.Command("elixir", "-pa", "bindings/elixir/ebin", "bench/targets/bench.exs", secsOf(*minTime))
		}
	}

	// Rounds of every implementation in turn; the table keeps each
	// operation's fastest round, the one least disturbed by other work on
	// a shared machine.
	secs := secsOf(*minTime)
	loadStart := loadavg()
	for range *rounds {
		results = append(results, benchGo(*minTime)...)
		results = append(results, run(exec.Command(bin, secs))...)
		py := exec.Command(*python, "bench/targets/bench.py", secs)
		py.Env = append(os.Environ(), "SEALKIT_LIB="+filepath.Join(lib, "libsealkit.so"))
		results = append(results, run(py)...)
		if jvm = newJVM(); jvm != nil {
			results = append(results, run(jvm)...)
		}
		if ex = newEx(); ex != nil {
			results = append(results, run(ex)...)
		}
	}

	if err := write(*out, results, *rounds, *minTime, loadStart, time.Since(start)); err != nil {
		log.Fatalf("benchtargets: %v", err)
	}
	fmt.Printf("benchtargets: wrote %s (%v)\n", *out, time.Since(start).Round(time.Second))
}

// benchGo times the operations natively with the same loop as bench.c.
func benchGo(min time.Duration) []result {
	var rs []result
	timeOp := func(op string, f func()) {
		for range 3 {
			f()
		}
		n, batch := 0, 1
		t0 := time.Now()
		var el time.Duration
		for el = time.Since(t0); el < min; el = time.Since(t0) {
			for range batch {
				f()
			}
			n += batch
			batch = min2(batch*2, 1<<20)
		}
		rs = append(rs, result{"go", op, float64(el.Nanoseconds()) / float64(n)})
	}
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	key := sealkit.GenerateKey()
	timeOp("reject 1-byte ciphertext", func() {
		if _, err := sealkit.DecryptSecretbox([]byte{0}, key); err == nil {
			log.Fatal("a 1-byte ciphertext opened")
		}
	})
	for _, s := range []struct {
		n     int
		label string
	}{{1024, "1KiB"}, {1 << 20, "1MiB"}} {
		pt := make([]byte, s.n)
		ct, err := sealkit.EncryptSecretbox(pt, key)
		must(err)
		timeOp("secretbox encrypt "+s.label, func() { _, err := sealkit.EncryptSecretbox(pt, key); must(err) })
		timeOp("secretbox decrypt "+s.label, func() { _, err := sealkit.DecryptSecretbox(ct, key); must(err) })
	}
	pk, sk, err := sealkit.GenerateKeyPair()
	must(err)
	ct, err := sealkit.BoxSeal(make([]byte, 1024), pk)
	must(err)
	timeOp("box seal open 1KiB", func() { _, err := sealkit.BoxSealOpen(ct, pk, sk); must(err) })

	// The same through sealtext, the crate's base64 API that the Elixir
	// binding exposes: the baseline for its overhead.
	plain := rs
	rs = nil
	keyB64 := sealtext.GenerateKey()
	timeOp("reject 1-byte ciphertext", func() {
		if _, err := sealtext.DecryptSecretbox("AA==", keyB64); err == nil {
			log.Fatal("a 1-byte ciphertext opened")
		}
	})
	for _, n := range []int{1024, 1 << 20} {
		label := map[int]string{1024: "1KiB", 1 << 20: "1MiB"}[n]
		pt := make([]byte, n)
		ctB64, err := sealtext.EncryptSecretbox(pt, keyB64)
		must(err)
		timeOp("secretbox encrypt "+label, func() { _, err := sealtext.EncryptSecretbox(pt, keyB64); must(err) })
		timeOp("secretbox decrypt "+label, func() { _, err := sealtext.DecryptSecretbox(ctB64, keyB64); must(err) })
	}
	kp, err := sealtext.GenerateKeyPair()
	must(err)
	boxed, err := sealtext.BoxSeal(make([]byte, 1024), kp.PublicKey)
	must(err)
	timeOp("box seal open 1KiB", func() { _, err := sealtext.BoxSealOpen(boxed, kp.PublicKey, kp.PrivateKey); must(err) })
	for i := range rs {
		rs[i].Impl = "go-text"
	}
	return append(plain, rs...)
}

// jnaJar is Debian's JNA (libjna-java), which bindings/jvm uses.
const jnaJar = "/usr/share/java/jna.jar"

func secsOf(d time.Duration) string { return fmt.Sprint(d.Seconds()) }

func min2(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func run(cmd *exec.Cmd) []result {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	o, err := cmd.Output()
	if err != nil {
		log.Fatalf("benchtargets: %v: %v\n%s", cmd.Args, err, stderr.String())
	}
	if stderr.Len() > 0 {
		log.Printf("%s: %s", filepath.Base(cmd.Args[0]), strings.TrimSpace(stderr.String()))
	}
	var rs []result
	sc := bufio.NewScanner(bytes.NewReader(o))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			log.Fatalf("benchtargets: %v: line %q: %v", cmd.Args, sc.Text(), err)
		}
		rs = append(rs, r)
	}
	return rs
}

func human(ns float64) string {
	switch {
	case ns == 0 || ns != ns:
		return "—"
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.2f ms", ns/1e6)
}

func signed(ns float64) string {
	if ns < 0 {
		return "−" + human(-ns)
	}
	return "+" + human(ns)
}

func loadavg() string {
	load, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(load))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func write(file string, rs []result, rounds int, minTime time.Duration, loadStart string, took time.Duration) error {
	const begin, end = "<!-- bench-targets:begin -->", "<!-- bench-targets:end -->"
	doc, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s … %s markers", file, begin, end)
	}
	get := map[[2]string]float64{}
	impls := map[string]bool{}
	for _, r := range rs {
		k := [2]string{r.Impl, r.Op}
		if old, ok := get[k]; !ok || r.NS < old {
			get[k] = r.NS
		}
		impls[r.Impl] = true
	}
	cols := []struct{ impl, title string }{
		{"go", "Go (native)"}, {"c-libsealkit", "C → libsealkit"}, {"c-libsodium", "C → libsodium"},
		{"python-ctypes", "Python → libsealkit (ctypes)"}, {"python-binding", "Python → `sealkit` binding"}, {"pynacl", "Python → PyNaCl"},
		{"jvm", "JVM → `dev.sealkit` (JNA)"}, {"go-text", "Go `sealtext` (base64 API)"}, {"elixir", "Elixir → NIF (base64 API)"},
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%s\n<!-- written by `make bench-targets` (internal/benchtargets); do not edit by hand -->\n\n", begin)
	fmt.Fprintf(&w, "Run %s, %s, %d logical cores, %s; load average %s at the start and %s at the end; %v in all. "+
		"Mean wall-clock time per call; each operation looped for at least %v after a warm-up, in %d rounds of every implementation in turn, "+
		"and the fastest round kept (the machine is shared, so the slower rounds measure the neighbours).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.Version(), runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH,
		loadStart, loadavg(), took.Round(time.Second), minTime, rounds)
	w.WriteString("| Operation |")
	var sep strings.Builder
	sep.WriteString("|---|")
	for _, c := range cols {
		if impls[c.impl] {
			fmt.Fprintf(&w, " %s |", c.title)
			sep.WriteString("--:|")
		}
	}
	w.WriteString("\n" + sep.String() + "\n")
	for _, op := range ops {
		fmt.Fprintf(&w, "| %s |", op)
		for _, c := range cols {
			if impls[c.impl] {
				fmt.Fprintf(&w, " %s |", human(get[[2]string{c.impl, op}]))
			}
		}
		w.WriteString("\n")
	}
	w.WriteString("\n**Per-call overhead over native Go** (the binding's time minus Go's, same operation; " +
		"at 1 KiB the crypto is a few µs, so this is mostly the crossing: cgo, copying inputs into Go memory and the output out, the wipe on free, and for Python ctypes' argument conversion):\n\n")
	over := []struct{ impl, base, title string }{
		{"c-libsealkit", "go", "C → libsealkit"}, {"python-ctypes", "go", "Python (ctypes)"},
		{"python-binding", "go", "Python (`sealkit` binding)"}, {"jvm", "go", "JVM (JNA)"},
		{"elixir", "go-text", "Elixir (NIF, over Go `sealtext`)"},
	}
	w.WriteString("| Operation |")
	sep.Reset()
	sep.WriteString("|---|")
	for _, o := range over {
		if impls[o.impl] {
			fmt.Fprintf(&w, " %s |", o.title)
			sep.WriteString("--:|")
		}
	}
	w.WriteString("\n" + sep.String() + "\n")
	for _, op := range ops {
		fmt.Fprintf(&w, "| %s |", op)
		for _, o := range over {
			if impls[o.impl] {
				fmt.Fprintf(&w, " %s |", signed(get[[2]string{o.impl, op}]-get[[2]string{o.base, op}]))
			}
		}
		w.WriteString("\n")
	}
	w.WriteString(end)
	out := append(append(append([]byte{}, doc[:i]...), w.String()...), doc[j+len(end):]...)
	return os.WriteFile(file, out, 0o644)
}
