package secrets

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealkit/sealkit/atrest"
)

func mustGenerate(t *testing.T) *Secrets {
	t.Helper()
	s, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustSave(t *testing.T, path string, s *Secrets) {
	t.Helper()
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
}

func sameKeys(a, b *Secrets) bool {
	return bytes.Equal(a.BlindIndexKey, b.BlindIndexKey) &&
		bytes.Equal(a.FakeSaltKey, b.FakeSaltKey) &&
		bytes.Equal(a.IPHashKey, b.IPHashKey)
}

func TestGenerateSaveLoad(t *testing.T) {
	s := mustGenerate(t)
	if len(s.BlindIndexKey) != 64 || len(s.FakeSaltKey) != 32 || len(s.IPHashKey) != 32 {
		t.Fatalf("key lengths %d %d %d", len(s.BlindIndexKey), len(s.FakeSaltKey), len(s.IPHashKey))
	}
	if s.AtRest.PrimaryID() != 1 {
		t.Fatalf("at-rest primary %d", s.AtRest.PrimaryID())
	}
	if other := mustGenerate(t); bytes.Equal(s.BlindIndexKey, other.BlindIndexKey) {
		t.Fatal("Generate is not random")
	}

	path := filepath.Join(t.TempDir(), "secrets.json")
	mustSave(t, path, s)
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !sameKeys(s, got) {
		t.Fatal("keys changed in the round trip")
	}
	v, err := s.AtRest.Encrypt([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := got.AtRest.Decrypt(v, nil); err != nil || string(pt) != "x" {
		t.Fatalf("loaded at-rest set: %v", err)
	}

	// The file has the documented shape.
	data, _ := os.ReadFile(path)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "blind_index_key", "fake_salt_key", "ip_hash_key", "at_rest"} {
		if _, ok := m[k]; !ok {
			t.Errorf("file lacks %q", k)
		}
	}
	if len(m) != 5 || string(m["version"]) != "1" {
		t.Errorf("file:\n%s", data)
	}

	// Saving again replaces the file and leaves no temporary files.
	mustSave(t, path, mustGenerate(t))
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after two saves", len(entries))
	}
}

func TestFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "secrets.json")
	// An existing, more open file is replaced, mode included.
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSave(t, path, mustGenerate(t))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode %o, want 600", mode)
	}
}

func TestSaveInvalid(t *testing.T) {
	good := mustGenerate(t)
	tests := map[string]func(s *Secrets){
		"short blind index key": func(s *Secrets) { s.BlindIndexKey = s.BlindIndexKey[:32] },
		"long fake salt key":    func(s *Secrets) { s.FakeSaltKey = append(s.FakeSaltKey, 0) },
		"nil ip hash key":       func(s *Secrets) { s.IPHashKey = nil },
		"nil at-rest set":       func(s *Secrets) { s.AtRest = nil },
		"empty at-rest set":     func(s *Secrets) { s.AtRest = new(atrest.KeySet) },
	}
	for name, change := range tests {
		t.Run(name, func(t *testing.T) {
			s := *good
			change(&s)
			path := filepath.Join(t.TempDir(), "secrets.json")
			if err := Save(path, &s); err == nil {
				t.Fatal("Save succeeded")
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
				t.Error("a failed Save left a file behind")
			}
		})
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "secrets.json")
	s1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first call: created %v, %v", created, err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o700 {
			t.Errorf("directory mode %o, want 700", mode)
		}
		fi, _ = os.Stat(path)
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("file mode %o, want 600", mode)
		}
	}
	s2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("second call: created %v, %v", created, err)
	}
	if !sameKeys(s1, s2) {
		t.Fatal("second call did not reuse the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries", len(entries))
	}

	// A broken file is an error, not a reason to overwrite it.
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreate(path); err == nil {
		t.Fatal("LoadOrCreate accepted a broken file")
	}
	if data, _ := os.ReadFile(path); string(data) != "not json" {
		t.Fatal("LoadOrCreate overwrote a broken file")
	}
}

// Servers started together on a fresh directory agree on one file.
func TestLoadOrCreateRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	const n = 8
	results := make([]*Secrets, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	creators := 0
	for i := range n {
		wg.Go(func() {
			s, created, err := LoadOrCreate(path)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = s
			if created {
				mu.Lock()
				creators++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	onDisk, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range results {
		if !sameKeys(s, onDisk) {
			t.Errorf("goroutine %d holds secrets that are not on disk", i)
		}
	}
	if creators != 1 {
		t.Errorf("%d callers report creating the file", creators)
	}
}

func TestRotate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := mustGenerate(t)
	mustSave(t, path, s)
	aad := atrest.AAD("t", "c", "1")
	old, err := s.AtRest.Encrypt([]byte("old"), aad)
	if err != nil {
		t.Fatal(err)
	}

	for want := uint32(2); want <= 3; want++ {
		id, err := Rotate(path)
		if err != nil || id != want {
			t.Fatalf("Rotate = %d, %v; want %d", id, err, want)
		}
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.AtRest.PrimaryID() != 3 || len(got.AtRest.IDs()) != 3 {
		t.Fatalf("primary %d, ids %v", got.AtRest.PrimaryID(), got.AtRest.IDs())
	}
	if !sameKeys(s, got) {
		t.Fatal("Rotate changed the other keys")
	}
	if pt, err := got.AtRest.Decrypt(old, aad); err != nil || string(pt) != "old" {
		t.Fatalf("old value after rotation: %v", err)
	}
	if got.AtRest.IsCurrent(old) {
		t.Error("old value is current")
	}

	if _, err := Rotate(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Rotate of a missing file: %v", err)
	}
}

func TestLiveReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := mustGenerate(t)
	mustSave(t, path, s)
	l := NewLive(path, s)
	if l.Current() != s {
		t.Fatal("Current is not the initial value")
	}
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}

	// Another process rotates.
	rotated, err := s.AtRest.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	next := *s
	next.AtRest = rotated
	mustSave(t, path, &next)

	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := l.Current().AtRest.PrimaryID(); got != 2 {
		t.Fatalf("after Reload, primary %d, want 2", got)
	}
	if !sameKeys(l.Current(), s) {
		t.Fatal("Reload changed the other keys")
	}
}

func TestLiveBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := mustGenerate(t)
	mustSave(t, path, s)
	l := NewLive(path, s)
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	before := l.Current()

	if err := os.WriteFile(path, []byte(`{"version":1,"blind_index_key":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.Reload(); err == nil {
		t.Fatal("Reload of a corrupted file succeeded")
	}
	if l.Current() != before {
		t.Fatal("a failed Reload replaced the secrets")
	}
	// The error repeats until the file is fixed.
	if err := l.Reload(); err == nil {
		t.Fatal("second Reload of a corrupted file succeeded")
	}
	os.Remove(path)
	if err := l.Reload(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Reload of a missing file: %v", err)
	}
	if l.Current() != before {
		t.Fatal("a failed Reload replaced the secrets")
	}

	mustSave(t, path, s)
	if err := l.Reload(); err != nil {
		t.Fatalf("Reload of the repaired file: %v", err)
	}
}

// An unchanged file is not parsed again.
func TestLiveUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := mustGenerate(t)
	mustSave(t, path, s)
	l := NewLive(path, s)
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	loaded := l.Current()
	if err := l.Reload(); err != nil || l.Current() != loaded {
		t.Fatal("Reload of an unchanged file replaced the secrets")
	}

	// Overwrite in place with same-size garbage and the old mtime: a
	// stamp that says "unchanged" is believed.
	fi, _ := os.Stat(path)
	if err := os.WriteFile(path, bytes.Repeat([]byte{'x'}, int(fi.Size())), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := l.Reload(); err != nil || l.Current() != loaded {
		t.Fatalf("Reload parsed a file whose stamp did not change: %v", err)
	}
}

func TestLiveWatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	s := mustGenerate(t)
	mustSave(t, path, s)
	l := NewLive(path, s)

	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var errs []error
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Watch(ctx, 5*time.Millisecond, func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
	}()

	if _, err := Rotate(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return l.Current().AtRest.PrimaryID() == 2 })

	// Replace the file in one step, so that Watch cannot see it half written.
	if err := os.WriteFile(path+".new", []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(errs) > 0 })
	time.Sleep(50 * time.Millisecond) // several more polls of the same bad file
	cancel()
	<-done

	if len(errs) != 1 {
		t.Errorf("a persistently bad file was reported %d times: %v", len(errs), errs)
	}
	if l.Current().AtRest.PrimaryID() != 2 {
		t.Error("the bad file replaced the secrets")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLoadErrors(t *testing.T) {
	b := func(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA5}, n)) }
	bik, fsk, ihk := b(64), b(32), b(32)
	atRest := `{"primary":1,"keys":{"1":"` + b(32) + `"}}`
	file := func(fields ...string) string {
		m := map[string]string{
			"version":         `1`,
			"blind_index_key": `"` + bik + `"`,
			"fake_salt_key":   `"` + fsk + `"`,
			"ip_hash_key":     `"` + ihk + `"`,
			"at_rest":         atRest,
		}
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i+1] == "" {
				delete(m, fields[i])
			} else {
				m[fields[i]] = fields[i+1]
			}
		}
		var parts []string
		for k, v := range m {
			parts = append(parts, `"`+k+`":`+v)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}

	// The table's base case is valid.
	dir := t.TempDir()
	path := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(path, []byte(file()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("valid file: %v", err)
	}

	tests := []struct {
		name, data, want string
	}{
		{"empty", ``, "not a secrets file"},
		{"not json", `secrets`, "not a secrets file"},
		{"array", `[]`, "not a secrets file"},
		{"empty object", `{}`, "missing version"},
		{"no version", file("version", ""), "missing version"},
		{"version 0", file("version", "0"), "unknown version 0"},
		{"version 2", file("version", "2", "new_field", "1"), "unknown version 2"},
		{"string version", file("version", `"1"`), "not a secrets file"},
		{"unknown field", file("blind_index_keys", `"x"`), "unknown field"},
		{"trailing data", file() + "{}", "after top-level value"},
		{"missing blind index key", file("blind_index_key", ""), "missing blind_index_key"},
		{"missing fake salt key", file("fake_salt_key", ""), "missing fake_salt_key"},
		{"missing ip hash key", file("ip_hash_key", ""), "missing ip_hash_key"},
		{"short blind index key", file("blind_index_key", `"`+b(32)+`"`), "blind_index_key is 32 bytes, want 64"},
		{"long fake salt key", file("fake_salt_key", `"`+b(33)+`"`), "fake_salt_key is 33 bytes, want 32"},
		{"short ip hash key", file("ip_hash_key", `"`+b(16)+`"`), "ip_hash_key is 16 bytes, want 32"},
		{"bad base64", file("ip_hash_key", `"`+ihk[1:]+`"`), "ip_hash_key: invalid base64"},
		{"url-safe base64", file("fake_salt_key", `"`+strings.Repeat("_", 43)+`="`), "fake_salt_key: invalid base64"},
		{"newline in base64", file("blind_index_key", `"`+bik[:8]+`\n`+bik[8:]+`"`), "newline in base64"},
		{"number key", file("ip_hash_key", `12`), "cannot unmarshal"},
		{"missing at_rest", file("at_rest", ""), "missing at_rest"},
		{"null at_rest", file("at_rest", "null"), "missing at_rest"},
		{"at_rest short key", file("at_rest", `{"primary":1,"keys":{"1":"`+b(16)+`"}}`), "key 1 is 16 bytes"},
		{"at_rest primary missing", file("at_rest", `{"primary":2,"keys":{"1":"`+b(32)+`"}}`), "primary key id 2"},
		{"at_rest unknown field", file("at_rest", `{"primary":1,"keys":{"1":"`+b(32)+`"},"x":1}`), "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "secrets: "+path+": ") {
				t.Errorf("error %q, want it to contain %q", msg, tt.want)
			}
			for _, k := range []string{bik, fsk, ihk, b(32), b(16), b(33)} {
				if strings.Contains(msg, k) || strings.Contains(msg, k[:12]) {
					t.Errorf("error leaks key bytes: %q", msg)
				}
			}
		})
	}

	_, err := Load(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "sealkit keys") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load of a directory succeeded")
	}
}
