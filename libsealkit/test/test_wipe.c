/* sealkit_free and sealkit_free_string wipe before they free. This test
 * defines free() itself — the executable's definition interposes on the
 * library's calls — and, for the one pointer it watches, checks that the
 * bytes are all zero when free is reached, then hands the pointer to
 * glibc's __libc_free. A control case frees a buffer without wiping to
 * show the check can fail. Run plainly (not under valgrind or ASan, which
 * replace free themselves). */
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "check.h"

extern void __libc_free(void *p);

/* volatile: the compiler knows what the standard free does and would
 * otherwise assume a call to it leaves these unchanged. */
static void *volatile watch;
static volatile size_t watch_len;
static volatile int watch_result = -1; /* -1: not freed yet, 1: wiped, 0: not wiped */

void free(void *p) {
  if (p != NULL && p == watch) {
    int zero = 1;
    for (size_t i = 0; i < watch_len; i++)
      if (((volatile unsigned char *)p)[i] != 0) zero = 0;
    watch_result = zero;
    watch = NULL;
  }
  __libc_free(p);
}

static void expect(void *p, size_t n) {
  watch = p;
  watch_len = n;
  watch_result = -1;
}

static int nonzero(const void *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (((const unsigned char *)p)[i]) return 1;
  return 0;
}

int main(void) {
  uint8_t *key, *pk, *seed;
  size_t keyn, pkn, seedn;
  char *rk = NULL, *err = NULL;

  /* A secret key. */
  CHECK_RC(sealkit_generate_key(&key, &keyn), SEALKIT_OK, NULL);
  CHECK(nonzero(key, keyn));
  expect(key, keyn);
  sealkit_free(key, keyn);
  CHECK(watch_result == 1);

  /* A hybrid seed and a public key. */
  CHECK_RC(sealkit_generate_hybrid_keypair(SEALKIT_CAT5, &pk, &pkn, &seed, &seedn, NULL), SEALKIT_OK, NULL);
  expect(seed, seedn);
  sealkit_free(seed, seedn);
  CHECK(watch_result == 1);
  expect(pk, pkn);
  sealkit_free(pk, pkn);
  CHECK(watch_result == 1);

  /* A string output (a recovery key is a secret) and its secret. */
  CHECK_RC(sealkit_generate_recovery_key(&rk, &key, &keyn, NULL), SEALKIT_OK, NULL);
  CHECK(rk != NULL && strlen(rk) == SEALKIT_RECOVERYKEYCHARS);
  expect(rk, strlen(rk));
  sealkit_free_string(rk);
  CHECK(watch_result == 1);
  expect(key, keyn);
  sealkit_free(key, keyn);
  CHECK(watch_result == 1);

  /* An error text. */
  CHECK_RC(sealkit_decrypt_secretbox(NULL, 0, NULL, 0, &key, &keyn, &err), SEALKIT_E_INVALID_LENGTH, err);
  expect(err, strlen(err));
  sealkit_free_string(err);
  CHECK(watch_result == 1);

  /* An empty output is a real pointer, freed too. */
  uint8_t k32[32] = {1}, *ct, *pt;
  size_t ctn, ptn;
  CHECK_RC(sealkit_encrypt_secretbox(NULL, 0, k32, 32, &ct, &ctn, NULL), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_decrypt_secretbox(ct, ctn, k32, 32, &pt, &ptn, NULL), SEALKIT_OK, NULL);
  CHECK(pt != NULL && ptn == 0);
  expect(pt, 0);
  sealkit_free(pt, ptn);
  CHECK(watch_result == 1);
  sealkit_free(ct, ctn);

  /* Control: plain free() of an unwiped output is seen as not wiped. */
  CHECK_RC(sealkit_generate_key(&key, &keyn), SEALKIT_OK, NULL);
  expect(key, keyn);
  free(key);
  CHECK(watch_result == 0);

  return check_report("test_wipe");
}
