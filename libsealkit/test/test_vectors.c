/* The shared vectors (the JSON files in testdata/vectors) through the C API: every
 * vector the C API can check — secretbox, box_seal, hybrid, kdf, sign,
 * authkey, recovery, encoding — including the error vectors, by code.
 * Usage: test_vectors <vectors directory>. */
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "check.h"
#include "json.h"

typedef struct {
  uint8_t *p;
  size_t n;
} buf;

static void buf_free(buf *b) {
  if (b->p) sealkit_free(b->p, b->n);
  b->p = NULL;
  b->n = 0;
}

/* b64 decodes a base64 field with the library itself (the strict decoder
 * under test); a missing field is an empty buffer with p == NULL. */
static buf b64(const json_value *v, const char *key) {
  buf b = {NULL, 0};
  const char *s = json_str(v, key);
  if (s == NULL) return b;
  char *err = NULL;
  int rc = sealkit_decode_base64((const uint8_t *)s, strlen(s), &b.p, &b.n, &err);
  CHECK_RC(rc, SEALKIT_OK, err);
  sealkit_free_string(err);
  return b;
}

/* hex decodes a hex field into library-style memory (freed by buf_free:
 * it is allocated through the library so that one rule frees everything). */
static buf hex(const json_value *v, const char *key) {
  buf b = {NULL, 0};
  const char *s = json_str(v, key);
  if (s == NULL) return b;
  size_t n = strlen(s) / 2;
  uint8_t *tmp = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    unsigned x;
    sscanf(s + 2 * i, "%2x", &x);
    tmp[i] = (uint8_t)x;
  }
  /* Copy into library memory via base64 round trip. */
  char *t = NULL;
  CHECK_RC(sealkit_encode_base64(tmp, n, &t, NULL), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_decode_base64((const uint8_t *)t, strlen(t), &b.p, &b.n, NULL), SEALKIT_OK, NULL);
  sealkit_free_string(t);
  free(tmp);
  return b;
}

static int eq(const uint8_t *a, size_t an, const void *b, size_t bn) {
  return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static const char *text(const json_value *v, const char *key) {
  const char *s = json_str(v, key);
  return s ? s : "";
}

static json_value *load(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  json_value *v = json_read_file(path);
  if (v == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    check_failures++;
  }
  return v;
}

#define VECTORS(root) (json_get((root), "vectors"))

static int errcode(const char *name) {
  if (strncmp(name, "InvalidLength", 13) == 0) return SEALKIT_E_INVALID_LENGTH;
  if (strncmp(name, "TooShort", 8) == 0) return SEALKIT_E_TOO_SHORT;
  if (strncmp(name, "InvalidKeyHash", 14) == 0) return SEALKIT_E_INVALID_KEY_HASH;
  if (strncmp(name, "InvalidRecoveryKey", 18) == 0) return SEALKIT_E_INVALID_RECOVERY_KEY;
  if (strncmp(name, "Signature", 9) == 0) return SEALKIT_E_SIGNATURE;
  return -1;
}

static int n_secretbox, n_box, n_hybrid, n_kdf, n_sign, n_auth, n_recovery, n_encoding;

static void test_secretbox(const char *dir) {
  json_value *root = load(dir, "secretbox.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    buf out = {0}, key = b64(v, "key_b64"), ct = b64(v, "ciphertext_b64");
    char *err = NULL;
    const char *e = json_str(v, "error");
    if (e && key.p) {
      CHECK_RC(sealkit_encrypt_secretbox((const uint8_t *)"x", 1, key.p, key.n, &out.p, &out.n, &err),
               SEALKIT_E_INVALID_LENGTH, err);
      CHECK_STR(err, "invalid length: expected 32 bytes, got 16");
      n_secretbox++;
    } else if (key.p && ct.p) {
      buf pt = hex(v, "plaintext_hex");
      CHECK_RC(sealkit_decrypt_secretbox(ct.p, ct.n, key.p, key.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pt.p, pt.n));
      buf_free(&pt);
      n_secretbox++;
    } else if (key.p && json_get(v, "ciphertext_len")) {
      const char *pt = text(v, "plaintext_utf8");
      CHECK_RC(sealkit_encrypt_secretbox((const uint8_t *)pt, strlen(pt), key.p, key.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(out.n == (size_t)json_get(v, "ciphertext_len")->number);
      n_secretbox++;
    } else if (json_str(v, "private_key_b64")) {
      /* A wrapped private key: decrypt_private_key gives its bytes. */
      buf sk = b64(v, "private_key_b64"), session = b64(v, "session_key_b64");
      CHECK_RC(sealkit_decrypt_private_key(ct.p, ct.n, session.p, session.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, sk.p, sk.n));
      buf_free(&sk);
      buf_free(&session);
      n_secretbox++;
    }
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&key);
    buf_free(&ct);
  }
  json_free(root);
}

static void test_box_seal(const char *dir) {
  json_value *root = load(dir, "box_seal.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL;
    buf out = {0}, ct = b64(v, "ciphertext_b64"), pk = b64(v, "recipient_public_key_b64"),
        sk = b64(v, "recipient_private_key_b64");
    if (ct.p && pk.p && sk.p) {
      buf pt = hex(v, "plaintext_hex");
      CHECK_RC(sealkit_box_seal_open(ct.p, ct.n, pk.p, pk.n, sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pt.p, pt.n));
      buf_free(&out);
      CHECK_RC(sealkit_public_key_from_private(sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pk.p, pk.n));
      buf_free(&pt);
      n_box++;
    } else if (json_get(v, "ciphertext_len")) {
      buf gpk = {0}, gsk = {0};
      const char *pt = text(v, "plaintext_utf8");
      CHECK_RC(sealkit_generate_keypair(&gpk.p, &gpk.n, &gsk.p, &gsk.n), SEALKIT_OK, NULL);
      CHECK_RC(sealkit_box_seal((const uint8_t *)pt, strlen(pt), gpk.p, gpk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(out.n == (size_t)json_get(v, "ciphertext_len")->number);
      buf_free(&gpk);
      buf_free(&gsk);
      n_box++;
    }
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&ct);
    buf_free(&pk);
    buf_free(&sk);
  }
  json_free(root);
}

static int level_of_pk(size_t n) {
  return n == 832 ? SEALKIT_CAT1 : n == 1600 ? SEALKIT_CAT5 : SEALKIT_CAT3;
}

static void test_hybrid(const char *dir) {
  json_value *root = load(dir, "hybrid.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL;
    buf out = {0}, seed = b64(v, "seed_b64"), pk = b64(v, "public_key_b64"), ct = b64(v, "ciphertext_b64");
    if (seed.p && pk.p && ct.p) {
      const char *pt = text(v, "plaintext_utf8");
      CHECK_RC(sealkit_hybrid_public_key(seed.p, seed.n, level_of_pk(pk.n), &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pk.p, pk.n));
      buf_free(&out);
      CHECK_RC(sealkit_hybrid_open(ct.p, ct.n, seed.p, seed.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pt, strlen(pt)));
      buf_free(&out);
      CHECK_RC(sealkit_unseal_from_user(ct.p, ct.n, NULL, 0, NULL, 0, seed.p, seed.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pt, strlen(pt)));
      n_hybrid++;
    } else if (json_get(v, "is_hybrid")) {
      buf blob = hex(v, "blob_hex");
      int is = -1;
      CHECK_RC(sealkit_is_hybrid_ciphertext(blob.p, blob.n, &is), SEALKIT_OK, NULL);
      CHECK(is == json_get(v, "is_hybrid")->boolean);
      const char *e = json_str(v, "hybrid_open_error");
      if (e) {
        uint8_t s32[32] = {0};
        CHECK_RC(sealkit_hybrid_open(blob.p, blob.n, s32, 32, &out.p, &out.n, &err), errcode(e), err);
        CHECK(out.p == NULL);
      }
      buf_free(&blob);
      n_hybrid++;
    } else if (json_get(v, "ciphertext_len")) {
      buf gpk = {0}, gseed = {0};
      const char *pt = text(v, "plaintext_utf8");
      CHECK_RC(sealkit_generate_hybrid_keypair(SEALKIT_CAT3, &gpk.p, &gpk.n, &gseed.p, &gseed.n, &err), SEALKIT_OK, err);
      CHECK_RC(sealkit_hybrid_seal((const uint8_t *)pt, strlen(pt), gpk.p, gpk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(out.n == (size_t)json_get(v, "ciphertext_len")->number);
      buf_free(&gpk);
      buf_free(&gseed);
      n_hybrid++;
    } else if (json_get(v, "cat1_pk_len")) {
      /* Sizes per level, for a 32-byte plaintext. */
      static const struct { int level; const char *pk, *ct; } ls[] = {
        {SEALKIT_CAT1, "cat1_pk_len", "cat1_ct_len"},
        {SEALKIT_CAT3, "cat3_pk_len", "cat3_ct_len"},
        {SEALKIT_CAT5, "cat5_pk_len", "cat5_ct_len"},
      };
      uint8_t pt[32] = {0};
      for (size_t l = 0; l < 3; l++) {
        buf gpk = {0}, gseed = {0};
        CHECK_RC(sealkit_generate_hybrid_keypair(ls[l].level, &gpk.p, &gpk.n, &gseed.p, &gseed.n, &err), SEALKIT_OK, err);
        CHECK(gpk.n == (size_t)json_get(v, ls[l].pk)->number);
        CHECK(gseed.n == (size_t)json_get(v, "sk_len")->number);
        CHECK_RC(sealkit_hybrid_seal(pt, sizeof pt, gpk.p, gpk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
        CHECK(out.n == (size_t)json_get(v, ls[l].ct)->number);
        buf_free(&out);
        buf_free(&gpk);
        buf_free(&gseed);
      }
      n_hybrid++;
    } else if (json_get(v, "min_cat1_len")) {
      uint8_t blob[841];
      int is = -1;
      memset(blob, 0, sizeof blob);
      blob[0] = 0x01;
      CHECK_RC(sealkit_is_hybrid_ciphertext(blob, 840, &is), SEALKIT_OK, NULL);
      CHECK(is == 0);
      CHECK_RC(sealkit_is_hybrid_ciphertext(blob, 841, &is), SEALKIT_OK, NULL);
      CHECK(is == 1);
      n_hybrid++;
    }
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&seed);
    buf_free(&pk);
    buf_free(&ct);
  }
  json_free(root);
}

static void test_kdf(const char *dir) {
  json_value *root = load(dir, "kdf.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL, *s = NULL;
    buf out = {0}, salt = b64(v, "salt_b64"), key = b64(v, "session_key_b64");
    const char *pw = json_str(v, "password_utf8"), *kh = json_str(v, "key_hash"), *e = json_str(v, "error");
    if (pw && e) {
      CHECK_RC(sealkit_derive_session_key((const uint8_t *)pw, strlen(pw), salt.p, salt.n, &out.p, &out.n, &err), errcode(e), err);
      CHECK_STR(err, "invalid length: expected 16 bytes, got 8");
      n_kdf++;
    } else if (pw && key.p) {
      CHECK_RC(sealkit_derive_session_key((const uint8_t *)pw, strlen(pw), salt.p, salt.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, key.p, key.n));
      n_kdf++;
    }
    if (kh && e) {
      CHECK_RC(sealkit_parse_salt_from_key_hash((const uint8_t *)kh, strlen(kh), &s, &err), errcode(e), err);
      CHECK_STR(err, "invalid key_hash format (expected `salt$argon2id`)");
      CHECK(s == NULL);
      n_kdf++;
    } else if (kh) {
      CHECK_RC(sealkit_parse_salt_from_key_hash((const uint8_t *)kh, strlen(kh), &s, &err), SEALKIT_OK, err);
      CHECK_STR(s, text(v, "salt_b64"));
      sealkit_free_string(s);
      s = NULL;
      CHECK_RC(sealkit_format_key_hash(salt.p, salt.n, &s, &err), SEALKIT_OK, err);
      CHECK_STR(s, kh);
      n_kdf++;
    }
    sealkit_free_string(s);
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&salt);
    buf_free(&key);
  }
  json_free(root);
}

static void test_sign(const char *dir) {
  json_value *root = load(dir, "sign.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL;
    buf out = {0}, sk = b64(v, "secret_key_b64"), pk = b64(v, "public_key_b64"), sig = b64(v, "signature_b64");
    const char *e = json_str(v, "error");
    if (sig.p && pk.p && sk.p) {
      const char *m = text(v, "message_utf8"), *ctx = text(v, "context");
      int valid = -1;
      CHECK_RC(sealkit_verify((const uint8_t *)m, strlen(m), (const uint8_t *)ctx, strlen(ctx), sig.p, sig.n, pk.p, pk.n, &valid, &err), SEALKIT_OK, err);
      CHECK(valid == json_get(v, "verify")->boolean);
      /* A flipped message byte: valid, 0. */
      size_t ml = strlen(m);
      char *m2 = malloc(ml + 1);
      memcpy(m2, m, ml + 1);
      m2[0] ^= 1;
      CHECK_RC(sealkit_verify((const uint8_t *)m2, strlen(m2), (const uint8_t *)ctx, strlen(ctx), sig.p, sig.n, pk.p, pk.n, &valid, &err), SEALKIT_OK, err);
      CHECK(valid == 0);
      free(m2);
      CHECK_RC(sealkit_derive_signing_public_key(sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, pk.p, pk.n));
      buf_free(&out);
      /* Signing again verifies (signatures are randomized or not; either way). */
      CHECK_RC(sealkit_sign((const uint8_t *)m, strlen(m), (const uint8_t *)ctx, strlen(ctx), sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(out.n == sig.n);
      CHECK_RC(sealkit_verify((const uint8_t *)m, strlen(m), (const uint8_t *)ctx, strlen(ctx), out.p, out.n, pk.p, pk.n, &valid, &err), SEALKIT_OK, err);
      CHECK(valid == 1);
      int suite = -1, level = -1, suite2 = -2, level2 = -2;
      CHECK_RC(sealkit_signature_posture(pk.p, pk.n, &suite, &level, &err), SEALKIT_OK, err);
      CHECK_RC(sealkit_signature_posture_from_signature(sig.p, sig.n, &suite2, &level2, &err), SEALKIT_OK, err);
      CHECK(suite == suite2 && level == level2);
      const char *tag = text(v, "tag");
      if (strcmp(tag, "0x01") == 0) CHECK(suite == SEALKIT_SUITE_HYBRID && level == SEALKIT_SIGN_CAT2);
      if (strcmp(tag, "0x02") == 0) CHECK(suite == SEALKIT_SUITE_HYBRID && level == SEALKIT_SIGN_CAT3);
      if (strcmp(tag, "0x03") == 0) CHECK(suite == SEALKIT_SUITE_HYBRID && level == SEALKIT_SIGN_CAT5);
      if (strcmp(tag, "0x10") == 0) CHECK(suite == SEALKIT_SUITE_PURE_CNSA2 && level == SEALKIT_SIGN_CAT5);
      if (strcmp(tag, "0x13") == 0) CHECK(suite == SEALKIT_SUITE_HYBRID_MATCHED && level == SEALKIT_SIGN_CAT3);
      if (strcmp(tag, "0x14") == 0) CHECK(suite == SEALKIT_SUITE_HYBRID_MATCHED && level == SEALKIT_SIGN_CAT5);
      n_sign++;
    } else if (sk.p && json_get(v, "public_key_len")) {
      CHECK_RC(sealkit_derive_signing_public_key(sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(out.n == (size_t)json_get(v, "public_key_len")->number);
      n_sign++;
    } else if (e && json_str(v, "secret_key_hex")) {
      buf bad = hex(v, "secret_key_hex");
      CHECK_RC(sealkit_derive_signing_public_key(bad.p, bad.n, &out.p, &out.n, &err), SEALKIT_E_SIGNATURE, err);
      CHECK_STR(err, "signature: unknown or missing signature version tag");
      buf_free(&bad);
      n_sign++;
    } else if (e && json_str(v, "blob_hex")) {
      buf bad = hex(v, "blob_hex");
      int suite, level;
      CHECK_RC(sealkit_signature_posture(bad.p, bad.n, &suite, &level, &err), SEALKIT_E_SIGNATURE, err);
      buf_free(&bad);
      n_sign++;
    }
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&sk);
    buf_free(&pk);
    buf_free(&sig);
  }
  json_free(root);
}

static void test_authkey(const char *dir) {
  json_value *root = load(dir, "authkey.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL;
    buf out = {0}, sk = hex(v, "session_key"), ak = hex(v, "auth_key");
    CHECK_RC(sealkit_derive_auth_key(sk.p, sk.n, &out.p, &out.n, &err), SEALKIT_OK, err);
    CHECK(eq(out.p, out.n, ak.p, ak.n));
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&sk);
    buf_free(&ak);
    n_auth++;
  }
  json_free(root);
}

static void test_recovery(const char *dir) {
  json_value *root = load(dir, "recovery.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    char *err = NULL;
    const char *rk = text(v, "recovery_key");
    buf out = {0}, secret = hex(v, "secret_hex");
    if (json_str(v, "error")) {
      CHECK_RC(sealkit_recovery_key_to_secret((const uint8_t *)rk, strlen(rk), &out.p, &out.n, &err), SEALKIT_E_INVALID_RECOVERY_KEY, err);
      CHECK_STR(err, "invalid recovery key character");
    } else {
      CHECK_RC(sealkit_recovery_key_to_secret((const uint8_t *)rk, strlen(rk), &out.p, &out.n, &err), SEALKIT_OK, err);
      CHECK(eq(out.p, out.n, secret.p, secret.n));
    }
    n_recovery++;
    sealkit_free_string(err);
    buf_free(&out);
    buf_free(&secret);
  }
  json_free(root);
}

static void test_encoding(const char *dir) {
  json_value *root = load(dir, "encoding.json");
  json_value *vs = VECTORS(root);
  for (size_t i = 0; vs && i < vs->n; i++) {
    json_value *v = vs->items[i];
    const char *bytes = text(v, "bytes_utf8"), *b = text(v, "b64");
    char *s = NULL;
    buf out = {0};
    CHECK_RC(sealkit_encode_base64((const uint8_t *)bytes, strlen(bytes), &s, NULL), SEALKIT_OK, NULL);
    CHECK_STR(s, b);
    CHECK_RC(sealkit_decode_base64((const uint8_t *)b, strlen(b), &out.p, &out.n, NULL), SEALKIT_OK, NULL);
    CHECK(eq(out.p, out.n, bytes, strlen(bytes)));
    sealkit_free_string(s);
    buf_free(&out);
    n_encoding++;
  }
  json_free(root);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../../testdata/vectors";
  test_secretbox(dir);
  test_box_seal(dir);
  test_hybrid(dir);
  test_kdf(dir);
  test_sign(dir);
  test_authkey(dir);
  test_recovery(dir);
  test_encoding(dir);
  printf("vectors checked: secretbox %d, box_seal %d, hybrid %d, kdf %d, sign %d, authkey %d, recovery %d, encoding %d\n",
         n_secretbox, n_box, n_hybrid, n_kdf, n_sign, n_auth, n_recovery, n_encoding);
  /* Every file must have yielded vectors: a parser that silently skips
   * everything would otherwise pass. */
  CHECK(n_secretbox >= 6 && n_box >= 3 && n_hybrid == 7 && n_kdf >= 9 && n_sign >= 13 &&
        n_auth == 3 && n_recovery == 5 && n_encoding == 4);
  return check_report("test_vectors");
}
