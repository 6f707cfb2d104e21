package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every code block of docs/GUIDE.md is whole lines of the file under
// examples/notes that the text names last before it, so the guide cannot
// drift from code that compiles and is tested.
func TestGuideQuotesTheExample(t *testing.T) {
	guide, err := os.ReadFile("../../docs/GUIDE.md")
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`examples/notes/([^`]+)`")
	var text, block []string
	inBlock, blocks, line := false, 0, 0
	for i, l := range strings.Split(string(guide), "\n") {
		switch {
		case strings.HasPrefix(l, "```") && !inBlock:
			inBlock, block, line = true, nil, i+1
		case strings.HasPrefix(l, "```"):
			inBlock = false
			blocks++
			names := named.FindAllStringSubmatch(strings.Join(text, "\n"), -1)
			if names == nil {
				t.Errorf("GUIDE.md:%d: the text before the block names no file of examples/notes", line)
				continue
			}
			name := names[len(names)-1][1]
			src, err := os.ReadFile(filepath.FromSlash(name))
			if err != nil {
				t.Errorf("GUIDE.md:%d: %v", line, err)
				continue
			}
			if !strings.Contains("\n"+string(src), "\n"+strings.Join(block, "\n")+"\n") {
				t.Errorf("GUIDE.md:%d: the block is not whole lines of examples/notes/%s", line, name)
			}
			text = nil
		case inBlock:
			block = append(block, l)
		default:
			text = append(text, l)
		}
	}
	if inBlock {
		t.Errorf("GUIDE.md:%d: unterminated code block", line)
	}
	if blocks < 10 {
		t.Errorf("GUIDE.md has %d code blocks; is this the guide?", blocks)
	}
}
