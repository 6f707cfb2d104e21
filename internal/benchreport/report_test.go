package main

import "testing"

func TestKeepMarked(t *testing.T) {
	old := "# old report\n\n<!-- load-habits:start -->\n## Load\n\n| a |\n<!-- load-habits:end -->\n\ntrailing\n<!-- broken:start -->\nno end\n"
	got := string(keepMarked([]byte("# new report\n\nnumbers\n"), []byte(old)))
	want := "# new report\n\nnumbers\n\n<!-- load-habits:start -->\n## Load\n\n| a |\n<!-- load-habits:end -->\n"
	if got != want {
		t.Errorf("keepMarked:\n%s\nwant:\n%s", got, want)
	}
	if got := string(keepMarked([]byte("# new\n"), nil)); got != "# new\n" {
		t.Errorf("without an old report: %q", got)
	}
	// Kept once: regenerating twice does not duplicate the section.
	twice := string(keepMarked([]byte(want), []byte(old)))
	if twice != want {
		t.Errorf("kept twice:\n%s", twice)
	}
}
