package dev.sealkit;

/**
 * sealkit's core for the JVM: every function of libsealkit (sealkit.h),
 * with byte[] in and out. Each method copies its inputs into native memory
 * that is wiped after the call, copies each output into a new Java array and
 * releases the library's buffer with {@code sealkit_free}, which wipes it.
 * The arrays returned are the caller's; wipe secret ones with
 * {@code Arrays.fill(b, (byte) 0)} when done.
 *
 * <p>Every failure is a {@link SealkitException} carrying the library's
 * status code and the crate's error text; bad input never crashes the JVM.
 * All methods are thread-safe (libsealkit keeps no mutable global state).
 */
public final class Sealkit {
    private Sealkit() {}

    /** Sign with this context unless the protocol names another (the crate's SIGN_CONTEXT_V1). */
    public static final String SIGN_CONTEXT_V1 = "metamorphic/sign/v1";

    /** A new random 32-byte secretbox key. */
    public static byte[] generateKey() throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_key")) {
            Lib.BytesOut o = c.bytesOut();
            c.invokeWithoutText();
            return o.take();
        }
    }

    /** A new random 16-byte Argon2id salt. */
    public static byte[] generateSalt() throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_salt")) {
            Lib.BytesOut o = c.bytesOut();
            c.invokeWithoutText();
            return o.take();
        }
    }

    /** A new X25519 key pair (crypto_box): public key and private key, 32 bytes each. */
    public static KeyPair generateKeyPair() throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_keypair")) {
            Lib.BytesOut pk = c.bytesOut(), sk = c.bytesOut();
            c.invokeWithoutText();
            return new KeyPair(pk.take(), sk.take());
        }
    }

    /** The X25519 public key of a 32-byte private key. */
    public static byte[] publicKeyFromPrivate(byte[] privateKey) throws SealkitException {
        return bytes("sealkit_public_key_from_private", privateKey);
    }

    /** XSalsa20-Poly1305 under a 32-byte key: nonce(24) || tag(16) || ciphertext. */
    public static byte[] encryptSecretbox(byte[] plaintext, byte[] key) throws SealkitException {
        return bytes("sealkit_encrypt_secretbox", plaintext, key);
    }

    /** Opens {@link #encryptSecretbox}'s output; a wrong key or any changed byte is DECRYPTION. */
    public static byte[] decryptSecretbox(byte[] ciphertext, byte[] key) throws SealkitException {
        return bytes("sealkit_decrypt_secretbox", ciphertext, key);
    }

    /** crypto_box_seal to an X25519 public key: ephemeral pk(32) || tag(16) || ciphertext. */
    public static byte[] boxSeal(byte[] plaintext, byte[] publicKey) throws SealkitException {
        return bytes("sealkit_box_seal", plaintext, publicKey);
    }

    /** Opens {@link #boxSeal}'s output with the recipient's key pair. */
    public static byte[] boxSealOpen(byte[] ciphertext, byte[] publicKey, byte[] privateKey)
            throws SealkitException {
        return bytes("sealkit_box_seal_open", ciphertext, publicKey, privateKey);
    }

    /** A new hybrid (ML-KEM + X25519) key pair: the public key and the 32-byte seed. */
    public static KeyPair generateHybridKeyPair(HybridLevel level) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_hybrid_keypair")) {
            c.arg(level.value);
            Lib.BytesOut pk = c.bytesOut(), seed = c.bytesOut();
            c.invoke();
            return new KeyPair(pk.take(), seed.take());
        }
    }

    /** The hybrid public key a seed gives at a level. */
    public static byte[] hybridPublicKey(byte[] seed, HybridLevel level) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_hybrid_public_key")) {
            c.in(seed).arg(level.value);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** Seals to a hybrid public key at the level its length names. */
    public static byte[] hybridSeal(byte[] plaintext, byte[] publicKey) throws SealkitException {
        return bytes("sealkit_hybrid_seal", plaintext, publicKey);
    }

    /** Seals to a hybrid public key, requiring it to be of {@code level}. */
    public static byte[] hybridSeal(byte[] plaintext, byte[] publicKey, HybridLevel level)
            throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_hybrid_seal_with_level")) {
            c.in(plaintext).in(publicKey).arg(level.value);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** Opens a hybrid ciphertext with the 32-byte seed. */
    public static byte[] hybridOpen(byte[] ciphertext, byte[] seed) throws SealkitException {
        return bytes("sealkit_hybrid_open", ciphertext, seed);
    }

    /** Whether a ciphertext is hybrid-sealed (by tag and minimum length), as the crate decides. */
    public static boolean isHybridCiphertext(byte[] ciphertext) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_is_hybrid_ciphertext")) {
            c.in(ciphertext);
            Lib.IntOut r = c.intOut();
            c.invokeWithoutText();
            return r.get() != 0;
        }
    }

    /**
     * Seals to a user: hybrid at {@code level} when {@code pqPublicKey} is
     * non-empty, else crypto_box_seal to {@code publicKey}.
     */
    public static byte[] sealForUser(HybridLevel level, byte[] plaintext, byte[] publicKey,
            byte[] pqPublicKey) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_seal_for_user")) {
            c.arg(level.value).in(plaintext).in(publicKey).in(pqPublicKey);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** Opens {@link #sealForUser}'s output (pqSeed may be empty for a box_seal ciphertext). */
    public static byte[] unsealFromUser(byte[] ciphertext, byte[] publicKey, byte[] privateKey,
            byte[] pqSeed) throws SealkitException {
        return bytes("sealkit_unseal_from_user", ciphertext, publicKey, privateKey, pqSeed);
    }

    /** Argon2id (t=2, m=64 MiB, p=1) of a password and a 16-byte salt: the 32-byte session key. */
    public static byte[] deriveSessionKey(String password, byte[] salt) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_derive_session_key")) {
            c.in(password).in(salt);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** The server authentication key derived from a session key. */
    public static byte[] deriveAuthKey(byte[] sessionKey) throws SealkitException {
        return bytes("sealkit_derive_auth_key", sessionKey);
    }

    /** "&lt;salt base64&gt;$argon2id". */
    public static String formatKeyHash(byte[] salt) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_format_key_hash")) {
            c.in(salt);
            Lib.StringOut o = c.stringOut();
            c.invoke();
            return o.take();
        }
    }

    /** The salt (base64) of a key hash; anything but "&lt;16-byte salt&gt;$argon2id" is INVALID_KEY_HASH. */
    public static String parseSaltFromKeyHash(String keyHash) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_parse_salt_from_key_hash")) {
            c.in(keyHash);
            Lib.StringOut o = c.stringOut();
            c.invoke();
            return o.take();
        }
    }

    /** Wraps a private key under a session key (secretbox). */
    public static byte[] encryptPrivateKey(byte[] privateKey, byte[] sessionKey) throws SealkitException {
        return bytes("sealkit_encrypt_private_key", privateKey, sessionKey);
    }

    /** Unwraps {@link #encryptPrivateKey}'s output. */
    public static byte[] decryptPrivateKey(byte[] ciphertext, byte[] sessionKey) throws SealkitException {
        return bytes("sealkit_decrypt_private_key", ciphertext, sessionKey);
    }

    /** A new random recovery key and the 32-byte secret it encodes. */
    public static RecoveryKey generateRecoveryKey() throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_recovery_key")) {
            Lib.StringOut key = c.stringOut();
            Lib.BytesOut secret = c.bytesOut();
            c.invoke();
            return new RecoveryKey(key.take(), secret.take());
        }
    }

    /** The 32-byte secret a recovery key's text encodes (dashes and case ignored). */
    public static byte[] recoveryKeyToSecret(String recoveryKey) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_recovery_key_to_secret")) {
            c.in(recoveryKey);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** Wraps a private key under a recovery secret. */
    public static byte[] encryptPrivateKeyForRecovery(byte[] privateKey, byte[] recoverySecret)
            throws SealkitException {
        return bytes("sealkit_encrypt_private_key_for_recovery", privateKey, recoverySecret);
    }

    /** Unwraps {@link #encryptPrivateKeyForRecovery}'s output. */
    public static byte[] decryptPrivateKeyWithRecovery(byte[] ciphertext, byte[] recoverySecret)
            throws SealkitException {
        return bytes("sealkit_decrypt_private_key_with_recovery", ciphertext, recoverySecret);
    }

    /** The keyed blind index of a value (deterministic for one key). */
    public static byte[] blindIndex(byte[] key, byte[] value) throws SealkitException {
        return bytes("sealkit_blind_index", key, value);
    }

    /** The blind index of an e-mail address, normalised as the crate does. */
    public static byte[] blindIndexEmail(byte[] key, String email) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_blind_index_email")) {
            c.in(key).in(email);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** A new composite signing key pair (ML-DSA + Ed25519) at a level. */
    public static KeyPair generateSigningKeyPair(SignLevel level) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_signing_keypair")) {
            c.arg(level.value);
            Lib.BytesOut pk = c.bytesOut(), sk = c.bytesOut();
            c.invoke();
            return new KeyPair(pk.take(), sk.take());
        }
    }

    /** A new signing key pair of a suite at a level (PURE_CNSA2 only at CAT5; HYBRID_MATCHED at CAT3 or CAT5). */
    public static KeyPair generateSigningKeyPair(Suite suite, SignLevel level) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_generate_signing_keypair_suite")) {
            c.arg(suite.value).arg(level.value);
            Lib.BytesOut pk = c.bytesOut(), sk = c.bytesOut();
            c.invoke();
            return new KeyPair(pk.take(), sk.take());
        }
    }

    /** The suite and level a signing public key is of. */
    public static Posture signaturePosture(byte[] publicKey) throws SealkitException {
        return posture("sealkit_signature_posture", publicKey);
    }

    /** The suite and level a signature is of. */
    public static Posture signaturePostureFromSignature(byte[] signature) throws SealkitException {
        return posture("sealkit_signature_posture_from_signature", signature);
    }

    private static Posture posture(String fn, byte[] b) throws SealkitException {
        try (Lib.Call c = new Lib.Call(fn)) {
            c.in(b);
            Lib.IntOut suite = c.intOut(), level = c.intOut();
            c.invoke();
            return new Posture(Suite.of(suite.get()), SignLevel.of(level.get()));
        }
    }

    /** The public key of a signing secret key. */
    public static byte[] deriveSigningPublicKey(byte[] secretKey) throws SealkitException {
        return bytes("sealkit_derive_signing_public_key", secretKey);
    }

    /** Signs u64_be(len(context)) || context || message with every component of the key. */
    public static byte[] sign(byte[] message, String context, byte[] secretKey) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_sign")) {
            c.in(message).in(context).in(secretKey);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /**
     * Whether {@code signature} is a valid signature of message under context
     * by publicKey. A malformed key or signature is a SIGNATURE exception, a
     * well-formed signature that does not verify is {@code false}.
     */
    public static boolean verify(byte[] message, String context, byte[] signature, byte[] publicKey)
            throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_verify")) {
            c.in(message).in(context).in(signature).in(publicKey);
            Lib.IntOut valid = c.intOut();
            c.invoke();
            return valid.get() != 0;
        }
    }

    /** Standard base64 with padding, the crate's encoding. */
    public static String encodeBase64(byte[] b) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_encode_base64")) {
            c.in(b);
            Lib.StringOut o = c.stringOut();
            c.invoke();
            return o.take();
        }
    }

    /** Decodes the crate's base64 (canonical padding required, no whitespace). */
    public static byte[] decodeBase64(String text) throws SealkitException {
        try (Lib.Call c = new Lib.Call("sealkit_decode_base64")) {
            c.in(text);
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }

    /** The common shape: byte inputs, one byte output, an error text. */
    private static byte[] bytes(String fn, byte[]... inputs) throws SealkitException {
        try (Lib.Call c = new Lib.Call(fn)) {
            for (byte[] b : inputs) {
                c.in(b);
            }
            Lib.BytesOut o = c.bytesOut();
            c.invoke();
            return o.take();
        }
    }
}
