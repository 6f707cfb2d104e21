package webapp

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// A page's script is a module whose imports import more modules: the
// browser learns of each level only once the level above has arrived and
// been parsed, so the dashboard waited four round trips (habits.js →
// common.js → the SDK's index.js → its errors.js, ops.js, …) before its
// first fetch of data could start. The layout therefore lists every module
// a page's script reaches as <link rel="modulepreload">, and the browser
// fetches them all at once while it parses the HTML.
//
// The list is computed once at start from the embedded files, so it cannot
// go stale; only static import/export-from statements count (the pages use
// no dynamic import()). Workers have their own module map and are not
// listed: theirs come from the HTTP cache.

// importSpec matches the specifier of `import … from "x"`, `import "x"`
// and `export … from "x"` at the start of a line, which is how every
// module here writes them: the clause before `from` is a default name, a
// namespace (`* as x`) and/or one braced list.
var importSpec = regexp.MustCompile(`(?m)^(?:(?:import|export)\s+(?:[\w$]+\s*,\s*)?(?:\*(?:\s+as\s+[\w$]+)?|[\w$]+|\{[^}]*\})\s*from\s*|import\s*)["']([^"']+)["']`)

// modulePreloads returns, for each of pages, the modules its script
// imports directly or indirectly, sorted, without the script itself, as
// paths under the static root ("app/common.js", "sdk/index.js"). app holds static/app/*.js; sdk the SDK's files (package js).
func modulePreloads(pages []string, app, sdk fs.FS) (map[string][]string, error) {
	read := func(url string) (string, error) {
		var b []byte
		var err error
		switch {
		case strings.HasPrefix(url, "/static/app/"):
			b, err = fs.ReadFile(app, strings.TrimPrefix(url, "/static/app/"))
		case strings.HasPrefix(url, "/static/sdk/"):
			b, err = fs.ReadFile(sdk, strings.TrimPrefix(url, "/static/sdk/"))
		default:
			return "", fmt.Errorf("webapp: module %s is neither an app nor an SDK file", url)
		}
		return string(b), err
	}
	out := map[string][]string{}
	for _, p := range pages {
		root := "/static/app/" + p + ".js"
		seen := map[string]bool{root: true}
		queue := []string{root}
		for len(queue) > 0 {
			url := queue[0]
			queue = queue[1:]
			src, err := read(url)
			if err != nil {
				return nil, fmt.Errorf("webapp: page %s: %w", p, err)
			}
			for _, m := range importSpec.FindAllStringSubmatch(src, -1) {
				dep := m[1]
				switch {
				case strings.HasPrefix(dep, "./") || strings.HasPrefix(dep, "../"):
					dep = path.Join(path.Dir(url), dep)
				case strings.HasPrefix(dep, "/"):
					// An absolute URL would leave the versioned tree (static.go)
					// and be revalidated on every page.
					return nil, fmt.Errorf("webapp: %s imports %q by absolute URL: import it relatively (../sdk/x.js), so that it is cached under the assets' version", url, dep)
				default:
					return nil, fmt.Errorf("webapp: %s imports %q, which a browser cannot resolve", url, dep)
				}
				if !seen[dep] {
					seen[dep] = true
					queue = append(queue, dep)
				}
			}
		}
		delete(seen, root)
		list := make([]string, 0, len(seen))
		for u := range seen {
			list = append(list, strings.TrimPrefix(u, "/static/"))
		}
		sort.Strings(list)
		out[p] = list
	}
	return out, nil
}
