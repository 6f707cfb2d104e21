// Package ops is the one list of operations sealkit benchmarks: the Go
// benchmarks (bench_test.go), the report generator (internal/benchreport)
// and the peer runners (bench/libsodium.mjs, bench/wasm.mjs) all use these
// IDs.
//
// An Op's ID is "<Group>/<Name>", which is also its Go benchmark name
// without the "Benchmark" prefix (BenchmarkSecretbox/Encrypt/1KiB). A peer
// runner reports ns/op keyed by the same IDs; a runner that has no
// equivalent of an operation simply leaves it out.
//
// Inputs are fixed here so that every runner can use the same ones: the
// sizes in Bytes, Password and Salt for Argon2id, BlindIndexValue, and a
// fresh random key per operation. Setup checks a round trip before
// anything is timed, so a benchmark run with -benchtime 1x is also a smoke
// test.
package ops

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"github.com/sealkit/sealkit"
)

// Shared inputs; bench/harness.mjs has the same values for the Node runners.
const (
	// Password and Salt are the Argon2id inputs.
	Password = "correct horse battery staple"
	// BlindIndexValue is what the blind index is taken of (17 bytes).
	BlindIndexValue = "alice@example.com"
	// BlindIndexKeySize is the server key size for the blind index.
	BlindIndexKeySize = 32
	// SealedKeySize is the plaintext of box and hybrid seals: a 32-byte
	// per-resource key, which is what applications seal to users.
	SealedKeySize = 32
)

// Salt is the Argon2id salt: bytes 0x00…0x0f.
var Salt = func() []byte {
	s := make([]byte, sealkit.SaltSize)
	for i := range s {
		s[i] = byte(i)
	}
	return s
}()

// Op is one benchmarked operation.
type Op struct {
	// Group is the section of the report and the Go benchmark function
	// (BenchmarkGroup); Name the row and the sub-benchmark.
	Group, Name string
	// What says, in a few words, what one iteration does.
	What string
	// Bytes is the payload size reported through b.SetBytes; 0 for none.
	Bytes int64
	// Setup prepares inputs, checks a round trip and returns the function
	// that is timed. It runs once per benchmark, outside the timer.
	Setup func() (run func() error, err error)
}

// ID is "<Group>/<Name>", the key every runner reports under.
func (o Op) ID() string { return o.Group + "/" + o.Name }

// Group describes one section of the report.
type Group struct {
	Name string
	// API names the sealkit functions measured.
	API string
	// Peers says what the peer columns measure for this group.
	Peers string
}

// Groups lists the groups in report order.
var Groups = []Group{
	{"Random", "GenerateKey: a 32-byte key from the system generator (every encrypt and seal below draws randomness too)",
		"libsodium.js: `crypto_secretbox_keygen` (`randombytes_buf` through Emscripten's JavaScript random hook)."},
	{"Secretbox", "EncryptSecretbox / DecryptSecretbox (XSalsa20-Poly1305, nonce prepended)",
		"libsodium.js: `randombytes_buf(24)` + `crypto_secretbox_easy` / `crypto_secretbox_open_easy`."},
	{"Box", "GenerateKeyPair, BoxSeal / BoxSealOpen of a 32-byte key",
		"libsodium.js: `crypto_box_keypair`, `crypto_box_seal`, `crypto_box_seal_open`."},
	{"Hybrid", "GenerateHybridKeyPair, HybridSeal / HybridOpen of a 32-byte key (open starts from the 32-byte seed)",
		"libsodium.js (Cat-3 only): `crypto_kem_xwing_keypair` / `_enc` / `_dec` + libsodium secretbox — the whole tag-0x02 seal. " +
			"noble, Cat-3: `ml_kem768_x25519` (X-Wing) + libsodium secretbox. " +
			"noble, Cat-1/Cat-5: noble `ml_kem512`/`ml_kem1024` + noble `x25519` + noble SHAKE256/SHA3-256 (the X-Wing construction at the other sizes) + libsodium secretbox. " +
			"Every peer open also starts from the 32-byte seed."},
	{"SealForUser", "SealForUser of a 32-byte key: to an X25519 key only (sealed box) or with a Cat-3 PQ key (hybrid)",
		"Same peer constructions as Box/Seal and Hybrid/Seal/Cat3."},
	{"UnsealFromUser", "UnsealFromUser by a user holding both keys: a sealed-box blob (not hybrid-looking, goes straight to the box) or a Cat-3 hybrid blob",
		"Same peer constructions as Box/Open and Hybrid/Open/Cat3."},
	{"DeriveSessionKey", "DeriveSessionKey: Argon2id v1.3, t=2, 64 MiB, p=1, 32-byte output",
		"libsodium.js: `crypto_pwhash(32, …, OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE, ALG_ARGON2ID13)`."},
	{"PrivateKey", "EncryptPrivateKey / DecryptPrivateKey of an X25519 key (secretbox over its base64 text)",
		"libsodium.js: `to_base64` + secretbox / secretbox open + `from_base64`."},
	{"RecoveryKey", "GenerateRecoveryKey, RecoveryKeyToSecret",
		"No libsodium equivalent (the crate's own text format)."},
	{"BlindIndex", "BlindIndex: HMAC-SHA512 with a 32-byte key over a 17-byte value",
		"libsodium.js: `crypto_auth_hmacsha512` (32-byte key)."},
	{"Base64", "EncodeBase64 / DecodeBase64 (strict, padded standard alphabet)",
		"libsodium.js: `to_base64` / `from_base64` with `base64_variants.ORIGINAL`."},
}

// All is every operation, in report order.
var All = build()

// Match returns the operations whose ID matches the regular expression
// (all of them for the empty string).
func Match(expr string) ([]Op, error) {
	if expr == "" {
		return All, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	var out []Op
	for _, o := range All {
		if re.MatchString(o.ID()) {
			out = append(out, o)
		}
	}
	return out, nil
}

// SizeName names a payload size as the IDs do: 64B, 1KiB, 1MiB.
func SizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// SecretboxSizes are the secretbox payloads.
var SecretboxSizes = []int{64, 1 << 10, 1 << 20}

// Levels are the hybrid levels in report order.
var Levels = []sealkit.Level{sealkit.Cat1, sealkit.Cat3, sealkit.Cat5}

// levelName is "Cat1", "Cat3" or "Cat5".
func levelName(l sealkit.Level) string {
	return map[sealkit.Level]string{sealkit.Cat1: "Cat1", sealkit.Cat3: "Cat3", sealkit.Cat5: "Cat5"}[l]
}

// payload returns n deterministic bytes (i*31+7 mod 256); content does not
// affect the timing of any operation here.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + 7)
	}
	return b
}

// Results that would otherwise be dropped go here, so that the compiler
// cannot keep them on the stack or drop the call. They are written and
// never read, which is the point.
var (
	//lint:ignore U1000 a benchmark sink: written only, to keep results on the heap
	sinkBytes []byte
	//lint:ignore U1000 a benchmark sink: written only, to keep results on the heap
	sinkString string
)

var errRoundTrip = errors.New("round trip returned different bytes")

func same(got, want []byte) error {
	if !bytes.Equal(got, want) {
		return errRoundTrip
	}
	return nil
}

func build() []Op {
	var ops []Op

	ops = append(ops, Op{Group: "Random", Name: "GenerateKey", What: "32 random bytes",
		Setup: func() (func() error, error) {
			if a, b := sealkit.GenerateKey(), sealkit.GenerateKey(); len(a) != sealkit.KeySize || bytes.Equal(a, b) {
				return nil, errors.New("GenerateKey is not 32 fresh bytes")
			}
			return func() error {
				sinkBytes = sealkit.GenerateKey()
				return nil
			}, nil
		}})

	for _, n := range SecretboxSizes {
		size := SizeName(n)
		ops = append(ops,
			Op{Group: "Secretbox", Name: "Encrypt/" + size, Bytes: int64(n),
				What: "encrypt " + size + " with a fresh nonce",
				Setup: func() (func() error, error) {
					key, pt := sealkit.GenerateKey(), payload(n)
					ct, err := sealkit.EncryptSecretbox(pt, key)
					if err != nil {
						return nil, err
					}
					got, err := sealkit.DecryptSecretbox(ct, key)
					if err != nil {
						return nil, err
					}
					return func() error {
						_, err := sealkit.EncryptSecretbox(pt, key)
						return err
					}, same(got, pt)
				}},
			Op{Group: "Secretbox", Name: "Decrypt/" + size, Bytes: int64(n),
				What: "decrypt and authenticate " + size,
				Setup: func() (func() error, error) {
					key, pt := sealkit.GenerateKey(), payload(n)
					ct, err := sealkit.EncryptSecretbox(pt, key)
					if err != nil {
						return nil, err
					}
					got, err := sealkit.DecryptSecretbox(ct, key)
					if err != nil {
						return nil, err
					}
					return func() error {
						_, err := sealkit.DecryptSecretbox(ct, key)
						return err
					}, same(got, pt)
				}},
		)
	}

	ops = append(ops,
		Op{Group: "Box", Name: "KeyPair", What: "new X25519 key pair",
			Setup: func() (func() error, error) {
				return func() error {
					_, _, err := sealkit.GenerateKeyPair()
					return err
				}, nil
			}},
		Op{Group: "Box", Name: "Seal/32B", What: "crypto_box_seal of 32 bytes",
			Setup: func() (func() error, error) {
				pub, priv, pt, ct, err := boxFixture()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.BoxSealOpen(ct, pub, priv)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.BoxSeal(pt, pub)
					return err
				}, same(got, pt)
			}},
		Op{Group: "Box", Name: "Open/32B", What: "crypto_box_seal_open of 32 bytes",
			Setup: func() (func() error, error) {
				pub, priv, pt, ct, err := boxFixture()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.BoxSealOpen(ct, pub, priv)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.BoxSealOpen(ct, pub, priv)
					return err
				}, same(got, pt)
			}},
	)

	for _, l := range Levels {
		name := levelName(l)
		label := "Cat-" + name[len("Cat"):] // Cat-1, as the docs write it
		ops = append(ops,
			Op{Group: "Hybrid", Name: "KeyPair/" + name, What: "new seed and its " + label + " public key",
				Setup: func() (func() error, error) {
					pub, _, err := sealkit.GenerateHybridKeyPair(l)
					if err != nil {
						return nil, err
					}
					if len(pub) != l.PublicKeySize() {
						return nil, fmt.Errorf("%v public key of %d bytes", l, len(pub))
					}
					return func() error {
						_, _, err := sealkit.GenerateHybridKeyPair(l)
						return err
					}, nil
				}},
			Op{Group: "Hybrid", Name: "Seal/" + name, What: label + " seal of 32 bytes",
				Setup: func() (func() error, error) {
					pub, seed, pt, ct, err := hybridFixture(l)
					if err != nil {
						return nil, err
					}
					got, err := sealkit.HybridOpen(ct, seed)
					if err != nil {
						return nil, err
					}
					return func() error {
						_, err := sealkit.HybridSeal(pt, pub)
						return err
					}, same(got, pt)
				}},
			Op{Group: "Hybrid", Name: "Open/" + name, What: label + " open of 32 bytes from the seed",
				Setup: func() (func() error, error) {
					_, seed, pt, ct, err := hybridFixture(l)
					if err != nil {
						return nil, err
					}
					got, err := sealkit.HybridOpen(ct, seed)
					if err != nil {
						return nil, err
					}
					return func() error {
						_, err := sealkit.HybridOpen(ct, seed)
						return err
					}, same(got, pt)
				}},
		)
	}

	ops = append(ops,
		Op{Group: "SealForUser", Name: "Box/32B", What: "no PQ key: sealed box",
			Setup: func() (func() error, error) {
				u, err := newUser()
				if err != nil {
					return nil, err
				}
				ct, err := sealkit.SealForUser(u.pt, u.pub, nil)
				if err != nil {
					return nil, err
				}
				if len(ct) != SealedKeySize+sealkit.BoxSealOverhead {
					return nil, fmt.Errorf("sealed box of %d bytes", len(ct))
				}
				if err := u.check(ct); err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.SealForUser(u.pt, u.pub, nil)
					return err
				}, nil
			}},
		Op{Group: "SealForUser", Name: "HybridCat3/32B", What: "with a PQ key: Cat-3 hybrid seal",
			Setup: func() (func() error, error) {
				u, err := newUser()
				if err != nil {
					return nil, err
				}
				ct, err := sealkit.SealForUser(u.pt, u.pub, u.pqPub)
				if err != nil {
					return nil, err
				}
				if !sealkit.IsHybridCiphertext(ct) {
					return nil, errors.New("SealForUser with a PQ key did not make a hybrid seal")
				}
				if err := u.check(ct); err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.SealForUser(u.pt, u.pub, u.pqPub)
					return err
				}, nil
			}},
		Op{Group: "UnsealFromUser", Name: "Box/32B", What: "sealed-box blob, user also has a PQ seed",
			Setup: func() (func() error, error) {
				u, err := newUser()
				if err != nil {
					return nil, err
				}
				ct, err := sealkit.SealForUser(u.pt, u.pub, nil)
				if err != nil {
					return nil, err
				}
				return u.unseal(ct)
			}},
		Op{Group: "UnsealFromUser", Name: "HybridCat3/32B", What: "Cat-3 hybrid blob",
			Setup: func() (func() error, error) {
				u, err := newUser()
				if err != nil {
					return nil, err
				}
				ct, err := sealkit.SealForUser(u.pt, u.pub, u.pqPub)
				if err != nil {
					return nil, err
				}
				return u.unseal(ct)
			}},
	)

	ops = append(ops, Op{Group: "DeriveSessionKey", Name: "Argon2id-Interactive", What: "Argon2id t=2 m=64MiB p=1",
		Setup: func() (func() error, error) {
			a, err := sealkit.DeriveSessionKey(Password, Salt)
			if err != nil {
				return nil, err
			}
			b, err := sealkit.DeriveSessionKey(Password, Salt)
			if err != nil {
				return nil, err
			}
			if len(a) != sealkit.KeySize {
				return nil, fmt.Errorf("session key of %d bytes", len(a))
			}
			return func() error {
				_, err := sealkit.DeriveSessionKey(Password, Salt)
				return err
			}, same(b, a)
		}})

	ops = append(ops,
		Op{Group: "PrivateKey", Name: "Encrypt", What: "wrap a 32-byte private key under a session key",
			Setup: func() (func() error, error) {
				priv, sk, ct, err := wrapFixture()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.DecryptPrivateKey(ct, sk)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.EncryptPrivateKey(priv, sk)
					return err
				}, same(got, priv)
			}},
		Op{Group: "PrivateKey", Name: "Decrypt", What: "unwrap it",
			Setup: func() (func() error, error) {
				priv, sk, ct, err := wrapFixture()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.DecryptPrivateKey(ct, sk)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.DecryptPrivateKey(ct, sk)
					return err
				}, same(got, priv)
			}},
	)

	ops = append(ops,
		Op{Group: "RecoveryKey", Name: "Generate", What: "new recovery key and its secret",
			Setup: func() (func() error, error) {
				rk, err := sealkit.GenerateRecoveryKey()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.RecoveryKeyToSecret(rk.Key)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.GenerateRecoveryKey()
					return err
				}, same(got, rk.Secret)
			}},
		Op{Group: "RecoveryKey", Name: "ToSecret", What: "decode a 76-character recovery key",
			Setup: func() (func() error, error) {
				rk, err := sealkit.GenerateRecoveryKey()
				if err != nil {
					return nil, err
				}
				got, err := sealkit.RecoveryKeyToSecret(rk.Key)
				if err != nil {
					return nil, err
				}
				return func() error {
					_, err := sealkit.RecoveryKeyToSecret(rk.Key)
					return err
				}, same(got, rk.Secret)
			}},
	)

	ops = append(ops, Op{Group: "BlindIndex", Name: "17B",
		What: "HMAC-SHA512 of " + BlindIndexValue,
		Setup: func() (func() error, error) {
			key, value := payload(BlindIndexKeySize), []byte(BlindIndexValue)
			if a, b := sealkit.BlindIndex(key, value), sealkit.BlindIndex(key, value); len(a) != sealkit.BlindIndexSize || !bytes.Equal(a, b) {
				return nil, errors.New("blind index is not a stable 64-byte value")
			}
			return func() error {
				sinkBytes = sealkit.BlindIndex(key, value)
				return nil
			}, nil
		}})

	// 32 bytes is a key; 1216 bytes is a Cat-3 hybrid public key.
	for _, n := range []int{32, 1216} {
		size := SizeName(n)
		ops = append(ops,
			Op{Group: "Base64", Name: "Encode/" + size, Bytes: int64(n), What: "encode " + size,
				Setup: func() (func() error, error) {
					b := payload(n)
					got, err := sealkit.DecodeBase64(sealkit.EncodeBase64(b))
					if err != nil {
						return nil, err
					}
					return func() error {
						sinkString = sealkit.EncodeBase64(b)
						return nil
					}, same(got, b)
				}},
			Op{Group: "Base64", Name: "Decode/" + size, Bytes: int64(n), What: "strict decode to " + size,
				Setup: func() (func() error, error) {
					b := payload(n)
					s := sealkit.EncodeBase64(b)
					got, err := sealkit.DecodeBase64(s)
					if err != nil {
						return nil, err
					}
					return func() error {
						_, err := sealkit.DecodeBase64(s)
						return err
					}, same(got, b)
				}},
		)
	}
	return ops
}

func boxFixture() (pub, priv, pt, ct []byte, err error) {
	pub, priv, err = sealkit.GenerateKeyPair()
	if err != nil {
		return
	}
	pt = payload(SealedKeySize)
	ct, err = sealkit.BoxSeal(pt, pub)
	return
}

func hybridFixture(l sealkit.Level) (pub, seed, pt, ct []byte, err error) {
	pub, seed, err = sealkit.GenerateHybridKeyPair(l)
	if err != nil {
		return
	}
	pt = payload(SealedKeySize)
	ct, err = sealkit.HybridSeal(pt, pub)
	if err == nil && ct[0] != l.Tag() {
		err = fmt.Errorf("%v seal starts with tag %#x", l, ct[0])
	}
	return
}

func wrapFixture() (priv, sessionKey, ct []byte, err error) {
	_, priv, err = sealkit.GenerateKeyPair()
	if err != nil {
		return
	}
	// A session key is 32 bytes, like any secretbox key.
	sessionKey = sealkit.GenerateKey()
	ct, err = sealkit.EncryptPrivateKey(priv, sessionKey)
	return
}

// user holds both key pairs of one user and a 32-byte key to seal.
type user struct {
	pub, priv, pqPub, pqSeed, pt []byte
}

func newUser() (*user, error) {
	pub, priv, err := sealkit.GenerateKeyPair()
	if err != nil {
		return nil, err
	}
	pqPub, pqSeed, err := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	if err != nil {
		return nil, err
	}
	return &user{pub: pub, priv: priv, pqPub: pqPub, pqSeed: pqSeed, pt: payload(SealedKeySize)}, nil
}

func (u *user) check(ct []byte) error {
	got, err := sealkit.UnsealFromUser(ct, u.pub, u.priv, u.pqSeed)
	if err != nil {
		return err
	}
	return same(got, u.pt)
}

func (u *user) unseal(ct []byte) (func() error, error) {
	if err := u.check(ct); err != nil {
		return nil, err
	}
	return func() error {
		_, err := sealkit.UnsealFromUser(ct, u.pub, u.priv, u.pqSeed)
		return err
	}, nil
}
