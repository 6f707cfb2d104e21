//go:build !js

package jstest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestBrowserCSPDetector proves that the violation checks of the other
// browser tests can fail: a page that breaks the policy on purpose (an
// inline script, a string eval, new Function, an eval in a module worker)
// is blocked, its listener records the page's violations, and the server's
// report endpoint receives all of them, the worker's included.
func TestBrowserCSPDetector(t *testing.T) {
	t.Parallel()
	srv, b := startBrowserTest(t)
	var res struct {
		EvalResult      string `json:"evalResult"`
		FunctionResult  string `json:"functionResult"`
		WorkerResult    string `json:"workerResult"`
		InlineScriptRan bool   `json:"inlineScriptRan"`
	}
	if err := json.Unmarshal(b.open("csp-negative.html"), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.EvalResult, "EvalError") || !strings.HasPrefix(res.FunctionResult, "EvalError") || !strings.HasPrefix(res.WorkerResult, "EvalError") {
		t.Errorf("string eval was not blocked: eval → %q, new Function → %q, eval in a worker → %q", res.EvalResult, res.FunctionResult, res.WorkerResult)
	}
	if res.InlineScriptRan {
		t.Errorf("the inline script ran despite the policy")
	}

	v := b.pageViolations()
	evals := 0
	for _, e := range v {
		if e.EffectiveDirective == "script-src" && e.BlockedURI == "eval" {
			evals++
		}
	}
	if evals < 2 {
		t.Errorf("page listener saw %d eval violations, want 2 (eval and new Function); all: %+v", evals, v)
	}

	// The reports of the inline script, both evals of the page and the
	// worker's eval reach the server.
	page, worker := srv.URL+"/t/csp-negative.html", srv.URL+"/t/csp-negative-worker.js"
	var reps []cspReport
	start := time.Now()
	for {
		reps = srv.cspReports()
		inline, pageEval, workerEval := 0, 0, 0
		for _, r := range reps {
			switch {
			case r.BlockedURI == "inline" && r.DocumentURI == page:
				inline++
			case r.BlockedURI == "eval" && r.DocumentURI == page:
				pageEval++
			case r.BlockedURI == "eval" && r.DocumentURI == worker:
				workerEval++
			}
		}
		if inline >= 1 && pageEval >= 2 && workerEval >= 1 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("within 5 s the server got %d inline, %d page eval and %d worker eval reports, want ≥1, ≥2, ≥1: %+v", inline, pageEval, workerEval, reps)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("all reports arrived %v after the page was ready", time.Since(start).Round(time.Millisecond))
	for _, r := range reps {
		if r.DocumentURI != page && r.DocumentURI != worker || r.EffectiveDirective != "script-src-elem" && r.EffectiveDirective != "script-src" {
			t.Errorf("unexpected report: %+v", r)
		}
	}
}
