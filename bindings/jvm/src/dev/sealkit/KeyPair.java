package dev.sealkit;

import java.util.Arrays;

/**
 * A public key and its secret half (an X25519 private key, a hybrid seed or
 * a signing secret key, by the call that made it). The arrays are the
 * caller's: {@link #wipe()} zeroes the secret when it is no longer needed.
 */
public record KeyPair(byte[] publicKey, byte[] secretKey) {
    /** Zeroes the secret key's bytes. */
    public void wipe() {
        Arrays.fill(secretKey, (byte) 0);
    }
}
