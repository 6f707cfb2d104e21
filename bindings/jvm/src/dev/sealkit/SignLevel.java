package dev.sealkit;

/** The composite signature's security category (ML-DSA-44/65/87 + a classical signature). */
public enum SignLevel {
    /** ML-DSA-44 + Ed25519. */
    CAT2(Lib.SEALKIT_SIGN_CAT2),
    /** ML-DSA-65 + Ed25519: the crate's default. */
    CAT3(Lib.SEALKIT_SIGN_CAT3),
    /** ML-DSA-87 + Ed25519 (suite HYBRID; see {@link Suite} for the others). */
    CAT5(Lib.SEALKIT_SIGN_CAT5);

    final int value;

    SignLevel(int value) {
        this.value = value;
    }

    static SignLevel of(int value) {
        for (SignLevel l : values()) {
            if (l.value == value) {
                return l;
            }
        }
        throw new IllegalStateException("libsealkit returned an unknown level " + value);
    }
}
