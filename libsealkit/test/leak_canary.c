/* A program that leaks on purpose: `make test` requires valgrind to FAIL
 * on it, proving that the suppressions in go.supp hide only Go's own heap
 * and that a caller who forgets sealkit_free is still caught. */
#include "sealkit.h"

int main(void) {
  for (int i = 0; i < 4; i++) {
    uint8_t *key;
    size_t len;
    if (sealkit_generate_key(&key, &len) != SEALKIT_OK) return 2;
    key = NULL; /* forgotten: never sealkit_free'd */
    (void)key;
  }
  return 0;
}
