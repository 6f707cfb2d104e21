package webapp_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// BenchmarkSaltEndpoint measures the salt endpoint for a registered and an
// unregistered address on each database: the two should be alike (both
// padded to at least 100 ms). Reports p50/p99/max besides ns/op.
// scripts/bench-app.sh turns the output into docs/APP-BENCHMARKS.md.
func BenchmarkSaltEndpoint(b *testing.B) {
	for _, backend := range apptest.Backends {
		s := apptest.Start(b, apptest.NewDB(b, backend), &apptest.Options{Config: func(c *webapp.Config) { c.SaltLimit = 1 << 30 }})
		c := apptest.NewClient(s.URL)
		u := apptest.NewUser(b, "bench@example.test", "bench password 1")
		s.SignUp(b, c, u)
		for _, who := range []struct{ name, email string }{{"known", u.Email}, {"unknown", "nobody@example.test"}} {
			b.Run(backend+"/"+who.name, func(b *testing.B) {
				measure(b, 200, func() *apptest.Response {
					return c.JSON(b, "POST", "/api/auth/salt", map[string]string{"email": who.email})
				})
			})
		}
	}
}

// BenchmarkAPI measures the unpadded authenticated paths: login (auth key
// check + session) and GET /api/me (session lookup + at-rest decryption of
// five columns), on each database.
func BenchmarkAPI(b *testing.B) {
	for _, backend := range apptest.Backends {
		s := apptest.Start(b, apptest.NewDB(b, backend), &apptest.Options{Config: func(c *webapp.Config) { c.SaltLimit = 1 << 30 }})
		c := apptest.NewClient(s.URL)
		u := apptest.NewUser(b, "bench@example.test", "bench password 1")
		s.SignUp(b, c, u)
		login := map[string]string{"email": u.Email, "auth_key": b64.Encode(u.AuthKey)}
		b.Run(backend+"/login", func(b *testing.B) {
			measure(b, 200, func() *apptest.Response { return c.JSON(b, "POST", "/api/auth/login", login) })
		})
		b.Run(backend+"/me", func(b *testing.B) {
			measure(b, 200, func() *apptest.Response { return c.Do(b, "GET", "/api/me", "", nil) })
		})
	}
}

// measure times each request of the benchmark loop, fails on a status
// other than want, and reports the latency percentiles.
func measure(b *testing.B, want int, do func() *apptest.Response) {
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if r := do(); r.Status != want {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		lat = append(lat, time.Since(start))
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64(lat[0].Microseconds()), "min-µs")
}
