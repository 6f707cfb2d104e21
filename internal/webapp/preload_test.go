package webapp

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	sdk "github.com/sealkit/sealkit/js"
)

// TestModulePreloads: the dashboard lists every module its script reaches
// (so none waits for its importer), and the scan reads the forms of
// import and export the files use, ignoring look-alikes in code.
func TestModulePreloads(t *testing.T) {
	app, _ := fs.Sub(appFiles, "static/app")
	got, err := modulePreloads(pageNames, app, sdk.Files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"app/announcements.js", "app/common.js", "app/history.js", "app/keys.js", "app/places.js",
		"sdk/account.js", "sdk/authkey.js", "sdk/errors.js", "sdk/index.js",
		"sdk/keycache.js", "sdk/keystore.js", "sdk/ops.js",
	}
	if !slices.Equal(got["habits"], want) {
		t.Errorf("habits preloads %v, want %v", got["habits"], want)
	}
	for _, p := range pageNames {
		if _, ok := got[p]; !ok {
			t.Errorf("no preload list for page %s", p)
		}
	}

	files := fstest.MapFS{
		"a.js": {Data: []byte("import x, { y,\n  z } from \"./b.js\";\nimport \"../sdk/s.js\";\nexport * from './c.js';\n" +
			"export class E extends Error { constructor() { super(\"not an import from 'nowhere.js'\"); } }\n  import(\"./lazy.js\");\n")},
		"b.js": {Data: []byte("export { q } from \"../app/a.js\";\n")},
		"c.js": {Data: []byte("import * as m from \"./b.js\";\n")},
	}
	sdkFiles := fstest.MapFS{"s.js": {Data: []byte("// no imports\n")}}
	got, err = modulePreloads([]string{"a"}, files, sdkFiles)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app/b.js", "app/c.js", "sdk/s.js"}; !slices.Equal(got["a"], want) {
		t.Errorf("preloads %v, want %v", got["a"], want)
	}
	for _, spec := range []string{"bare-package", "/static/sdk/s.js"} {
		files["c.js"] = &fstest.MapFile{Data: []byte("import m from \"" + spec + "\";\n")}
		if _, err := modulePreloads([]string{"a"}, files, sdkFiles); err == nil {
			t.Errorf("the import of %q was accepted", spec)
		}
	}
}
