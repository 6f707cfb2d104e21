package x25519

import (
	"encoding/hex"
	"testing"
)

// TestEdConsts checks the constants initEdConsts derives: √-1 squares to
// -1 and is RFC 8032's 2^((p-1)/4) (or its negation), and 2d is 2·d.
func TestEdConsts(t *testing.T) {
	edConstsOnce.Do(initEdConsts)
	var sq, one, minusOne fe
	feSq(&sq, &edI)
	feFromInt(&one, 1)
	feNeg(&minusOne, &one)
	if feBytes(&sq) != feBytes(&minusOne) {
		t.Fatalf("√-1 squared is %x", feBytes(&sq))
	}
	// 19681161376707505956807079304988542015446066515923890162744021073123829784752, little-endian.
	want, _ := hex.DecodeString("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b")
	got := feBytes(&edI)
	var neg fe
	feNeg(&neg, &edI)
	if gn := feBytes(&neg); string(got[:]) != string(want) && string(gn[:]) != string(want) {
		t.Fatalf("√-1 = %x", got)
	}
	var d2 fe
	feAdd(&d2, &edDc, &edDc)
	if feBytes(&d2) != feBytes(&ed2D) {
		t.Fatal("2d")
	}
	// d, little-endian: 37095705934669439343138083508754565189542113879843219016388785533085940283555.
	wantD, _ := hex.DecodeString("a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352")
	if gd := feBytes(&edDc); string(gd[:]) != string(wantD) {
		t.Fatalf("d = %x", gd)
	}
}

// TestEdRoundTrip decodes the encodings of random multiples of B and
// re-encodes them, and checks that y values with no point are refused.
func TestEdRoundTrip(t *testing.T) {
	for i := range 64 {
		var a [32]byte
		a[0], a[5], a[31] = byte(i), byte(3*i), byte(i&127)
		var enc [32]byte
		EdBaseMult(&enc, &a)
		var p geP3
		if !edDecode(&p, &enc) {
			t.Fatalf("%x does not decode", enc)
		}
		if back := edEncode(&p); back != enc {
			t.Fatalf("%x decodes and encodes to %x", enc, back)
		}
	}
	var p geP3
	if edDecode(&p, &[32]byte{2}) {
		t.Fatal("y = 2 decodes")
	}
}

func BenchmarkEdBaseMult(b *testing.B) {
	a := [32]byte{1, 2, 3, 31: 64}
	var out [32]byte
	for b.Loop() {
		EdBaseMult(&out, &a)
	}
}

func BenchmarkEdVerifyCombination(b *testing.B) {
	a := [32]byte{1, 2, 3, 31: 64}
	var pub, out [32]byte
	EdBaseMult(&pub, &a)
	k := [32]byte{5, 6, 7, 31: 15}
	for b.Loop() {
		EdVerifyCombination(&out, &pub, &k, &a)
	}
}
