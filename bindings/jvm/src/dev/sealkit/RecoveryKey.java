package dev.sealkit;

import java.util.Arrays;

/**
 * A recovery key: {@code key} is the 76-character text shown to the user
 * (64 symbols in groups of five), {@code secret} the 32 bytes it decodes to.
 */
public record RecoveryKey(String key, byte[] secret) {
    /** Zeroes the secret's bytes (the String cannot be wiped; drop it). */
    public void wipe() {
        Arrays.fill(secret, (byte) 0);
    }
}
