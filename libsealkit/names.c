// The status codes' names, as static strings: sealkit_error_name returns
// them and the caller never frees them. They are the SDK's ErrorCode
// names (js/errors.js), indexed by the codes in boundary.go and sealkit.h.
#include <stddef.h>

const char *sealkit_name_of(int code) {
  static const char *const names[] = {
      "OK",          "BASE64",  "DECRYPTION",    "INVALID_LENGTH",   "TOO_SHORT",
      "INVALID_KEY_HASH", "INVALID_RECOVERY_KEY", "KDF", "HYBRID",   "UTF8",
      "LOW_ORDER_KEY", "SIGNATURE", "INVALID_ARGUMENT", "INTERNAL",
  };
  if (code < 0 || (size_t)code >= sizeof names / sizeof names[0]) {
    return NULL;
  }
  return names[code];
}
