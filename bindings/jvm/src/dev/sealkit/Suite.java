package dev.sealkit;

/** The composite signature's algorithm family (sealkit.h's SEALKIT_SUITE_*). */
public enum Suite {
    /** Ed25519 + ML-DSA, tags 0x01-0x03: the crate's default. */
    HYBRID(0),
    /** Ed448 + ML-DSA-65 at Cat-3 (0x13), ECDSA P-521 + ML-DSA-87 at Cat-5 (0x14). */
    HYBRID_MATCHED(1),
    /** ML-DSA-87 alone, Cat-5 only (0x10). */
    PURE_CNSA2(2);

    final int value;

    Suite(int value) {
        this.value = value;
    }

    static Suite of(int value) {
        for (Suite s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        throw new IllegalStateException("libsealkit returned an unknown suite " + value);
    }
}
