/* The rest of the C API: private-key wrapping, recovery keys, blind
 * indexes, auth keys, signatures at every suite and level, base64, the
 * error code and text of each bad input, NULL outputs on every function
 * shape, inputs copied (not kept), and many threads at once. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "check.h"

static const uint8_t msg[] = "the quick brown fox";
#define MSG_LEN (sizeof msg - 1)

/* expect_err: a call failed with code and exactly the text. */
#define EXPECT_ERR(call, code, text)            \
  do {                                          \
    char *err_ = NULL;                          \
    char **error = &err_;                       \
    CHECK_RC((call), (code), err_);             \
    CHECK_STR(err_, (text));                    \
    sealkit_free_string(err_);                  \
    (void)error;                                \
  } while (0)

static void test_private_key(void) {
  uint8_t *sk, *pk, *session, *wrapped, *out, *box;
  size_t skn, pkn, sessionn, wrappedn, outn, boxn;
  char *err = NULL;
  CHECK_RC(sealkit_generate_keypair(&pk, &pkn, &sk, &skn), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_generate_key(&session, &sessionn), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_encrypt_private_key(sk, skn, session, sessionn, &wrapped, &wrappedn, &err), SEALKIT_OK, err);
  /* The crate wraps the base64 text: 44 characters + 40 bytes. */
  CHECK(wrappedn == 44 + 40);
  CHECK_RC(sealkit_decrypt_private_key(wrapped, wrappedn, session, sessionn, &out, &outn, &err), SEALKIT_OK, err);
  CHECK(outn == skn && memcmp(out, sk, skn) == 0);
  sealkit_free(out, outn);
  session[0] ^= 1;
  out = (uint8_t *)&out;
  EXPECT_ERR(sealkit_decrypt_private_key(wrapped, wrappedn, session, sessionn, &out, &outn, error),
             SEALKIT_E_DECRYPTION, "decryption failed: invalid ciphertext or wrong key");
  CHECK(out == NULL && outn == 0);
  session[0] ^= 1;
  /* A secretbox whose text is not UTF-8, and one that is not base64. */
  static const uint8_t not_utf8[] = {'A', 0xff, 'B'};
  CHECK_RC(sealkit_encrypt_secretbox(not_utf8, 3, session, sessionn, &box, &boxn, NULL), SEALKIT_OK, NULL);
  EXPECT_ERR(sealkit_decrypt_private_key(box, boxn, session, sessionn, &out, &outn, error), SEALKIT_E_UTF8,
             "UTF-8: invalid utf-8 sequence of 1 bytes from index 1");
  sealkit_free(box, boxn);
  CHECK_RC(sealkit_encrypt_secretbox((const uint8_t *)"abc", 3, session, sessionn, &box, &boxn, NULL), SEALKIT_OK, NULL);
  EXPECT_ERR(sealkit_decrypt_private_key(box, boxn, session, sessionn, &out, &outn, error), SEALKIT_E_BASE64,
             "base64 decode: Invalid padding");
  sealkit_free(box, boxn);
  EXPECT_ERR(sealkit_encrypt_private_key(sk, skn, session, 31, &out, &outn, error), SEALKIT_E_INVALID_LENGTH,
             "invalid length: expected 32 bytes, got 31");
  sealkit_free(wrapped, wrappedn);
  sealkit_free(session, sessionn);
  sealkit_free(pk, pkn);
  sealkit_free(sk, skn);
}

static void test_recovery(void) {
  char *key = NULL, *err = NULL;
  uint8_t *secret, *secret2, *sk, *wrapped, *out;
  size_t secretn, secret2n, skn, wrappedn, outn;
  CHECK_RC(sealkit_generate_recovery_key(&key, &secret, &secretn, &err), SEALKIT_OK, err);
  CHECK(key != NULL && strlen(key) == SEALKIT_RECOVERYKEYCHARS && secretn == 32);
  CHECK_RC(sealkit_recovery_key_to_secret((const uint8_t *)key, strlen(key), &secret2, &secret2n, &err), SEALKIT_OK, err);
  CHECK(secret2n == 32 && memcmp(secret, secret2, 32) == 0);
  sealkit_free(secret2, secret2n);
  /* Lower case and no dashes decode the same. */
  char lower[80];
  size_t j = 0;
  for (size_t i = 0; key[i]; i++)
    if (key[i] != '-') lower[j++] = (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
  CHECK_RC(sealkit_recovery_key_to_secret((const uint8_t *)lower, j, &secret2, &secret2n, &err), SEALKIT_OK, err);
  CHECK(secret2n == 32 && memcmp(secret, secret2, 32) == 0);
  sealkit_free(secret2, secret2n);
  EXPECT_ERR(sealkit_recovery_key_to_secret((const uint8_t *)key, 20, &secret2, &secret2n, error),
             SEALKIT_E_INVALID_RECOVERY_KEY, "invalid recovery key character");
  CHECK_RC(sealkit_generate_key(&sk, &skn), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_encrypt_private_key_for_recovery(sk, skn, secret, secretn, &wrapped, &wrappedn, &err), SEALKIT_OK, err);
  CHECK_RC(sealkit_decrypt_private_key_with_recovery(wrapped, wrappedn, secret, secretn, &out, &outn, &err), SEALKIT_OK, err);
  CHECK(outn == skn && memcmp(out, sk, skn) == 0);
  sealkit_free(out, outn);
  EXPECT_ERR(sealkit_decrypt_private_key_with_recovery(wrapped, 10, secret, secretn, &out, &outn, error),
             SEALKIT_E_TOO_SHORT, "ciphertext too short to be valid");
  sealkit_free(wrapped, wrappedn);
  sealkit_free(sk, skn);
  sealkit_free(secret, secretn);
  sealkit_free_string(key);
  /* Two outputs and one is NULL: nothing allocated, nothing leaked. */
  key = (char *)1;
  CHECK_RC(sealkit_generate_recovery_key(&key, NULL, &secretn, &err), SEALKIT_E_INVALID_ARGUMENT, err);
  CHECK(key == NULL);
  sealkit_free_string(err);
}

static void test_blind_index_auth(void) {
  uint8_t *a, *b, *c;
  size_t an, bn, cn;
  static const uint8_t key[] = "server secret";
  CHECK_RC(sealkit_blind_index_email(key, sizeof key - 1, (const uint8_t *)"Alice@Example.COM", 17, &a, &an, NULL), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_blind_index(key, sizeof key - 1, (const uint8_t *)"alice@example.com", 17, &b, &bn, NULL), SEALKIT_OK, NULL);
  CHECK(an == SEALKIT_BLINDINDEXBYTES && bn == an && memcmp(a, b, an) == 0);
  CHECK_RC(sealkit_blind_index(key, sizeof key - 2, (const uint8_t *)"alice@example.com", 17, &c, &cn, NULL), SEALKIT_OK, NULL);
  CHECK(cn == 64 && memcmp(a, c, 64) != 0);
  sealkit_free(a, an);
  sealkit_free(b, bn);
  sealkit_free(c, cn);
  /* An empty key and value are fine (HMAC takes any key). */
  CHECK_RC(sealkit_blind_index(NULL, 0, NULL, 0, &a, &an, NULL), SEALKIT_OK, NULL);
  CHECK(an == 64);
  sealkit_free(a, an);
  EXPECT_ERR(sealkit_derive_auth_key(key, 5, &a, &an, error), SEALKIT_E_INVALID_LENGTH,
             "invalid length: expected 32 bytes, got 5");
  EXPECT_ERR(sealkit_derive_session_key((const uint8_t *)"pw", 2, key, 5, &a, &an, error), SEALKIT_E_INVALID_LENGTH,
             "invalid length: expected 16 bytes, got 5");
  EXPECT_ERR(sealkit_parse_salt_from_key_hash((const uint8_t *)"a$b$c", 5, (char **)&a, error),
             SEALKIT_E_INVALID_KEY_HASH, "invalid key_hash format (expected `salt$argon2id`)");
}

static void test_sign(void) {
  static const struct { int suite, level; size_t pk; } cases[] = {
    {SEALKIT_SUITE_HYBRID, SEALKIT_SIGN_CAT2, 1345},
    {SEALKIT_SUITE_HYBRID, SEALKIT_SIGN_CAT3, 1985},
    {SEALKIT_SUITE_HYBRID, SEALKIT_SIGN_CAT5, 2625},
    {SEALKIT_SUITE_HYBRID_MATCHED, SEALKIT_SIGN_CAT3, 2010},
    {SEALKIT_SUITE_HYBRID_MATCHED, SEALKIT_SIGN_CAT5, 2726},
    {SEALKIT_SUITE_PURE_CNSA2, SEALKIT_SIGN_CAT5, 2593},
  };
  const char *ctx = SEALKIT_SIGN_CONTEXT_V1;
  char *err = NULL;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *pk, *sk, *pk2, *sig;
    size_t pkn, skn, pk2n, sign;
    int valid = -1, suite = -1, level = -1;
    CHECK_RC(sealkit_generate_signing_keypair_suite(cases[i].suite, cases[i].level, &pk, &pkn, &sk, &skn, &err), SEALKIT_OK, err);
    CHECK(pkn == cases[i].pk);
    CHECK_RC(sealkit_derive_signing_public_key(sk, skn, &pk2, &pk2n, &err), SEALKIT_OK, err);
    CHECK(pk2n == pkn && memcmp(pk, pk2, pkn) == 0);
    sealkit_free(pk2, pk2n);
    CHECK_RC(sealkit_signature_posture(pk, pkn, &suite, &level, &err), SEALKIT_OK, err);
    CHECK(suite == cases[i].suite && level == cases[i].level);
    CHECK_RC(sealkit_sign(msg, MSG_LEN, (const uint8_t *)ctx, strlen(ctx), sk, skn, &sig, &sign, &err), SEALKIT_OK, err);
    CHECK_RC(sealkit_verify(msg, MSG_LEN, (const uint8_t *)ctx, strlen(ctx), sig, sign, pk, pkn, &valid, &err), SEALKIT_OK, err);
    CHECK(valid == 1);
    CHECK_RC(sealkit_verify(msg, MSG_LEN, (const uint8_t *)"other", 5, sig, sign, pk, pkn, &valid, &err), SEALKIT_OK, err);
    CHECK(valid == 0);
    sig[sign - 1] ^= 1;
    CHECK_RC(sealkit_verify(msg, MSG_LEN, (const uint8_t *)ctx, strlen(ctx), sig, sign, pk, pkn, &valid, &err), SEALKIT_OK, err);
    CHECK(valid == 0);
    sealkit_free(sig, sign);
    sealkit_free(pk, pkn);
    sealkit_free(sk, skn);
  }
  /* The default suite is hybrid. */
  uint8_t *pk, *sk;
  size_t pkn, skn;
  CHECK_RC(sealkit_generate_signing_keypair(SEALKIT_SIGN_CAT3, &pk, &pkn, &sk, &skn, &err), SEALKIT_OK, err);
  CHECK(pkn == 1985 && pk[0] == 0x02);
  sealkit_free(pk, pkn);
  sealkit_free(sk, skn);
  int valid = 7, suite, level;
  pk = NULL;
  EXPECT_ERR(sealkit_generate_signing_keypair_suite(SEALKIT_SUITE_PURE_CNSA2, SEALKIT_SIGN_CAT3, &pk, &pkn, &sk, &skn, error),
             SEALKIT_E_SIGNATURE, "signature: PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0");
  CHECK(pk == NULL);
  EXPECT_ERR(sealkit_generate_signing_keypair(4, &pk, &pkn, &sk, &skn, error), SEALKIT_E_SIGNATURE,
             "signature: unknown signature level \"4\" (want cat2, cat3 or cat5)");
  EXPECT_ERR(sealkit_generate_signing_keypair_suite(9, SEALKIT_SIGN_CAT3, &pk, &pkn, &sk, &skn, error), SEALKIT_E_SIGNATURE,
             "signature: unknown suite \"9\" (want hybrid, hybrid_matched or pure_cnsa2)");
  EXPECT_ERR(sealkit_verify(msg, MSG_LEN, NULL, 0, NULL, 0, NULL, 0, &valid, error), SEALKIT_E_SIGNATURE,
             "signature: unknown or missing signature version tag");
  CHECK(valid == 0);
  EXPECT_ERR(sealkit_signature_posture((const uint8_t *)"\x02", 1, &suite, &level, error), SEALKIT_E_INVALID_LENGTH,
             "invalid length: expected 1985 bytes, got 1");
  CHECK_RC(sealkit_verify(msg, MSG_LEN, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
}

static void test_base64(void) {
  uint8_t *out = NULL;
  size_t outn = 0;
  EXPECT_ERR(sealkit_decode_base64((const uint8_t *)"abc", 3, &out, &outn, error), SEALKIT_E_BASE64,
             "base64 decode: Invalid padding");
  EXPECT_ERR(sealkit_decode_base64((const uint8_t *)"ab-d", 4, &out, &outn, error), SEALKIT_E_BASE64,
             "base64 decode: Invalid symbol 45, offset 2.");
  CHECK(out == NULL && outn == 0);
}

/* Every output shape with a NULL output pointer: INVALID_ARGUMENT and the
 * other outputs reset, nothing allocated (valgrind and ASan see leaks). */
static void test_null_outputs(void) {
  uint8_t *a = (uint8_t *)1;
  size_t an = 9;
  char *s = (char *)1;
  int i = 5;
  const uint8_t k[32] = {0};
  CHECK_RC(sealkit_generate_keypair(&a, &an, NULL, &an), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK(a == NULL && an == 0);
  CHECK_RC(sealkit_generate_hybrid_keypair(SEALKIT_CAT3, &a, &an, &a, NULL, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_generate_signing_keypair(SEALKIT_SIGN_CAT3, NULL, NULL, NULL, NULL, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_format_key_hash(k, 16, NULL, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_encode_base64(NULL, 3, &s, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK(s == NULL);
  CHECK_RC(sealkit_signature_posture(k, 32, &i, NULL, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_box_seal_open(k, 32, k, 32, NULL, 32, &a, &an, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_derive_session_key(NULL, 1, k, 16, &a, &an, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_seal_for_user(SEALKIT_CAT3, msg, MSG_LEN, k, 32, NULL, 1216, &a, &an, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_hybrid_public_key(k, 32, 4, &a, &an, NULL), SEALKIT_E_HYBRID, NULL);
  CHECK(a == NULL);
  /* An absurd length with NULL (a size_t that no buffer has). */
  CHECK_RC(sealkit_blind_index(NULL, (size_t)-1, k, 1, &a, &an, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
}

/* Inputs are copied: changing the caller's buffer after the call changes
 * nothing, and the same buffer may be input and (after) output. */
static void test_inputs_copied(void) {
  uint8_t key[32], *ct, *pt;
  size_t ctn, ptn;
  memset(key, 0x42, sizeof key);
  uint8_t plain[5] = {'h', 'e', 'l', 'l', 'o'};
  CHECK_RC(sealkit_encrypt_secretbox(plain, 5, key, 32, &ct, &ctn, NULL), SEALKIT_OK, NULL);
  memset(plain, 0, 5);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctn, key, 32, &pt, &ptn, NULL), SEALKIT_OK, NULL);
  CHECK(ptn == 5 && memcmp(pt, "hello", 5) == 0);
  sealkit_free(pt, ptn);
  sealkit_free(ct, ctn);
}

/* Garbage into every function that reads untrusted bytes: random lengths
 * (including the formats' own boundaries) and random bytes, sometimes
 * with a valid tag byte in front. Nothing opens, nothing verifies, every
 * failure is a known code with a text, and nothing crashes (ASan and
 * valgrind watch the memory). The Go decoders have their own fuzz
 * targets; this checks the boundary around them. */
static uint32_t rng_state = 12345;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void test_garbage(int rounds) {
  static const size_t lens[] = {0, 1, 31, 32, 33, 39, 40, 47, 48, 80, 840, 841, 1160, 1161, 1216, 1640, 1641, 2485, 3374, 4692};
  static const uint8_t tags[] = {0x01, 0x02, 0x03, 0x10, 0x13, 0x14};
  static uint8_t a[5000], b[5000];
  int all_failed = 1, codes_known = 1;
  for (int r = 0; r < rounds; r++) {
    size_t an = rnd() % 3 ? lens[rnd() % (sizeof lens / sizeof lens[0])] : rnd() % sizeof a;
    size_t bn = rnd() % 2 ? 32 : lens[rnd() % (sizeof lens / sizeof lens[0])];
    for (size_t i = 0; i < an; i++) a[i] = (uint8_t)rnd();
    for (size_t i = 0; i < bn; i++) b[i] = (uint8_t)rnd();
    if (an && rnd() % 2) a[0] = tags[rnd() % sizeof tags];
    if (bn && rnd() % 2) b[0] = tags[rnd() % sizeof tags];
    uint8_t *out = NULL;
    size_t outn = 0;
    int rc[10], valid = 0, s = 0, l = 0, is = 0;
    char *err = NULL;
    rc[0] = sealkit_decrypt_secretbox(a, an, b, bn, &out, &outn, NULL);
    rc[1] = sealkit_box_seal_open(a, an, b, bn, b, bn, &out, &outn, NULL);
    rc[2] = sealkit_hybrid_open(a, an, b, bn, &out, &outn, NULL);
    rc[3] = sealkit_unseal_from_user(a, an, b, bn, b, bn, b, bn, &out, &outn, NULL);
    rc[4] = sealkit_decrypt_private_key(a, an, b, bn, &out, &outn, NULL);
    rc[5] = sealkit_decrypt_private_key_with_recovery(a, an, b, bn, &out, &outn, NULL);
    rc[6] = sealkit_verify(msg, MSG_LEN, NULL, 0, a, an, b, bn, &valid, NULL);
    if (rc[6] == SEALKIT_OK && valid) all_failed = 0;
    rc[6] = rc[6] == SEALKIT_OK ? -1 : rc[6];
    rc[7] = sealkit_signature_posture(a, an, &s, &l, NULL);
    rc[7] = rc[7] == SEALKIT_OK ? -1 : rc[7]; /* a tag and the right size is a posture */
    rc[8] = sealkit_derive_signing_public_key(a, an, &out, &outn, NULL);
    if (rc[8] == SEALKIT_OK) { sealkit_free(out, outn); out = NULL; outn = 0; rc[8] = -1; } /* tag + size is a key */
    rc[9] = sealkit_is_hybrid_ciphertext(a, an, &is) == SEALKIT_OK ? -1 : 99;
    for (int i = 0; i < 10; i++) {
      if (rc[i] == SEALKIT_OK) { all_failed = 0; fprintf(stderr, "garbage: call %d succeeded (an=%zu bn=%zu)\n", i, an, bn); }
      if (rc[i] != -1 && (rc[i] < 1 || rc[i] > SEALKIT_E_SIGNATURE)) codes_known = 0;
    }
    if (out != NULL || outn != 0) all_failed = 0;
    /* And once with the error text, which must be there. */
    if (sealkit_hybrid_open(a, an, b, bn, &out, &outn, &err) != SEALKIT_OK && (err == NULL || err[0] == 0)) codes_known = 0;
    sealkit_free_string(err);
  }
  CHECK(all_failed);
  CHECK(codes_known);
}

/* Threads: many callers at once, each with its own keys. */
#define THREADS 8
#define ROUNDS 40
static void *worker(void *arg) {
  int *ok = arg;
  *ok = 1;
  for (int r = 0; r < ROUNDS; r++) {
    uint8_t *key, *ct, *pt, *pk, *seed;
    size_t keyn, ctn, ptn, pkn, seedn;
    if (sealkit_generate_key(&key, &keyn) != SEALKIT_OK) { *ok = 0; break; }
    if (sealkit_encrypt_secretbox(msg, MSG_LEN, key, keyn, &ct, &ctn, NULL) != SEALKIT_OK) { *ok = 0; break; }
    if (sealkit_decrypt_secretbox(ct, ctn, key, keyn, &pt, &ptn, NULL) != SEALKIT_OK || ptn != MSG_LEN ||
        memcmp(pt, msg, ptn) != 0) *ok = 0;
    sealkit_free(pt, ptn);
    sealkit_free(ct, ctn);
    sealkit_free(key, keyn);
    char *err = NULL;
    if (sealkit_decrypt_secretbox(msg, MSG_LEN, msg, 5, &pt, &ptn, &err) != SEALKIT_E_INVALID_LENGTH ||
        err == NULL || strcmp(err, "invalid length: expected 32 bytes, got 5") != 0) *ok = 0;
    sealkit_free_string(err);
    if (r % 8 == 0) {
      if (sealkit_generate_hybrid_keypair(SEALKIT_CAT3, &pk, &pkn, &seed, &seedn, NULL) != SEALKIT_OK) { *ok = 0; break; }
      if (sealkit_hybrid_seal(msg, MSG_LEN, pk, pkn, &ct, &ctn, NULL) != SEALKIT_OK) *ok = 0;
      else {
        if (sealkit_hybrid_open(ct, ctn, seed, seedn, &pt, &ptn, NULL) != SEALKIT_OK || ptn != MSG_LEN) *ok = 0;
        else sealkit_free(pt, ptn);
        sealkit_free(ct, ctn);
      }
      sealkit_free(pk, pkn);
      sealkit_free(seed, seedn);
    }
  }
  return NULL;
}

static void test_threads(void) {
  pthread_t t[THREADS];
  int ok[THREADS];
  for (int i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, worker, &ok[i]) == 0);
  for (int i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    CHECK(ok[i] == 1);
  }
}

int main(void) {
  test_private_key();
  test_recovery();
  test_blind_index_auth();
  test_sign();
  test_base64();
  test_null_outputs();
  test_inputs_copied();
  test_threads();
  /* Fewer rounds under valgrind, which sets this variable for us. */
  test_garbage(getenv("GODEBUG") ? 150 : 3000);
  return check_report("test_api");
}
