package x25519

import (
	"math/bits"
	"testing"
)

// TestLadderBounds checks by interval arithmetic that no int64 in the
// ladder of ladder.go overflows, with gen.go's floor carries (c = h >> b,
// h &= 2^b-1, limbs in [0, 2^b) instead of ref10's [-2^(b-1), 2^(b-1)]).
// It follows one ladder step from limb intervals L for x2, z2, x3, z3 and
// ref10's bounds for x1 (feFromBytes), widens L by the step's outputs
// until it no longer grows, and requires every product row's
// Σ|coefficient·product| to stay below 2^62 (2^63 is the limit).
func TestLadderBounds(t *testing.T) {
	type iv struct{ lo, hi int64 }
	type el [10]iv
	limbBits := func(i int) uint { return 26 - uint(i)%2 }
	var worst uint64
	add := func(a, b el) (r el) {
		for i := range r {
			r[i] = iv{a[i].lo + b[i].lo, a[i].hi + b[i].hi}
		}
		return
	}
	sub := func(a, b el) (r el) {
		for i := range r {
			r[i] = iv{a[i].lo - b[i].hi, a[i].hi - b[i].lo}
		}
		return
	}
	abs := func(x int64) uint64 {
		if x < 0 {
			return uint64(-x)
		}
		return uint64(x)
	}
	rows := func(a, b el, square bool) (r el) {
		for k := range 10 {
			var lo, hi int64
			var sum uint64
			for i := range 10 {
				j := (k - i + 10) % 10
				m := int64(1)
				if square {
					if j < i {
						continue
					}
					if i != j {
						m = 2
					}
				}
				if i%2 == 1 && j%2 == 1 {
					m *= 2
				}
				if i+j >= 10 {
					m *= 19
				}
				ps := []int64{a[i].lo * b[j].lo, a[i].lo * b[j].hi, a[i].hi * b[j].lo, a[i].hi * b[j].hi}
				pl, ph := ps[0], ps[0]
				for _, p := range ps {
					pl, ph = min(pl, p), max(ph, p)
				}
				lo += m * pl
				hi += m * ph
				sum += uint64(m) * max(abs(pl), abs(ph))
			}
			if sum >= 1<<62 {
				t.Fatalf("row %d may reach %d (2^%d)", k, sum, bits.Len64(sum))
			}
			worst = max(worst, sum)
			r[k] = iv{lo, hi}
		}
		return
	}
	carryOne := func(h *el, a int) {
		b := limbBits(a)
		c := iv{h[a].lo >> b, h[a].hi >> b}
		if c.lo == c.hi {
			h[a] = iv{h[a].lo - c.lo<<b, h[a].hi - c.lo<<b}
		} else {
			h[a] = iv{0, 1<<b - 1}
		}
		n, m := (a+1)%10, int64(1)
		if a == 9 {
			m = 19
		}
		h[n] = iv{h[n].lo + m*c.lo, h[n].hi + m*c.hi}
	}
	carry := func(h el, order ...int) el {
		for _, a := range order {
			carryOne(&h, a)
		}
		return h
	}
	mulOrder := []int{0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0}
	mul := func(a, b el) el { return carry(rows(a, b, false), mulOrder...) }
	sq := func(a el) el { return carry(rows(a, a, true), mulOrder...) }
	hull := func(a, b el) (r el) {
		for i := range r {
			r[i] = iv{min(a[i].lo, b[i].lo), max(a[i].hi, b[i].hi)}
		}
		return
	}

	var x1, L el
	for i := range x1 {
		x1[i] = iv{-1 << (limbBits(i) - 1), 1 << (limbBits(i) - 1)}
	}
	L = x1
	L[0].hi = max(L[0].hi, 1) // x2 = 1, z2 = 0, z3 = 1 at the start
	for n := 0; ; n++ {
		if n == 50 {
			t.Fatal("limb bounds do not converge")
		}
		a, b, c, d := add(L, L), sub(L, L), add(L, L), sub(L, L)
		da, cb, aa, bb := mul(d, a), mul(c, b), sq(a), sq(b)
		x3 := sq(add(da, cb))
		z3 := mul(x1, sq(sub(da, cb)))
		x2 := mul(aa, bb)
		e := sub(aa, bb)
		var s el
		for i := range s {
			s[i] = iv{121666*e[i].lo + bb[i].lo, 121666*e[i].hi + bb[i].hi}
		}
		s = carry(s, 9, 1, 3, 5, 7, 0, 2, 4, 6, 8)
		z2 := mul(e, s)
		next := hull(hull(hull(hull(L, x3), z3), x2), z2)
		if next == L {
			break
		}
		L = next
	}
	// The ladder's output goes to feMul/feSq/feInvert, whose ref10 input
	// bounds are 1.65·2^26 and 1.65·2^25 in magnitude.
	for i, v := range L {
		if bound := int64(165) << limbBits(i) / 100; v.lo < -bound || v.hi > bound {
			t.Errorf("limb %d in [%d, %d], beyond ref10's ±%d", i, v.lo, v.hi, bound)
		}
	}
	t.Logf("largest row bound 2^%d", bits.Len64(worst))
}
