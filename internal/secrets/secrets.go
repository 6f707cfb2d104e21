// Package secrets reads and writes the server's secrets file: the keys for
// email blind indexes, fake salts and client IP hashes, and the at-rest key
// set. `sealkit keys` creates it, and so does a first `sealkit serve` in
// development.
//
// The file is JSON, version 1:
//
//	{
//	  "version": 1,
//	  "blind_index_key": "<base64, 64 bytes>",
//	  "fake_salt_key": "<base64, 32 bytes>",
//	  "ip_hash_key": "<base64, 32 bytes>",
//	  "at_rest": {"primary": 1, "keys": {"1": "<base64, 32 bytes>"}}
//	}
//
// Base64 is standard and padded. Unknown fields are refused, so that a typo
// in a hand-edited file is an error rather than a silently missing key.
// Errors never contain key bytes.
package secrets

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sealkit/sealkit/atrest"
)

// Key lengths, in bytes.
const (
	BlindIndexKeySize = 64 // as long as an HMAC-SHA512 output, RFC 2104's minimum
	FakeSaltKeySize   = 32
	IPHashKeySize     = 32
)

// Version is the file format version that Load reads and Save writes.
const Version = 1

// Secrets are the server's long-lived keys. A *Secrets obtained from Load
// or Live.Current may be shared between goroutines and must not be
// modified.
type Secrets struct {
	BlindIndexKey []byte // 64 random bytes: HMAC-SHA512 key for email blind indexes
	FakeSaltKey   []byte // 32 random bytes: HMAC key for fake salts of unknown emails
	IPHashKey     []byte // 32 random bytes: HMAC key that turns client IPs into log/rate-limit ids
	AtRest        *atrest.KeySet
}

// fileJSON is the on-disk form. Keys are strings, not []byte, so that
// base64 is decoded here, strictly, and its errors are ours.
type fileJSON struct {
	Version       int            `json:"version"`
	BlindIndexKey string         `json:"blind_index_key"`
	FakeSaltKey   string         `json:"fake_salt_key"`
	IPHashKey     string         `json:"ip_hash_key"`
	AtRest        *atrest.KeySet `json:"at_rest"`
}

// Generate returns fresh random secrets with a one-key at-rest set.
func Generate() (*Secrets, error) {
	s := &Secrets{
		BlindIndexKey: make([]byte, BlindIndexKeySize),
		FakeSaltKey:   make([]byte, FakeSaltKeySize),
		IPHashKey:     make([]byte, IPHashKeySize),
	}
	for _, k := range [][]byte{s.BlindIndexKey, s.FakeSaltKey, s.IPHashKey} {
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("secrets: generating keys: %w", err)
		}
	}
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	s.AtRest = ks
	return s, nil
}

// validate checks key lengths and that there is an at-rest set.
func (s *Secrets) validate() error {
	for _, k := range []struct {
		name string
		key  []byte
		want int
	}{
		{"blind_index_key", s.BlindIndexKey, BlindIndexKeySize},
		{"fake_salt_key", s.FakeSaltKey, FakeSaltKeySize},
		{"ip_hash_key", s.IPHashKey, IPHashKeySize},
	} {
		if len(k.key) != k.want {
			return fmt.Errorf("%s is %d bytes, want %d", k.name, len(k.key), k.want)
		}
	}
	if s.AtRest == nil || len(s.AtRest.IDs()) == 0 {
		return errors.New("missing at_rest key set")
	}
	return nil
}

// Load reads the secrets file at path. A missing file gives an error that
// matches fs.ErrNotExist.
func Load(path string) (*Secrets, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("secrets: %w (create it with `sealkit keys`)", err)
		}
		return nil, fmt.Errorf("secrets: %w", err)
	}
	s, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("secrets: %s: %w", path, err)
	}
	return s, nil
}

func parse(data []byte) (*Secrets, error) {
	// Read the version first, leniently, so that a file from a newer
	// sealkit says so instead of complaining about its new fields.
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a secrets file: %w", err)
	}
	if head.Version == nil {
		return nil, errors.New("missing version")
	}
	if *head.Version != Version {
		return nil, fmt.Errorf("unknown version %d (this sealkit reads version %d)", *head.Version, Version)
	}

	// json.Unmarshal above has checked that data is exactly one JSON
	// value, so a single Decode sees all of it.
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	s := &Secrets{AtRest: f.AtRest}
	for _, k := range []struct {
		name string
		text string
		dst  *[]byte
	}{
		{"blind_index_key", f.BlindIndexKey, &s.BlindIndexKey},
		{"fake_salt_key", f.FakeSaltKey, &s.FakeSaltKey},
		{"ip_hash_key", f.IPHashKey, &s.IPHashKey},
	} {
		if k.text == "" {
			return nil, fmt.Errorf("missing %s", k.name)
		}
		// StdEncoding skips newlines even in strict mode; refuse them so
		// that a key has one spelling.
		if strings.ContainsAny(k.text, "\r\n") {
			return nil, fmt.Errorf("%s: newline in base64", k.name)
		}
		b, err := base64.StdEncoding.Strict().DecodeString(k.text)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid base64", k.name)
		}
		*k.dst = b
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func marshal(s *Secrets) ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	enc := base64.StdEncoding
	data, err := json.MarshalIndent(fileJSON{
		Version:       Version,
		BlindIndexKey: enc.EncodeToString(s.BlindIndexKey),
		FakeSaltKey:   enc.EncodeToString(s.FakeSaltKey),
		IPHashKey:     enc.EncodeToString(s.IPHashKey),
		AtRest:        s.AtRest,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Save writes s to path atomically: readers see the old file or the new
// one, never a mix, and a crash leaves one of the two. The file has mode
// 0600. The directory must exist.
func Save(path string, s *Secrets) error {
	data, err := marshal(s)
	if err != nil {
		return fmt.Errorf("secrets: save %s: %w", path, err)
	}
	if err := writeAtomic(path, data, os.Rename); err != nil {
		return fmt.Errorf("secrets: save %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes data to a temporary file next to path, syncs it, and
// moves it into place with install (os.Rename, or a no-replace variant).
func writeAtomic(path string, data []byte, install func(tmp, path string) error) (err error) {
	dir := filepath.Dir(path)
	// Same directory, so that the rename cannot cross file systems.
	// CreateTemp already uses 0600; the Chmod makes it independent of that.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	// Without the sync, a crash soon after the rename can leave an empty
	// file under the final name on some file systems.
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := install(tmp, path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every platform can open and sync
	// a directory (Windows cannot), and the file is complete either way,
	// so this is best effort.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// linkNoReplace moves tmp to path unless path exists, in which case it
// fails with an error matching fs.ErrExist. A hard link is the portable way
// to get that; on file systems without hard links it falls back to a
// rename, which may replace a file created in the meantime.
func linkNoReplace(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// LoadOrCreate loads the secrets file at path, or, if there is none,
// generates secrets and writes them there, creating the parent directory
// with mode 0700 if needed. created reports whether the file was written.
// If two processes race to create the file, both end up with the one that
// was written first.
func LoadOrCreate(path string) (s *Secrets, created bool, err error) {
	s, err = Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("secrets: %w", err)
	}
	s, err = Generate()
	if err != nil {
		return nil, false, err
	}
	data, err := marshal(s)
	if err != nil {
		return nil, false, fmt.Errorf("secrets: create %s: %w", path, err)
	}
	err = writeAtomic(path, data, linkNoReplace)
	if errors.Is(err, fs.ErrExist) {
		s, err = Load(path)
		return s, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("secrets: create %s: %w", path, err)
	}
	return s, true, nil
}

// Rotate adds a new at-rest key to the secrets file at path and makes it
// primary, returning its id. The other keys are kept. Rotate does not lock
// the file: it expects the only other writer to be a person.
func Rotate(path string) (newPrimary uint32, err error) {
	s, err := Load(path)
	if err != nil {
		return 0, err
	}
	ks, err := s.AtRest.Rotate()
	if err != nil {
		return 0, fmt.Errorf("secrets: rotate: %w", err)
	}
	next := *s
	next.AtRest = ks
	if err := Save(path, &next); err != nil {
		return 0, err
	}
	return ks.PrimaryID(), nil
}

// Live holds the current secrets of a running server and re-reads the file
// when it changes, so that a rotation done by `sealkit keys rotate` reaches
// running servers without a restart. It is safe for concurrent use.
type Live struct {
	path string
	cur  atomic.Pointer[Secrets]

	mu   sync.Mutex  // serializes Reload
	last fs.FileInfo // the file as last loaded; nil until the first Reload
}

// NewLive returns a Live for the file at path that starts out with initial,
// normally the result of Load or LoadOrCreate on the same path. The first
// Reload reads the file regardless, in case it changed in between.
func NewLive(path string, initial *Secrets) *Live {
	l := &Live{path: path}
	l.cur.Store(initial)
	return l
}

// Current returns the secrets as last loaded. It is a single atomic load.
func (l *Live) Current() *Secrets { return l.cur.Load() }

// Reload re-reads the file if it changed since it was last loaded, judged
// by its identity, size and modification time (Save replaces the file, so
// each save is a new file). If the file cannot be read or is invalid,
// Current keeps its value and Reload returns the error.
func (l *Live) Reload() error {
	l.mu.Lock()
	defer l.mu.Unlock()

	f, err := os.Open(l.path)
	if err != nil {
		return fmt.Errorf("secrets: reload: %w", err)
	}
	defer f.Close()
	// Stat the open file, so that the stamp belongs to the bytes read.
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("secrets: reload: %w", err)
	}
	if l.last != nil && os.SameFile(l.last, fi) && l.last.Size() == fi.Size() && l.last.ModTime().Equal(fi.ModTime()) {
		return nil
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("secrets: reload: %w", err)
	}
	s, err := parse(data)
	if err != nil {
		return fmt.Errorf("secrets: reload %s: %w", l.path, err)
	}
	l.cur.Store(s)
	l.last = fi
	return nil
}

// Watch calls Reload now and then every interval until ctx is done. It
// passes Reload's errors to onError (if not nil), but a failure that
// repeats on every poll is reported only once, until it changes or the
// file loads again. An interval <= 0 means one second.
func (l *Live) Watch(ctx context.Context, every time.Duration, onError func(error)) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastErr string
	for {
		if err := l.Reload(); err != nil {
			if err.Error() != lastErr && onError != nil {
				onError(err)
			}
			lastErr = err.Error()
		} else {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
