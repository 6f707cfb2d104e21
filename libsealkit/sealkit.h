/*
 * sealkit.h — libsealkit, the sealkit crypto core as a C library.
 *
 * Every format is byte-compatible with the Rust crate metamorphic-crypto,
 * the sealkit Go package, its WebAssembly build and the JS SDK
 * (docs/PROTOCOL.md, the wire format in docs/ARCHITECTURE.md). Build with
 * `make lib`: build/lib/libsealkit.so, build/lib/libsealkit.a (link the
 * archive with -lpthread), build/include/sealkit.h.
 *
 * CONVENTIONS (they hold for every function unless its comment says
 * otherwise)
 *
 * Status. Every function but sealkit_free, sealkit_free_string and
 * sealkit_error_name returns an int: SEALKIT_OK (0) on success, else one
 * of the SEALKIT_E_* codes below. The codes are stable; they are the JS
 * SDK's ErrorCode names (sealkit_error_name gives the name).
 *
 * Error text. A function that takes `char **error` stores there, on
 * failure, a NUL-terminated message allocated by the library — the exact
 * Display text of the crate's CryptoError (for example "decryption failed:
 * invalid ciphertext or wrong key", "invalid length: expected 32 bytes,
 * got 16") or, for SEALKIT_E_INVALID_ARGUMENT, the library's own
 * "invalid argument: …". Release it with sealkit_free_string. On success
 * *error is set to NULL. Pass error = NULL when the text is not wanted.
 * Messages never contain key bytes or plaintext.
 *
 * Inputs. Byte inputs are (const uint8_t *p, size_t len) pairs; strings
 * (passwords, contexts, recovery keys, e-mail addresses) are their UTF-8
 * bytes, without a terminating NUL. p may be NULL when len is 0; NULL with
 * len > 0 is SEALKIT_E_INVALID_ARGUMENT. The library copies every input
 * before use and wipes the copy before returning; it never keeps a pointer
 * to caller memory, and the caller may reuse or free an input as soon as
 * the call returns.
 *
 * Outputs. Byte outputs are (uint8_t **out, size_t *out_len) pairs: on
 * success *out points to *out_len bytes of library memory (malloc'd; never
 * NULL, even when *out_len is 0) which the caller owns and must release
 * with sealkit_free(*out, *out_len) — which wipes the bytes, then frees
 * them. String outputs (char **out) are NUL-terminated, released with
 * sealkit_free_string (also wiping). On failure every output is set to
 * NULL / 0 and nothing needs freeing. Output pointers must not be NULL
 * (SEALKIT_E_INVALID_ARGUMENT). Never release library memory with free():
 * it would leave secrets in the heap.
 *
 * Levels. Hybrid seals: SEALKIT_CAT1, SEALKIT_CAT3 (the default
 * everywhere the crate has one), SEALKIT_CAT5. Signatures:
 * SEALKIT_SIGN_CAT2, SEALKIT_SIGN_CAT3, SEALKIT_SIGN_CAT5. The values are
 * the category numbers. An unknown level is SEALKIT_E_HYBRID (seals) or
 * SEALKIT_E_SIGNATURE (signatures), with the crate's "unknown … level"
 * text.
 *
 * Threads. Every function may be called from any thread, concurrently,
 * without locks: the library has no global mutable state visible to the
 * caller (no init, no context object, no errno). The first call starts
 * the Go runtime, which keeps its own threads for the life of the
 * process. Randomness comes from the operating system (getrandom).
 *
 * Failure. Bad input never aborts the host: wrong sizes, garbage, NULL
 * pointers with a nonzero length, unknown levels all return an error code
 * and change nothing. A Go panic inside the library is recovered at the
 * boundary and returned as SEALKIT_E_INTERNAL. (Running out of memory
 * still aborts, as it does in Go.)
 *
 * The Go runtime inside. Loading the library starts the Go runtime, which
 * installs handlers for the synchronous signals (SIGSEGV, SIGBUS, SIGFPE)
 * and SIGPROF, passing on to the host's handlers the signals that are not
 * its own; a host that installs signal handlers must use SA_ONSTACK (the
 * rule of Go's c-shared and c-archive modes, see "go doc cmd/cgo"). After
 * fork() without exec, the child must not call the library (the runtime's
 * threads are not in the child): load it, or fork, in the right order —
 * e.g. a pre-forking server loads it in each worker, not in the master.
 * Go does not support two Go runtimes in one process: do not load
 * libsealkit next to another Go c-shared library.
 */
#ifndef SEALKIT_H
#define SEALKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
#define SEALKIT_OK                     0
#define SEALKIT_E_BASE64               1  /* text that is not strict padded standard base64 */
#define SEALKIT_E_DECRYPTION           2  /* a tag did not verify: wrong key or altered data */
#define SEALKIT_E_INVALID_LENGTH       3  /* a key, salt, seed or public key of the wrong size */
#define SEALKIT_E_TOO_SHORT            4  /* a ciphertext shorter than its format's minimum */
#define SEALKIT_E_INVALID_KEY_HASH     5  /* a key_hash without exactly one '$' */
#define SEALKIT_E_INVALID_RECOVERY_KEY 6  /* a recovery key with a bad character or length */
#define SEALKIT_E_KDF                  7  /* Argon2id could not run */
#define SEALKIT_E_HYBRID               8  /* unknown seal tag or level, bad ML-KEM key or point */
#define SEALKIT_E_UTF8                 9  /* decrypted bytes that are not UTF-8 where text was expected */
#define SEALKIT_E_LOW_ORDER_KEY        10 /* sealing to a low-order X25519 public key */
#define SEALKIT_E_SIGNATURE            11 /* missing/unknown signature tag, suite/level mismatch */
#define SEALKIT_E_INVALID_ARGUMENT     12 /* misuse of this API: NULL pointers, an impossible length */
#define SEALKIT_E_INTERNAL             13 /* a bug (a recovered panic); please report it */

/* Hybrid seal levels (ML-KEM-512/768/1024 + X25519). */
#define SEALKIT_CAT1 1
#define SEALKIT_CAT3 3
#define SEALKIT_CAT5 5

/* Signature levels (ML-DSA-44/65/87, with Ed25519 in the hybrid suite). */
#define SEALKIT_SIGN_CAT2 2
#define SEALKIT_SIGN_CAT3 3
#define SEALKIT_SIGN_CAT5 5

/* Signature suites (sealkit_generate_signing_keypair_suite). */
#define SEALKIT_SUITE_HYBRID         0 /* Ed25519 + ML-DSA, tags 0x01-0x03 */
#define SEALKIT_SUITE_HYBRID_MATCHED 1 /* Ed448 at Cat-3 (0x13), P-521 at Cat-5 (0x14) */
#define SEALKIT_SUITE_PURE_CNSA2     2 /* ML-DSA-87 alone, Cat-5 only (0x10) */

/* Sizes in bytes. */
#define SEALKIT_KEYBYTES             32 /* secretbox key, session key */
#define SEALKIT_NONCEBYTES           24
#define SEALKIT_TAGBYTES             16
#define SEALKIT_PUBLICKEYBYTES       32 /* X25519 */
#define SEALKIT_PRIVATEKEYBYTES      32 /* X25519 */
#define SEALKIT_SALTBYTES            16 /* Argon2id */
#define SEALKIT_HYBRIDSEEDBYTES      32 /* the whole secret of a hybrid key pair */
#define SEALKIT_RECOVERYSECRETBYTES  32
#define SEALKIT_RECOVERYKEYCHARS     76 /* 64 symbols in groups of 5 joined by '-' */
#define SEALKIT_BLINDINDEXBYTES      64 /* HMAC-SHA512 */
#define SEALKIT_AUTHKEYBYTES         32
#define SEALKIT_SECRETBOX_OVERHEAD   40 /* nonce(24) || tag(16) */
#define SEALKIT_BOXSEAL_OVERHEAD     48 /* ephemeral pk(32) || tag(16) */
#define SEALKIT_HYBRID_PUBLICKEYBYTES_CAT1 832
#define SEALKIT_HYBRID_PUBLICKEYBYTES_CAT3 1216
#define SEALKIT_HYBRID_PUBLICKEYBYTES_CAT5 1600
#define SEALKIT_HYBRID_OVERHEAD_CAT1 841  /* a Cat-1 seal of an empty plaintext */
#define SEALKIT_HYBRID_OVERHEAD_CAT3 1161
#define SEALKIT_HYBRID_OVERHEAD_CAT5 1641

/* The crate's default signing context, SIGN_CONTEXT_V1 (pass its bytes,
 * without the NUL, as ctx). */
#define SEALKIT_SIGN_CONTEXT_V1 "metamorphic/sign/v1"

/* ---- Memory ---------------------------------------------------------- */

/* Wipes len bytes at p, then frees p. p must come from a byte output of
 * this library and len must be the length returned with it. NULL is
 * ignored. */
void sealkit_free(void *p, size_t len);

/* Wipes a NUL-terminated string returned by this library (an error text or
 * a string output), then frees it. NULL is ignored. */
void sealkit_free_string(char *s);

/* The name of a status code ("OK", "DECRYPTION", "INVALID_LENGTH", …, the
 * SDK's ErrorCode names), or NULL for a code this library does not return.
 * The string is static: do not free it. */
const char *sealkit_error_name(int code);

/* ---- Keys ------------------------------------------------------------ */

/* A new random 32-byte secretbox key (crypto_secretbox_keygen).
 * Errors: SEALKIT_E_INVALID_ARGUMENT (NULL out). */
int sealkit_generate_key(uint8_t **out, size_t *out_len);

/* A new random 16-byte Argon2id salt. */
int sealkit_generate_salt(uint8_t **out, size_t *out_len);

/* A new X25519 key pair (crypto_box_keypair): 32-byte public key and
 * 32-byte private key (random, stored unclamped). Two outputs, each freed
 * with sealkit_free. */
int sealkit_generate_keypair(uint8_t **pk, size_t *pk_len,
                             uint8_t **sk, size_t *sk_len);

/* X25519(sk, 9), the public key of a 32-byte private key.
 * Errors: SEALKIT_E_INVALID_LENGTH. */
int sealkit_public_key_from_private(const uint8_t *sk, size_t sk_len,
                                    uint8_t **out, size_t *out_len, char **error);

/* ---- Secretbox (XSalsa20-Poly1305) ------------------------------------ */

/* Encrypts pt under a 32-byte key with a fresh random nonce. Output:
 * nonce(24) || tag(16) || ciphertext, pt_len + 40 bytes.
 * Errors: SEALKIT_E_INVALID_LENGTH (key). */
int sealkit_encrypt_secretbox(const uint8_t *pt, size_t pt_len,
                              const uint8_t *key, size_t key_len,
                              uint8_t **out, size_t *out_len, char **error);

/* Opens what sealkit_encrypt_secretbox made. Errors, in the order they are
 * checked: SEALKIT_E_INVALID_LENGTH (key), SEALKIT_E_TOO_SHORT (under 40
 * bytes), SEALKIT_E_DECRYPTION. */
int sealkit_decrypt_secretbox(const uint8_t *ct, size_t ct_len,
                              const uint8_t *key, size_t key_len,
                              uint8_t **out, size_t *out_len, char **error);

/* ---- Sealed boxes (crypto_box_seal) ----------------------------------- */

/* Seals pt to a 32-byte X25519 public key. Output: ephemeral_pk(32) ||
 * tag(16) || ciphertext, pt_len + 48 bytes, no version byte.
 * Errors: SEALKIT_E_INVALID_LENGTH, SEALKIT_E_LOW_ORDER_KEY. */
int sealkit_box_seal(const uint8_t *pt, size_t pt_len,
                     const uint8_t *pk, size_t pk_len,
                     uint8_t **out, size_t *out_len, char **error);

/* Opens a sealed box with the recipient's key pair (crypto_box_seal_open).
 * pk is not checked against sk; a mismatch fails as SEALKIT_E_DECRYPTION.
 * Errors: SEALKIT_E_INVALID_LENGTH, SEALKIT_E_TOO_SHORT,
 * SEALKIT_E_DECRYPTION. */
int sealkit_box_seal_open(const uint8_t *ct, size_t ct_len,
                          const uint8_t *pk, size_t pk_len,
                          const uint8_t *sk, size_t sk_len,
                          uint8_t **out, size_t *out_len, char **error);

/* ---- Hybrid post-quantum seals (ML-KEM + X25519) ---------------------- */

/* A new hybrid key pair at a level: the public key (832, 1216 or 1600
 * bytes) and the 32-byte seed that is the whole secret.
 * Errors: SEALKIT_E_HYBRID (unknown level). */
int sealkit_generate_hybrid_keypair(int level,
                                    uint8_t **pk, size_t *pk_len,
                                    uint8_t **seed, size_t *seed_len, char **error);

/* The public key of a 32-byte seed at a level.
 * Errors: SEALKIT_E_INVALID_LENGTH (seed), SEALKIT_E_HYBRID (level). */
int sealkit_hybrid_public_key(const uint8_t *seed, size_t seed_len, int level,
                              uint8_t **out, size_t *out_len, char **error);

/* Seals pt to a hybrid public key; the level follows from its length
 * (832/1216/1600 → tag 0x01/0x02/0x03). Errors: SEALKIT_E_INVALID_LENGTH
 * (any other length; the text expects 1216), SEALKIT_E_HYBRID (an invalid
 * ML-KEM key), SEALKIT_E_LOW_ORDER_KEY. */
int sealkit_hybrid_seal(const uint8_t *pt, size_t pt_len,
                        const uint8_t *pk, size_t pk_len,
                        uint8_t **out, size_t *out_len, char **error);

/* sealkit_hybrid_seal at a chosen level; pk must have that level's size. */
int sealkit_hybrid_seal_with_level(const uint8_t *pt, size_t pt_len,
                                   const uint8_t *pk, size_t pk_len, int level,
                                   uint8_t **out, size_t *out_len, char **error);

/* Opens a hybrid seal with the recipient's 32-byte seed; the level comes
 * from the first byte. Errors, in order: SEALKIT_E_HYBRID (bad tag),
 * SEALKIT_E_INVALID_LENGTH (seed), SEALKIT_E_TOO_SHORT,
 * SEALKIT_E_DECRYPTION. */
int sealkit_hybrid_open(const uint8_t *ct, size_t ct_len,
                        const uint8_t *seed, size_t seed_len,
                        uint8_t **out, size_t *out_len, char **error);

/* *result = 1 if ct looks like a hybrid seal (a known tag and at least
 * that tag's minimum size), else 0. Never fails on any bytes. */
int sealkit_is_hybrid_ciphertext(const uint8_t *ct, size_t ct_len, int *result);

/* Seals pt to a user: a hybrid seal at `level` to pq_pk when pq_pk_len > 0
 * (pq_pk must then have that level's size), else a sealed box to the
 * 32-byte pk (pk is not used when pq_pk is given, as in the crate). The
 * crate's seal_for_user is level SEALKIT_CAT3. */
int sealkit_seal_for_user(int level, const uint8_t *pt, size_t pt_len,
                          const uint8_t *pk, size_t pk_len,
                          const uint8_t *pq_pk, size_t pq_pk_len,
                          uint8_t **out, size_t *out_len, char **error);

/* Opens what sealkit_seal_for_user made: with a pq_seed (pq_seed_len > 0)
 * and a blob that looks hybrid it tries the hybrid open first, and on any
 * failure falls back to the sealed box, whose error is the one reported. */
int sealkit_unseal_from_user(const uint8_t *ct, size_t ct_len,
                             const uint8_t *pk, size_t pk_len,
                             const uint8_t *sk, size_t sk_len,
                             const uint8_t *pq_seed, size_t pq_seed_len,
                             uint8_t **out, size_t *out_len, char **error);

/* ---- Passwords, session and auth keys ---------------------------------- */

/* The 32-byte session key: Argon2id v1.3 (t=2, 64 MiB, p=1) of the
 * password's bytes (used as given, no normalisation) and a 16-byte salt;
 * libsodium crypto_pwhash with the INTERACTIVE limits. Uses 64 MiB and
 * ~0.1-0.3 s of one core per call. Errors: SEALKIT_E_INVALID_LENGTH
 * (salt). */
int sealkit_derive_session_key(const uint8_t *password, size_t password_len,
                               const uint8_t *salt, size_t salt_len,
                               uint8_t **out, size_t *out_len, char **error);

/* The 32-byte login proof: HKDF-SHA256(session key, no salt,
 * "sealkit/v1/auth-key"). Errors: SEALKIT_E_INVALID_LENGTH. */
int sealkit_derive_auth_key(const uint8_t *session_key, size_t session_key_len,
                            uint8_t **out, size_t *out_len, char **error);

/* The key_hash a server stores: "<base64 salt>$argon2id" (a string
 * output; any salt length is accepted, as in the crate). */
int sealkit_format_key_hash(const uint8_t *salt, size_t salt_len,
                            char **out, char **error);

/* The salt text of a key_hash (everything before its one '$').
 * Errors: SEALKIT_E_INVALID_KEY_HASH. */
int sealkit_parse_salt_from_key_hash(const uint8_t *key_hash, size_t key_hash_len,
                                     char **out, char **error);

/* Wraps a private key under a 32-byte session key (the crate's format: a
 * secretbox of the key's base64 text). Errors: SEALKIT_E_INVALID_LENGTH. */
int sealkit_encrypt_private_key(const uint8_t *sk, size_t sk_len,
                                const uint8_t *session_key, size_t session_key_len,
                                uint8_t **out, size_t *out_len, char **error);

/* Unwraps it, returning the raw key bytes. Errors: the secretbox errors,
 * SEALKIT_E_UTF8 or SEALKIT_E_BASE64 (decrypted text not a base64 key). */
int sealkit_decrypt_private_key(const uint8_t *ct, size_t ct_len,
                                const uint8_t *session_key, size_t session_key_len,
                                uint8_t **out, size_t *out_len, char **error);

/* ---- Recovery keys ---------------------------------------------------- */

/* A new recovery key: *key is the 76-character text shown to the user (a
 * string output, a secret: free with sealkit_free_string, which wipes it)
 * and *secret its 32 bytes. */
int sealkit_generate_recovery_key(char **key, uint8_t **secret, size_t *secret_len,
                                  char **error);

/* Decodes a recovery key as the crate does ('-' dropped, letters
 * upper-cased, exactly 64 alphabet symbols) to its 32-byte secret.
 * Errors: SEALKIT_E_INVALID_RECOVERY_KEY. */
int sealkit_recovery_key_to_secret(const uint8_t *key, size_t key_len,
                                   uint8_t **out, size_t *out_len, char **error);

/* sealkit_encrypt_private_key / sealkit_decrypt_private_key under a
 * 32-byte recovery secret; the same format and errors. */
int sealkit_encrypt_private_key_for_recovery(const uint8_t *sk, size_t sk_len,
                                             const uint8_t *secret, size_t secret_len,
                                             uint8_t **out, size_t *out_len, char **error);
int sealkit_decrypt_private_key_with_recovery(const uint8_t *ct, size_t ct_len,
                                              const uint8_t *secret, size_t secret_len,
                                              uint8_t **out, size_t *out_len, char **error);

/* ---- Blind indexes ---------------------------------------------------- */

/* HMAC-SHA512(key, value), 64 bytes. Any key length. Compare results in
 * constant time. */
int sealkit_blind_index(const uint8_t *key, size_t key_len,
                        const uint8_t *value, size_t value_len,
                        uint8_t **out, size_t *out_len, char **error);

/* sealkit_blind_index of the lower-cased (Unicode simple case mapping)
 * UTF-8 e-mail address. */
int sealkit_blind_index_email(const uint8_t *key, size_t key_len,
                              const uint8_t *email, size_t email_len,
                              uint8_t **out, size_t *out_len, char **error);

/* ---- Signatures (Ed25519 + ML-DSA and the crate's other suites) -------- */

/* A new hybrid (Ed25519 + ML-DSA) signing key pair at a SEALKIT_SIGN_CAT*
 * level: tag 0x01 (Cat-2), 0x02 (Cat-3), 0x03 (Cat-5).
 * Errors: SEALKIT_E_SIGNATURE (unknown level). */
int sealkit_generate_signing_keypair(int level,
                                     uint8_t **pk, size_t *pk_len,
                                     uint8_t **sk, size_t *sk_len, char **error);

/* A signing key pair of a SEALKIT_SUITE_* and level. PureCnsa2 below
 * Cat-5 is the crate's SEALKIT_E_SIGNATURE error; so is an unknown suite
 * or level. */
int sealkit_generate_signing_keypair_suite(int suite, int level,
                                           uint8_t **pk, size_t *pk_len,
                                           uint8_t **sk, size_t *sk_len, char **error);

/* The public key of a signing secret key. Errors: SEALKIT_E_SIGNATURE
 * (missing/unknown tag), SEALKIT_E_INVALID_LENGTH. */
int sealkit_derive_signing_public_key(const uint8_t *sk, size_t sk_len,
                                      uint8_t **out, size_t *out_len, char **error);

/* Signs msg under the context ctx (SEALKIT_SIGN_CONTEXT_V1 unless the
 * application has its own). Errors: sealkit_derive_signing_public_key's. */
int sealkit_sign(const uint8_t *msg, size_t msg_len,
                 const uint8_t *ctx, size_t ctx_len,
                 const uint8_t *sk, size_t sk_len,
                 uint8_t **out, size_t *out_len, char **error);

/* *valid = 1 if sig is pk's signature of msg under ctx, else 0 (the
 * crate's decision order). SEALKIT_OK with *valid = 0 says nothing about
 * why; SEALKIT_E_SIGNATURE means the inputs are not signature data (an
 * empty or unknown-tagged signature or key). */
int sealkit_verify(const uint8_t *msg, size_t msg_len,
                   const uint8_t *ctx, size_t ctx_len,
                   const uint8_t *sig, size_t sig_len,
                   const uint8_t *pk, size_t pk_len,
                   int *valid, char **error);

/* The SEALKIT_SUITE_* and SEALKIT_SIGN_CAT* of a signing public key /
 * of a signature. Errors: SEALKIT_E_SIGNATURE, SEALKIT_E_INVALID_LENGTH. */
int sealkit_signature_posture(const uint8_t *pk, size_t pk_len,
                              int *suite, int *level, char **error);
int sealkit_signature_posture_from_signature(const uint8_t *sig, size_t sig_len,
                                             int *suite, int *level, char **error);

/* ---- Base64 (strict padded standard, the text form of every binding) --- */

/* Standard base64 with padding (a string output). */
int sealkit_encode_base64(const uint8_t *in, size_t in_len, char **out, char **error);

/* Decodes strict standard base64 (padding required and canonical, no
 * whitespace, no URL-safe characters). Errors: SEALKIT_E_BASE64 with the
 * Rust base64 crate's text. */
int sealkit_decode_base64(const uint8_t *text, size_t text_len,
                          uint8_t **out, size_t *out_len, char **error);

#ifdef __cplusplus
}
#endif

#endif /* SEALKIT_H */
