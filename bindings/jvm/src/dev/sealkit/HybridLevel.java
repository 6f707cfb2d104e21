package dev.sealkit;

/** The hybrid KEM's security category (ML-KEM-512/768/1024 + X25519). */
public enum HybridLevel {
    /** ML-KEM-512 + X25519, tag 0x01. */
    CAT1(Lib.SEALKIT_CAT1),
    /** ML-KEM-768 + X25519, tag 0x02: the crate's default. */
    CAT3(Lib.SEALKIT_CAT3),
    /** ML-KEM-1024 + X25519, tag 0x03. */
    CAT5(Lib.SEALKIT_CAT5);

    final int value;

    HybridLevel(int value) {
        this.value = value;
    }
}
