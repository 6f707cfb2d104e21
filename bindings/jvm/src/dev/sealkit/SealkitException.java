package dev.sealkit;

/**
 * A failed libsealkit call: {@link #code()} is the library's status code
 * (sealkit.h's SEALKIT_E_* value), {@link #codeName()} the SDK's ErrorCode
 * string for it ("DECRYPTION", "INVALID_LENGTH", …, js/errors.js), and
 * {@link #getMessage()} the crate's error text. Neither ever holds key
 * bytes or plaintext.
 */
public final class SealkitException extends Exception {
    private static final long serialVersionUID = 1L;

    /** SEALKIT_E_BASE64 … SEALKIT_E_INTERNAL, as sealkit.h numbers them. */
    public static final int BASE64 = 1, DECRYPTION = 2, INVALID_LENGTH = 3, TOO_SHORT = 4,
            INVALID_KEY_HASH = 5, INVALID_RECOVERY_KEY = 6, KDF = 7, HYBRID = 8, UTF8 = 9,
            LOW_ORDER_KEY = 10, SIGNATURE = 11, INVALID_ARGUMENT = 12, INTERNAL = 13;

    private final int code;
    private final String codeName;

    SealkitException(int code, String codeName, String message) {
        super(message);
        this.code = code;
        this.codeName = codeName;
    }

    /** The status code the library returned (never SEALKIT_OK). */
    public int code() {
        return code;
    }

    /** The SDK's name for {@link #code()}, e.g. "DECRYPTION". */
    public String codeName() {
        return codeName;
    }
}
