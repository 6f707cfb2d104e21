package webapp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// wasmAsset is sealkit.wasm with its precompressed copies. Its URL holds
// a hash of its content, so it can be cached for a year: a new build gets
// a new URL.
type wasmAsset struct {
	name            string // "sealkit.<hash>.wasm"
	plain, br, gzip []byte
}

func loadWasm(assets fs.FS) (*wasmAsset, error) {
	plain, err := fs.ReadFile(assets, "dist/sealkit.wasm")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(plain)
	a := &wasmAsset{name: "sealkit." + hex.EncodeToString(sum[:6]) + ".wasm", plain: plain}
	a.br, _ = fs.ReadFile(assets, "dist/sealkit.wasm.br")
	a.gzip, _ = fs.ReadFile(assets, "dist/sealkit.wasm.gz")
	return a, nil
}

func (s *Server) wasmURL() string {
	if s.wasm == nil {
		return "/static/sdk/dist/sealkit.missing.wasm"
	}
	return "/static/sdk/dist/" + s.wasm.name
}

// The page scripts, their CSS and the SDK's modules are served twice: at
// /static/app/…, /static/app.css and /static/sdk/… with no-cache (every
// use revalidates), for whoever links them by name; and under
// /static/v/<version>/…, where <version> is a hash of all of them, cached
// for a year. The layout links the versioned URLs, and the page scripts
// import the SDK by relative URL (../sdk/x.js), so a page's whole module
// graph comes from the browser's cache with no request at all until the
// next deploy changes the version. Without it, a returning user's
// dashboard revalidated some twenty modules (page and workers), six at a
// time over HTTP/1.1, before its first fetch of data.

// assetVersion is the hash of every file served under /static/v/<version>/:
// app holds the app's static/ files, sdk the SDK's (only its *.js and
// dist/wasm_exec.js are served there).
func assetVersion(app, sdk fs.FS) (string, error) {
	h := sha256.New()
	add := func(prefix string, fsys fs.FS, keep func(string) bool) error {
		return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(name) {
				return err
			}
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			// Name and length first, so that no two sets of files hash alike.
			fmt.Fprintf(h, "%s%s\x00%d\x00", prefix, name, len(b))
			h.Write(b)
			return nil
		})
	}
	if err := add("app/", app, func(string) bool { return true }); err != nil {
		return "", fmt.Errorf("webapp: hashing the app's assets: %w", err)
	}
	sdkModule := func(name string) bool {
		return name == "dist/wasm_exec.js" || !strings.Contains(name, "/") && strings.HasSuffix(name, ".js")
	}
	if err := add("sdk/", sdk, sdkModule); err != nil {
		return "", fmt.Errorf("webapp: hashing the SDK's modules: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:6]), nil
}

// staticRoot is where the layout links the app's assets from.
func (s *Server) staticRoot() string { return "/static/v/" + s.assetVersion }

// versionedStatic serves /static/v/{version}/{file...}: sdk/<module>.js
// and sdk/dist/wasm_exec.js from the SDK, anything else from the app's static/. The current
// version is cached for a year; another one (a page loaded before a
// deploy asking for one more module) gets today's file, revalidated as
// usual, rather than a 404 in the middle of its work.
func (s *Server) versionedStatic() http.Handler {
	app, _ := fs.Sub(appFiles, "static")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		fsys, name := app, file
		if rest, ok := strings.CutPrefix(file, "sdk/"); ok {
			module := strings.HasSuffix(rest, ".js") && !strings.Contains(rest, "/")
			if !module && rest != "dist/wasm_exec.js" { // the Go loader, which crypto.js imports

				http.NotFound(w, r)
				return
			}
			fsys, name = s.cfg.Assets, rest
		}
		if path.Clean("/"+file) != "/"+file || strings.HasSuffix(file, "/") {
			http.NotFound(w, r)
			return
		}
		if r.PathValue("version") == s.assetVersion {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		s.serveAsset(w, r, fsys, name)
	})
}

// acceptsEncoding reports whether the request's Accept-Encoding lists enc
// with a non-zero quality.
func acceptsEncoding(r *http.Request, enc string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), enc) {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") ||
				strings.Contains(params, "q=0.")
		}
	}
	return false
}

var zeroTime time.Time

// sdkDist serves dist/: the hashed wasm (brotli or gzip when accepted)
// and wasm_exec.js.
func (s *Server) sdkDist() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		if file == "wasm_exec.js" {
			s.serveAsset(w, r, s.cfg.Assets, "dist/wasm_exec.js")
			return
		}
		if s.wasm == nil || file != s.wasm.name {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/wasm")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("Vary", "Accept-Encoding")
		body := s.wasm.plain
		switch {
		case s.wasm.br != nil && acceptsEncoding(r, "br"):
			h.Set("Content-Encoding", "br")
			body = s.wasm.br
		case s.wasm.gzip != nil && acceptsEncoding(r, "gzip"):
			h.Set("Content-Encoding", "gzip")
			body = s.wasm.gzip
		}
		etag := strings.TrimSuffix(s.wasm.name, ".wasm")
		if enc := h.Get("Content-Encoding"); enc != "" {
			etag += "." + enc
		}
		h.Set("ETag", `"`+etag+`"`)
		http.ServeContent(w, r, "", zeroTime, bytes.NewReader(body))
	})
}

// sdkModule serves the SDK's top-level ES modules.
func (s *Server) sdkModule() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		if !strings.HasSuffix(file, ".js") || strings.Contains(file, "/") {
			http.NotFound(w, r)
			return
		}
		s.serveAsset(w, r, s.cfg.Assets, file)
	})
}

// appStatic serves the app's own CSS and page scripts.
func (s *Server) appStatic() http.Handler {
	sub, _ := fs.Sub(appFiles, "static")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An asset URL never ends in "/": such a path names a directory,
		// or a file under a second URL that would break relative imports.
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/static/")
		s.serveAsset(w, r, sub, name)
	})
}

// serveAsset serves a small text asset with a content ETag and
// revalidation on every use (their URLs carry no hash).
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	if !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		// A directory is not an asset: a 404 like a missing file, not a
		// server error to alert on.
		if fi, serr := fs.Stat(fsys, name); !errors.Is(err, fs.ErrNotExist) && (serr != nil || !fi.IsDir()) {
			s.log.Error("asset read failed", "name", name, "err", err)
		}
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(b)
	h := w.Header()
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js", ".mjs":
		ct = "text/javascript; charset=utf-8"
	case ".css":
		ct = "text/css; charset=utf-8"
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(b))
}
