/* A Go panic inside the library comes back as SEALKIT_E_INTERNAL, with
 * every output reset and already-allocated outputs freed (valgrind sees a
 * leak otherwise), and the host and the library go on working. Linked to
 * the test build of the library (tag sealkit_testhooks), the only one
 * with sealkit_test_panic. */
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "check.h"

int sealkit_test_panic(int after_output, uint8_t **out, size_t *out_len, char **error);

int main(void) {
  for (int after = 0; after <= 1; after++) {
    uint8_t *out = (uint8_t *)1;
    size_t n = 7;
    char *err = NULL;
    CHECK_RC(sealkit_test_panic(after, &out, &n, &err), SEALKIT_E_INTERNAL, err);
    CHECK_STR(err, "internal error");
    CHECK(out == NULL && n == 0);
    sealkit_free_string(err);
  }
  /* Still working, many times over (a recovered panic leaves no state). */
  for (int i = 0; i < 100; i++) {
    uint8_t *out;
    size_t n;
    CHECK_RC(sealkit_test_panic(i & 1, &out, &n, NULL), SEALKIT_E_INTERNAL, NULL);
  }
  uint8_t *key, *ct;
  size_t keyn, ctn;
  CHECK_RC(sealkit_generate_key(&key, &keyn), SEALKIT_OK, NULL);
  CHECK_RC(sealkit_encrypt_secretbox((const uint8_t *)"x", 1, key, keyn, &ct, &ctn, NULL), SEALKIT_OK, NULL);
  sealkit_free(ct, ctn);
  sealkit_free(key, keyn);
  return check_report("test_panic");
}
