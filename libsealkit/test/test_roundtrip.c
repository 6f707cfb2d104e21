/* Round trips and bad input through the C API: keys, secretbox, sealed
 * boxes, hybrid seals at every level, seal_for_user. Every failure must be
 * a status code with the crate's text and no outputs. */
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "check.h"

static const uint8_t msg[] = "attack at dawn";
#define MSG_LEN (sizeof msg - 1)

static void test_keys(void) {
  uint8_t *k = NULL, *pk = NULL, *sk = NULL, *pk2 = NULL;
  size_t klen = 99, pklen = 0, sklen = 0, pk2len = 0;
  char *err = NULL;
  CHECK_RC(sealkit_generate_key(&k, &klen), SEALKIT_OK, NULL);
  CHECK(k != NULL && klen == SEALKIT_KEYBYTES);
  sealkit_free(k, klen);
  CHECK_RC(sealkit_generate_salt(&k, &klen), SEALKIT_OK, NULL);
  CHECK(k != NULL && klen == SEALKIT_SALTBYTES);
  sealkit_free(k, klen);
  CHECK_RC(sealkit_generate_key(NULL, &klen), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_generate_key(&k, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);

  CHECK_RC(sealkit_generate_keypair(&pk, &pklen, &sk, &sklen), SEALKIT_OK, NULL);
  CHECK(pklen == 32 && sklen == 32);
  CHECK_RC(sealkit_public_key_from_private(sk, sklen, &pk2, &pk2len, &err), SEALKIT_OK, err);
  CHECK(pk2len == 32 && memcmp(pk, pk2, 32) == 0);
  CHECK(err == NULL);
  sealkit_free(pk2, pk2len);
  CHECK_RC(sealkit_public_key_from_private(sk, 31, &pk2, &pk2len, &err), SEALKIT_E_INVALID_LENGTH, err);
  CHECK_STR(err, "invalid length: expected 32 bytes, got 31");
  CHECK(pk2 == NULL && pk2len == 0);
  sealkit_free_string(err);
  sealkit_free(pk, pklen);
  sealkit_free(sk, sklen);
}

static void test_secretbox(void) {
  uint8_t *key, *ct, *pt;
  size_t keylen, ctlen, ptlen;
  char *err = NULL;
  CHECK_RC(sealkit_generate_key(&key, &keylen), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_encrypt_secretbox(msg, MSG_LEN, key, keylen, &ct, &ctlen, &err), SEALKIT_OK, err);
  CHECK(ctlen == MSG_LEN + SEALKIT_SECRETBOX_OVERHEAD);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctlen, key, keylen, &pt, &ptlen, &err), SEALKIT_OK, err);
  CHECK(ptlen == MSG_LEN && memcmp(pt, msg, MSG_LEN) == 0);
  sealkit_free(pt, ptlen);

  /* Empty plaintext: a non-NULL output of length 0. NULL input, len 0. */
  uint8_t *ect, *ept;
  size_t ectlen, eptlen;
  CHECK_RC(sealkit_encrypt_secretbox(NULL, 0, key, keylen, &ect, &ectlen, NULL), SEALKIT_OK, NULL);
  CHECK(ectlen == 40);
  CHECK_RC(sealkit_decrypt_secretbox(ect, ectlen, key, keylen, &ept, &eptlen, NULL), SEALKIT_OK, NULL);
  CHECK(ept != NULL && eptlen == 0);
  sealkit_free(ept, eptlen);
  sealkit_free(ect, ectlen);

  /* Every bit flip fails as DECRYPTION with the crate's text. */
  int all = 1;
  for (size_t i = 0; i < ctlen; i++) {
    ct[i] ^= 0x01;
    pt = (uint8_t *)1;
    ptlen = 7;
    int rc = sealkit_decrypt_secretbox(ct, ctlen, key, keylen, &pt, &ptlen, &err);
    if (rc != SEALKIT_E_DECRYPTION || pt != NULL || ptlen != 0 || err == NULL ||
        strcmp(err, "decryption failed: invalid ciphertext or wrong key") != 0)
      all = 0;
    sealkit_free_string(err);
    ct[i] ^= 0x01;
  }
  CHECK(all);

  pt = NULL;
  CHECK_RC(sealkit_decrypt_secretbox(ct, 39, key, keylen, &pt, &ptlen, &err), SEALKIT_E_TOO_SHORT, err);
  CHECK_STR(err, "ciphertext too short to be valid");
  sealkit_free_string(err);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctlen, key, 16, &pt, &ptlen, &err), SEALKIT_E_INVALID_LENGTH, err);
  CHECK_STR(err, "invalid length: expected 32 bytes, got 16");
  sealkit_free_string(err);
  uint8_t key33[33] = {0};
  CHECK_RC(sealkit_encrypt_secretbox(msg, MSG_LEN, key33, 33, &pt, &ptlen, &err), SEALKIT_E_INVALID_LENGTH, err);
  CHECK_STR(err, "invalid length: expected 32 bytes, got 33");
  sealkit_free_string(err);
  /* NULL with a nonzero length, NULL outputs. */
  CHECK_RC(sealkit_decrypt_secretbox(NULL, 50, key, keylen, &pt, &ptlen, &err), SEALKIT_E_INVALID_ARGUMENT, err);
  CHECK_STR(err, "invalid argument: NULL pointer with a nonzero length");
  sealkit_free_string(err);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctlen, NULL, 32, &pt, &ptlen, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctlen, key, keylen, NULL, &ptlen, &err), SEALKIT_E_INVALID_ARGUMENT, err);
  CHECK_STR(err, "invalid argument: NULL output pointer");
  sealkit_free_string(err);
  sealkit_free(ct, ctlen);
  sealkit_free(key, keylen);
}

static void test_box(void) {
  uint8_t *pk, *sk, *ct, *pt;
  size_t pklen, sklen, ctlen, ptlen;
  char *err = NULL;
  CHECK_RC(sealkit_generate_keypair(&pk, &pklen, &sk, &sklen), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_box_seal(msg, MSG_LEN, pk, pklen, &ct, &ctlen, &err), SEALKIT_OK, err);
  CHECK(ctlen == MSG_LEN + SEALKIT_BOXSEAL_OVERHEAD);
  CHECK_RC(sealkit_box_seal_open(ct, ctlen, pk, pklen, sk, sklen, &pt, &ptlen, &err), SEALKIT_OK, err);
  CHECK(ptlen == MSG_LEN && memcmp(pt, msg, MSG_LEN) == 0);
  sealkit_free(pt, ptlen);
  ct[ctlen - 1] ^= 0x80;
  CHECK_RC(sealkit_box_seal_open(ct, ctlen, pk, pklen, sk, sklen, &pt, &ptlen, &err), SEALKIT_E_DECRYPTION, err);
  CHECK_STR(err, "decryption failed: invalid ciphertext or wrong key");
  sealkit_free_string(err);
  CHECK_RC(sealkit_box_seal_open(ct, 47, pk, pklen, sk, sklen, &pt, &ptlen, &err), SEALKIT_E_TOO_SHORT, err);
  sealkit_free_string(err);
  /* The all-zero point is low order. */
  uint8_t zero[32] = {0};
  CHECK_RC(sealkit_box_seal(msg, MSG_LEN, zero, 32, &pt, &ptlen, &err), SEALKIT_E_LOW_ORDER_KEY, err);
  CHECK_STR(err, "invalid public key: low-order X25519 point (all-zero shared secret)");
  sealkit_free_string(err);
  CHECK_RC(sealkit_box_seal(msg, MSG_LEN, pk, 31, &pt, &ptlen, &err), SEALKIT_E_INVALID_LENGTH, err);
  sealkit_free_string(err);
  sealkit_free(ct, ctlen);
  sealkit_free(pk, pklen);
  sealkit_free(sk, sklen);
}

static void test_hybrid(void) {
  static const struct { int level; size_t pk; size_t overhead; uint8_t tag; } levels[] = {
    {SEALKIT_CAT1, SEALKIT_HYBRID_PUBLICKEYBYTES_CAT1, SEALKIT_HYBRID_OVERHEAD_CAT1, 0x01},
    {SEALKIT_CAT3, SEALKIT_HYBRID_PUBLICKEYBYTES_CAT3, SEALKIT_HYBRID_OVERHEAD_CAT3, 0x02},
    {SEALKIT_CAT5, SEALKIT_HYBRID_PUBLICKEYBYTES_CAT5, SEALKIT_HYBRID_OVERHEAD_CAT5, 0x03},
  };
  char *err = NULL;
  for (size_t i = 0; i < 3; i++) {
    uint8_t *pk, *seed, *pk2, *ct, *pt;
    size_t pklen, seedlen, pk2len, ctlen, ptlen;
    int is = -1;
    CHECK_RC(sealkit_generate_hybrid_keypair(levels[i].level, &pk, &pklen, &seed, &seedlen, &err), SEALKIT_OK, err);
    CHECK(pklen == levels[i].pk && seedlen == 32);
    CHECK_RC(sealkit_hybrid_public_key(seed, seedlen, levels[i].level, &pk2, &pk2len, &err), SEALKIT_OK, err);
    CHECK(pk2len == pklen && memcmp(pk, pk2, pklen) == 0);
    sealkit_free(pk2, pk2len);
    CHECK_RC(sealkit_hybrid_seal(msg, MSG_LEN, pk, pklen, &ct, &ctlen, &err), SEALKIT_OK, err);
    CHECK(ctlen == levels[i].overhead + MSG_LEN && ct[0] == levels[i].tag);
    CHECK_RC(sealkit_is_hybrid_ciphertext(ct, ctlen, &is), SEALKIT_OK, NULL);
    CHECK(is == 1);
    CHECK_RC(sealkit_hybrid_open(ct, ctlen, seed, seedlen, &pt, &ptlen, &err), SEALKIT_OK, err);
    CHECK(ptlen == MSG_LEN && memcmp(pt, msg, MSG_LEN) == 0);
    sealkit_free(pt, ptlen);
    ct[ctlen - 1] ^= 1;
    CHECK_RC(sealkit_hybrid_open(ct, ctlen, seed, seedlen, &pt, &ptlen, &err), SEALKIT_E_DECRYPTION, err);
    sealkit_free_string(err);
    sealkit_free(ct, ctlen);
    CHECK_RC(sealkit_hybrid_seal_with_level(msg, MSG_LEN, pk, pklen, levels[i].level, &ct, &ctlen, &err), SEALKIT_OK, err);
    sealkit_free(ct, ctlen);
    /* seal_for_user at this level, and its box fallback. */
    uint8_t *xpk, *xsk;
    size_t xpklen, xsklen;
    CHECK_RC(sealkit_generate_keypair(&xpk, &xpklen, &xsk, &xsklen), SEALKIT_OK, NULL);
    CHECK_RC(sealkit_seal_for_user(levels[i].level, msg, MSG_LEN, xpk, xpklen, pk, pklen, &ct, &ctlen, &err), SEALKIT_OK, err);
    CHECK(ct[0] == levels[i].tag);
    CHECK_RC(sealkit_unseal_from_user(ct, ctlen, xpk, xpklen, xsk, xsklen, seed, seedlen, &pt, &ptlen, &err), SEALKIT_OK, err);
    CHECK(ptlen == MSG_LEN && memcmp(pt, msg, MSG_LEN) == 0);
    sealkit_free(pt, ptlen);
    sealkit_free(ct, ctlen);
    CHECK_RC(sealkit_seal_for_user(levels[i].level, msg, MSG_LEN, xpk, xpklen, NULL, 0, &ct, &ctlen, &err), SEALKIT_OK, err);
    CHECK(ctlen == MSG_LEN + 48);
    CHECK_RC(sealkit_unseal_from_user(ct, ctlen, xpk, xpklen, xsk, xsklen, seed, seedlen, &pt, &ptlen, &err), SEALKIT_OK, err);
    CHECK(ptlen == MSG_LEN && memcmp(pt, msg, MSG_LEN) == 0);
    sealkit_free(pt, ptlen);
    sealkit_free(ct, ctlen);
    sealkit_free(xpk, xpklen);
    sealkit_free(xsk, xsklen);
    sealkit_free(pk, pklen);
    sealkit_free(seed, seedlen);
  }
  uint8_t *pk = NULL, *seed = NULL, *pt = NULL;
  size_t pklen = 5, seedlen = 5, ptlen = 5;
  CHECK_RC(sealkit_generate_hybrid_keypair(2, &pk, &pklen, &seed, &seedlen, &err), SEALKIT_E_HYBRID, err);
  CHECK_STR(err, "hybrid KEM: unknown security level \"2\" (want cat1, cat3 or cat5)");
  CHECK(pk == NULL && seed == NULL && pklen == 0 && seedlen == 0);
  sealkit_free_string(err);
  uint8_t junk[2000];
  memset(junk, 0x07, sizeof junk);
  uint8_t s32[32] = {0};
  CHECK_RC(sealkit_hybrid_open(junk, sizeof junk, s32, 32, &pt, &ptlen, &err), SEALKIT_E_HYBRID, err);
  CHECK_STR(err, "hybrid KEM: not a hybrid ciphertext (bad version tag)");
  sealkit_free_string(err);
  junk[0] = 0x02;
  CHECK_RC(sealkit_hybrid_open(junk, 100, s32, 32, &pt, &ptlen, &err), SEALKIT_E_TOO_SHORT, err);
  sealkit_free_string(err);
  CHECK_RC(sealkit_hybrid_open(junk, sizeof junk, s32, 31, &pt, &ptlen, &err), SEALKIT_E_INVALID_LENGTH, err);
  sealkit_free_string(err);
  CHECK_RC(sealkit_hybrid_seal(msg, MSG_LEN, junk, 1000, &pt, &ptlen, &err), SEALKIT_E_INVALID_LENGTH, err);
  CHECK_STR(err, "invalid length: expected 1216 bytes, got 1000");
  sealkit_free_string(err);
  int is = -1;
  CHECK_RC(sealkit_is_hybrid_ciphertext(junk, 100, &is), SEALKIT_OK, NULL);
  CHECK(is == 0);
  CHECK_RC(sealkit_is_hybrid_ciphertext(NULL, 0, &is), SEALKIT_OK, NULL);
  CHECK(is == 0);
  CHECK_RC(sealkit_is_hybrid_ciphertext(junk, 100, NULL), SEALKIT_E_INVALID_ARGUMENT, NULL);
}

static void test_error_names(void) {
  CHECK_STR(sealkit_error_name(SEALKIT_OK), "OK");
  CHECK_STR(sealkit_error_name(SEALKIT_E_DECRYPTION), "DECRYPTION");
  CHECK_STR(sealkit_error_name(SEALKIT_E_INTERNAL), "INTERNAL");
  CHECK(sealkit_error_name(-1) == NULL);
  CHECK(sealkit_error_name(14) == NULL);
  sealkit_free(NULL, 0);
  sealkit_free_string(NULL);
}

int main(void) {
  test_keys();
  test_secretbox();
  test_box();
  test_hybrid();
  test_error_names();
  return check_report("test_roundtrip");
}
