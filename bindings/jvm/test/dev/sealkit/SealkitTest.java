package dev.sealkit;

import com.sun.jna.Function;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The binding's tests: a plain runner (java dev.sealkit.SealkitTest) so that
 * `make test-jvm` needs nothing beyond the JDK and Debian's libjna-java.
 * Each test is a method below listed in main; a failed check throws, the
 * runner prints every failure and exits 1. Vectors are the repository's
 * testdata/vectors (the shared wire-format vectors), located by the system
 * property sealkit.vectors.
 */
public final class SealkitTest {
    interface Test {
        void run() throws Exception;
    }

    private static Path vectors;

    public static void main(String[] args) throws Exception {
        vectors = Path.of(System.getProperty("sealkit.vectors", "testdata/vectors"));
        Map<String, Test> tests = new LinkedHashMap<>();
        tests.put("vectorsEncoding", SealkitTest::vectorsEncoding);
        tests.put("vectorsSecretbox", SealkitTest::vectorsSecretbox);
        tests.put("vectorsBoxSeal", SealkitTest::vectorsBoxSeal);
        tests.put("vectorsHybrid", SealkitTest::vectorsHybrid);
        tests.put("vectorsKdf", SealkitTest::vectorsKdf);
        tests.put("vectorsRecovery", SealkitTest::vectorsRecovery);
        tests.put("vectorsSign", SealkitTest::vectorsSign);
        tests.put("roundTripSecretbox", SealkitTest::roundTripSecretbox);
        tests.put("roundTripBoxSeal", SealkitTest::roundTripBoxSeal);
        tests.put("roundTripHybrid", SealkitTest::roundTripHybrid);
        tests.put("roundTripSealForUser", SealkitTest::roundTripSealForUser);
        tests.put("roundTripPrivateKeyAndRecovery", SealkitTest::roundTripPrivateKeyAndRecovery);
        tests.put("roundTripSign", SealkitTest::roundTripSign);
        tests.put("blindIndex", SealkitTest::blindIndex);
        tests.put("badInputIsAnException", SealkitTest::badInputIsAnException);
        tests.put("garbageNeverCrashes", SealkitTest::garbageNeverCrashes);
        tests.put("errorNamesMatchTheLibrary", SealkitTest::errorNamesMatchTheLibrary);
        tests.put("threads", SealkitTest::threads);
        tests.put("outputsAreFreed", SealkitTest::outputsAreFreed);
        tests.put("peerEveryFormat", SealkitTest::peerEveryFormat);
        tests.put("peerErrors", SealkitTest::peerErrors);
        String only = args.length > 0 ? args[0] : null;
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Test> t : tests.entrySet()) {
            if (only != null && !t.getKey().matches(only)) {
                continue;
            }
            long start = System.nanoTime();
            try {
                t.getValue().run();
                System.out.printf("ok   %-34s %6d ms%n", t.getKey(), (System.nanoTime() - start) / 1_000_000);
            } catch (Throwable e) {
                failed.add(t.getKey());
                System.out.printf("FAIL %s%n", t.getKey());
                e.printStackTrace(System.out);
            }
        }
        if (!failed.isEmpty()) {
            System.out.println("FAILED: " + failed);
            System.exit(1);
        }
        System.out.println("PASS");
    }

    // --- helpers ---------------------------------------------------------

    static void check(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    static void eq(byte[] want, byte[] got, String what) {
        if (!Arrays.equals(want, got)) {
            throw new AssertionError(what + ": want " + hex(want) + ", got " + hex(got));
        }
    }

    static void eq(Object want, Object got, String what) {
        if (!java.util.Objects.equals(want, got)) {
            throw new AssertionError(what + ": want " + want + ", got " + got);
        }
    }

    /** Runs f, which must throw a SealkitException of this code name; returns it. */
    static SealkitException fails(String codeName, Test f, String what) throws Exception {
        try {
            f.run();
        } catch (SealkitException e) {
            eq(codeName, e.codeName(), what + " (" + e.getMessage() + ")");
            check(e.code() != 0, what + ": nonzero code");
            check(e.getMessage() != null && !e.getMessage().isEmpty(), what + ": has the crate's text");
            return e;
        }
        throw new AssertionError(what + ": no exception, want " + codeName);
    }

    static byte[] b64(Object s) {
        return Base64.getDecoder().decode((String) s);
    }

    static byte[] hex(Object s) {
        return HexFormat.of().parseHex((String) s);
    }

    static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> load(String name) throws Exception {
        Map<String, Object> f = (Map<String, Object>) Json.parse(Files.readString(vectors.resolve(name + ".json")));
        List<Map<String, Object>> v = (List<Map<String, Object>>) f.get("vectors");
        check(v != null && !v.isEmpty(), name + ": no vectors");
        return v;
    }

    /** The crate's error name ("InvalidLength", "Signature(…)") as the SDK's code ("INVALID_LENGTH"). */
    static String codeOf(String crateError) {
        String n = crateError.split("[ (/{]")[0];
        return n.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }

    // --- vectors ---------------------------------------------------------

    static void vectorsEncoding() throws Exception {
        for (Map<String, Object> v : load("encoding")) {
            byte[] b = utf8((String) v.get("bytes_utf8"));
            eq(v.get("b64"), Sealkit.encodeBase64(b), "encode " + v.get("desc"));
            eq(b, Sealkit.decodeBase64((String) v.get("b64")), "decode " + v.get("desc"));
        }
        fails("BASE64", () -> Sealkit.decodeBase64("aGVsbG8"), "unpadded");
        fails("BASE64", () -> Sealkit.decodeBase64("aGVsbG9="), "non-zero trailing bits");
        fails("BASE64", () -> Sealkit.decodeBase64("aGVs bG8="), "whitespace");
    }

    static void vectorsSecretbox() throws Exception {
        int n = 0;
        for (Map<String, Object> v : load("secretbox")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("ciphertext_b64") && v.containsKey("key_b64")) {
                byte[] pt = v.containsKey("plaintext_hex") ? hex(v.get("plaintext_hex")) : utf8((String) v.get("plaintext_utf8"));
                eq(pt, Sealkit.decryptSecretbox(b64(v.get("ciphertext_b64")), b64(v.get("key_b64"))), desc);
                n++;
            } else if (v.containsKey("ciphertext_b64") && v.containsKey("session_key_b64")) {
                // The wrapped private key is the base64 text of its bytes; the API returns the bytes.
                eq(b64(v.get("private_key_b64")),
                        Sealkit.decryptPrivateKey(b64(v.get("ciphertext_b64")), b64(v.get("session_key_b64"))), desc);
                n++;
            } else if (v.containsKey("ciphertext_len")) {
                byte[] ct = Sealkit.encryptSecretbox(utf8((String) v.get("plaintext_utf8")), b64(v.get("key_b64")));
                eq(((Number) v.get("ciphertext_len")).intValue(), ct.length, desc);
                n++;
            } else if (v.containsKey("key_b64") && v.containsKey("error")) {
                byte[] key = b64(v.get("key_b64"));
                fails(codeOf((String) v.get("error")), () -> Sealkit.encryptSecretbox(utf8("x"), key), desc);
                n++;
            } else if (v.containsKey("error")) {
                fails("TOO_SHORT", () -> Sealkit.decryptSecretbox(new byte[39], new byte[32]), desc);
                n++;
            }
        }
        check(n >= 8, "secretbox: every vector checked, got " + n);
    }

    static void vectorsBoxSeal() throws Exception {
        int n = 0;
        for (Map<String, Object> v : load("box_seal")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("ciphertext_b64")) {
                byte[] pk = b64(v.get("recipient_public_key_b64")), sk = b64(v.get("recipient_private_key_b64"));
                eq(pk, Sealkit.publicKeyFromPrivate(sk), desc + ": public key");
                eq(b64(v.get("plaintext_b64")), Sealkit.boxSealOpen(b64(v.get("ciphertext_b64")), pk, sk), desc);
            } else {
                KeyPair kp = Sealkit.generateKeyPair();
                eq(((Number) v.get("ciphertext_len")).intValue(),
                        Sealkit.boxSeal(utf8((String) v.get("plaintext_utf8")), kp.publicKey()).length, desc);
            }
            n++;
        }
        check(n == 3, "box_seal: 3 vectors, got " + n);
    }

    static void vectorsHybrid() throws Exception {
        int n = 0;
        for (Map<String, Object> v : load("hybrid")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("seed_b64")) {
                byte[] seed = b64(v.get("seed_b64"));
                eq(b64(v.get("public_key_b64")), Sealkit.hybridPublicKey(seed, HybridLevel.CAT3), desc + ": public key");
                byte[] ct = b64(v.get("ciphertext_b64"));
                check(Sealkit.isHybridCiphertext(ct), desc + ": is hybrid");
                eq(utf8((String) v.get("plaintext_utf8")), Sealkit.hybridOpen(ct, seed), desc);
                n++;
            } else if (v.containsKey("blob_hex")) {
                byte[] blob = hex(v.get("blob_hex"));
                eq(v.get("is_hybrid"), Sealkit.isHybridCiphertext(blob), desc);
                if (v.containsKey("hybrid_open_error")) {
                    fails(codeOf((String) v.get("hybrid_open_error")), () -> Sealkit.hybridOpen(blob, new byte[32]), desc);
                }
                n++;
            } else if (v.containsKey("cat1_ct_len")) {
                byte[] pt = new byte[32];
                for (HybridLevel l : HybridLevel.values()) {
                    String c = l.name().toLowerCase();
                    KeyPair kp = Sealkit.generateHybridKeyPair(l);
                    eq(((Number) v.get(c + "_pk_len")).intValue(), kp.publicKey().length, desc + " " + c + " pk");
                    eq(((Number) v.get("sk_len")).intValue(), kp.secretKey().length, desc + " sk");
                    eq(((Number) v.get(c + "_ct_len")).intValue(), Sealkit.hybridSeal(pt, kp.publicKey()).length, desc + " " + c + " ct");
                }
                n++;
            }
        }
        check(n >= 4, "hybrid: vectors checked, got " + n);
    }

    static void vectorsKdf() throws Exception {
        int n = 0;
        for (Map<String, Object> v : load("kdf")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("session_key_b64")) {
                byte[] salt = b64(v.get("salt_b64"));
                eq(b64(v.get("session_key_b64")), Sealkit.deriveSessionKey((String) v.get("password_utf8"), salt), desc);
                eq(v.get("key_hash"), Sealkit.formatKeyHash(salt), desc + ": key hash");
                n++;
            } else if (v.containsKey("key_hash") && v.containsKey("salt_b64")) {
                eq(v.get("salt_b64"), Sealkit.parseSaltFromKeyHash((String) v.get("key_hash")), desc);
                n++;
            } else if (v.containsKey("key_hash")) {
                fails(codeOf((String) v.get("error")), () -> Sealkit.parseSaltFromKeyHash((String) v.get("key_hash")), desc);
                n++;
            } else if (v.containsKey("error")) {
                fails(codeOf((String) v.get("error")),
                        () -> Sealkit.deriveSessionKey((String) v.get("password_utf8"), b64(v.get("salt_b64"))), desc);
                n++;
            }
        }
        check(n == 10, "kdf: 10 vectors, got " + n);
    }

    static void vectorsRecovery() throws Exception {
        int n = 0;
        for (Map<String, Object> v : load("recovery")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("error")) {
                fails(codeOf((String) v.get("error")), () -> Sealkit.recoveryKeyToSecret((String) v.get("recovery_key")), desc);
            } else {
                eq(b64(v.get("recovery_secret_b64")), Sealkit.recoveryKeyToSecret((String) v.get("recovery_key")), desc);
            }
            n++;
        }
        check(n == 5, "recovery: 5 vectors, got " + n);
    }

    static void vectorsSign() throws Exception {
        int verified = 0;
        for (Map<String, Object> v : load("sign")) {
            String desc = (String) v.get("desc");
            if (v.containsKey("signature_b64")) {
                byte[] pk = b64(v.get("public_key_b64")), sig = b64(v.get("signature_b64"));
                byte[] msg = utf8((String) v.get("message_utf8"));
                String ctx = (String) v.get("context");
                eq(pk, Sealkit.deriveSigningPublicKey(b64(v.get("secret_key_b64"))), desc + ": public key");
                eq(v.get("verify"), Sealkit.verify(msg, ctx, sig, pk), desc);
                byte[] other = msg.clone();
                other[0] ^= 1;
                check(!Sealkit.verify(other, ctx, sig, pk), desc + ": another message does not verify");
                check(!Sealkit.verify(msg, ctx + "x", sig, pk), desc + ": another context does not verify");
                verified++;
            } else if (v.containsKey("secret_key_hex")) {
                byte[] sk = hex(v.get("secret_key_hex"));
                fails("SIGNATURE", () -> Sealkit.sign(utf8("m"), Sealkit.SIGN_CONTEXT_V1, sk), desc);
                byte[] junk = new byte[100];
                Arrays.fill(junk, (byte) 9);
                fails("SIGNATURE", () -> Sealkit.verify(utf8("m"), Sealkit.SIGN_CONTEXT_V1, junk, junk), desc + ": verify");
            } else if (v.containsKey("context") && !v.containsKey("framed_b64")) {
                eq(v.get("context"), Sealkit.SIGN_CONTEXT_V1, desc);
            }
        }
        check(verified == 7, "sign: 7 signature vectors, got " + verified);
    }

    // --- round trips -----------------------------------------------------

    static void roundTripSecretbox() throws Exception {
        byte[] key = Sealkit.generateKey();
        eq(32, key.length, "key size");
        for (byte[] pt : new byte[][] {new byte[0], utf8("hello"), new byte[100_000]}) {
            byte[] ct = Sealkit.encryptSecretbox(pt, key);
            eq(pt.length + 40, ct.length, "ciphertext size");
            eq(pt, Sealkit.decryptSecretbox(ct, key), "round trip");
        }
        check(!Arrays.equals(Sealkit.encryptSecretbox(utf8("a"), key), Sealkit.encryptSecretbox(utf8("a"), key)),
                "fresh nonce each time");
        eq(16, Sealkit.generateSalt().length, "salt size");
    }

    static void roundTripBoxSeal() throws Exception {
        KeyPair kp = Sealkit.generateKeyPair();
        eq(kp.publicKey(), Sealkit.publicKeyFromPrivate(kp.secretKey()), "public from private");
        byte[] ct = Sealkit.boxSeal(utf8("to you"), kp.publicKey());
        eq(utf8("to you"), Sealkit.boxSealOpen(ct, kp.publicKey(), kp.secretKey()), "round trip");
        check(!Sealkit.isHybridCiphertext(ct), "box seal is not hybrid");
        KeyPair other = Sealkit.generateKeyPair();
        fails("DECRYPTION", () -> Sealkit.boxSealOpen(ct, other.publicKey(), other.secretKey()), "another key pair");
    }

    static void roundTripHybrid() throws Exception {
        for (HybridLevel l : HybridLevel.values()) {
            KeyPair kp = Sealkit.generateHybridKeyPair(l);
            eq(kp.publicKey(), Sealkit.hybridPublicKey(kp.secretKey(), l), l + ": public from seed");
            byte[] ct = Sealkit.hybridSeal(utf8("pq " + l), kp.publicKey(), l);
            check(Sealkit.isHybridCiphertext(ct), l + ": is hybrid");
            eq(utf8("pq " + l), Sealkit.hybridOpen(ct, kp.secretKey()), l + ": round trip");
            byte[] bad = ct.clone();
            bad[bad.length - 1] ^= 1;
            fails("DECRYPTION", () -> Sealkit.hybridOpen(bad, kp.secretKey()), l + ": flipped byte");
            HybridLevel other = l == HybridLevel.CAT3 ? HybridLevel.CAT1 : HybridLevel.CAT3;
            fails("INVALID_LENGTH", () -> Sealkit.hybridSeal(utf8("x"), kp.publicKey(), other), l + ": level mismatch");
        }
    }

    static void roundTripSealForUser() throws Exception {
        KeyPair box = Sealkit.generateKeyPair();
        KeyPair pq = Sealkit.generateHybridKeyPair(HybridLevel.CAT5);
        byte[] ct = Sealkit.sealForUser(HybridLevel.CAT5, utf8("hi"), box.publicKey(), pq.publicKey());
        check(Sealkit.isHybridCiphertext(ct), "hybrid with a pq key");
        eq(utf8("hi"), Sealkit.unsealFromUser(ct, box.publicKey(), box.secretKey(), pq.secretKey()), "hybrid round trip");
        byte[] legacy = Sealkit.sealForUser(HybridLevel.CAT3, utf8("hi"), box.publicKey(), new byte[0]);
        check(!Sealkit.isHybridCiphertext(legacy), "box seal without a pq key");
        eq(utf8("hi"), Sealkit.unsealFromUser(legacy, box.publicKey(), box.secretKey(), new byte[0]), "box round trip");
    }

    static void roundTripPrivateKeyAndRecovery() throws Exception {
        KeyPair kp = Sealkit.generateKeyPair();
        byte[] salt = Sealkit.generateSalt();
        byte[] session = Sealkit.deriveSessionKey("correct horse", salt);
        eq(32, Sealkit.deriveAuthKey(session).length, "auth key size");
        check(!Arrays.equals(session, Sealkit.deriveAuthKey(session)), "auth key is not the session key");
        byte[] wrapped = Sealkit.encryptPrivateKey(kp.secretKey(), session);
        eq(kp.secretKey(), Sealkit.decryptPrivateKey(wrapped, session), "password wrap");
        byte[] wrong = Sealkit.deriveSessionKey("wrong horse", salt);
        fails("DECRYPTION", () -> Sealkit.decryptPrivateKey(wrapped, wrong), "wrong password");

        RecoveryKey rk = Sealkit.generateRecoveryKey();
        eq(76, rk.key().length(), "recovery key text");
        eq(rk.secret(), Sealkit.recoveryKeyToSecret(rk.key()), "text to secret");
        eq(rk.secret(), Sealkit.recoveryKeyToSecret(rk.key().toLowerCase().replace("-", "")), "dashes and case ignored");
        byte[] rwrapped = Sealkit.encryptPrivateKeyForRecovery(kp.secretKey(), rk.secret());
        eq(kp.secretKey(), Sealkit.decryptPrivateKeyWithRecovery(rwrapped, rk.secret()), "recovery wrap");
        rk.wipe();
        check(Arrays.equals(new byte[32], rk.secret()), "wipe zeroes");
    }

    static void roundTripSign() throws Exception {
        int[] pkLens = {1 + 32 + 1312, 1 + 32 + 1952, 1 + 32 + 2592};
        int i = 0;
        for (SignLevel l : SignLevel.values()) {
            KeyPair kp = Sealkit.generateSigningKeyPair(l);
            eq(pkLens[i++], kp.publicKey().length, l + ": public key size");
            eq(kp.publicKey(), Sealkit.deriveSigningPublicKey(kp.secretKey()), l + ": derive");
            byte[] sig = Sealkit.sign(utf8("entry"), Sealkit.SIGN_CONTEXT_V1, kp.secretKey());
            check(Sealkit.verify(utf8("entry"), Sealkit.SIGN_CONTEXT_V1, sig, kp.publicKey()), l + ": verifies");
            byte[] bad = sig.clone();
            bad[bad.length - 1] ^= 1;
            check(!Sealkit.verify(utf8("entry"), Sealkit.SIGN_CONTEXT_V1, bad, kp.publicKey()), l + ": flipped byte");
            KeyPair other = Sealkit.generateSigningKeyPair(l);
            check(!Sealkit.verify(utf8("entry"), Sealkit.SIGN_CONTEXT_V1, sig, other.publicKey()), l + ": other key");
            eq(new Posture(Suite.HYBRID, l), Sealkit.signaturePosture(kp.publicKey()), l + ": posture");
            eq(new Posture(Suite.HYBRID, l), Sealkit.signaturePostureFromSignature(sig), l + ": posture of the signature");
        }
        for (Posture p : new Posture[] {new Posture(Suite.HYBRID_MATCHED, SignLevel.CAT3),
            new Posture(Suite.HYBRID_MATCHED, SignLevel.CAT5), new Posture(Suite.PURE_CNSA2, SignLevel.CAT5)}) {
            KeyPair kp = Sealkit.generateSigningKeyPair(p.suite(), p.level());
            eq(p, Sealkit.signaturePosture(kp.publicKey()), p + ": posture");
            byte[] sig = Sealkit.sign(utf8("entry"), "ctx", kp.secretKey());
            check(Sealkit.verify(utf8("entry"), "ctx", sig, kp.publicKey()), p + ": verifies");
        }
        fails("SIGNATURE", () -> Sealkit.generateSigningKeyPair(Suite.PURE_CNSA2, SignLevel.CAT2), "pure CNSA 2.0 below Cat-5");
        fails("SIGNATURE", () -> Sealkit.signaturePosture(new byte[0]), "posture of nothing");
    }

    static void blindIndex() throws Exception {
        byte[] key = Sealkit.generateKey();
        byte[] a = Sealkit.blindIndex(key, utf8("x"));
        eq(a, Sealkit.blindIndex(key, utf8("x")), "deterministic");
        check(!Arrays.equals(a, Sealkit.blindIndex(Sealkit.generateKey(), utf8("x"))), "keyed");
        eq(Sealkit.blindIndexEmail(key, "Ann@Example.com"), Sealkit.blindIndexEmail(key, "ann@example.com"),
                "e-mail normalised");
    }

    // --- bad input ---------------------------------------------------------

    static void badInputIsAnException() throws Exception {
        byte[] key = Sealkit.generateKey();
        byte[] ct = Sealkit.encryptSecretbox(utf8("secret"), key);
        fails("DECRYPTION", () -> Sealkit.decryptSecretbox(ct, Sealkit.generateKey()), "wrong key");
        for (int i = 0; i < ct.length; i += 7) {
            byte[] bad = ct.clone();
            bad[i] ^= 0x40;
            fails("DECRYPTION", () -> Sealkit.decryptSecretbox(bad, key), "flip at " + i);
        }
        SealkitException e = fails("INVALID_LENGTH", () -> Sealkit.decryptSecretbox(ct, new byte[31]), "short key");
        check(!e.getMessage().contains(hex(key)), "no key in the text");
        fails("TOO_SHORT", () -> Sealkit.decryptSecretbox(new byte[0], key), "empty ciphertext");
        fails("INVALID_LENGTH", () -> Sealkit.boxSeal(utf8("x"), new byte[0]), "empty public key");
        fails("LOW_ORDER_KEY", () -> Sealkit.boxSeal(utf8("x"), new byte[32]), "all-zero public key");
        KeyPair pq = Sealkit.generateHybridKeyPair(HybridLevel.CAT1);
        byte[] hct = Sealkit.hybridSeal(utf8("x"), pq.publicKey());
        fails("INVALID_LENGTH", () -> Sealkit.hybridOpen(hct, new byte[31]), "short seed");
        fails("HYBRID", () -> Sealkit.hybridOpen(new byte[2000], pq.secretKey()), "unknown tag");
        fails("INVALID_RECOVERY_KEY", () -> Sealkit.recoveryKeyToSecret("AAAA"), "short recovery key");
        fails("INVALID_KEY_HASH", () -> Sealkit.parseSaltFromKeyHash(""), "empty key hash");
        fails("SIGNATURE", () -> Sealkit.sign(utf8("m"), "", new byte[0]), "empty signing key");
        try {
            Sealkit.encryptSecretbox(null, key);
            throw new AssertionError("null input accepted");
        } catch (NullPointerException expected) {
            // Java's own contract: null is a programming error, not bad data.
        }
    }

    /** Random bytes into every decoder: each returns or throws SealkitException, the JVM survives. */
    static void garbageNeverCrashes() throws Exception {
        Random r = new Random(16);
        int errors = 0, calls = 0;
        List<Test> fs = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            byte[] a = new byte[r.nextInt(r.nextBoolean() ? 80 : 3000)];
            byte[] k = new byte[r.nextBoolean() ? 32 : r.nextInt(70)];
            r.nextBytes(a);
            r.nextBytes(k);
            if (a.length > 0 && r.nextBoolean()) {
                a[0] = (byte) (1 + r.nextInt(3));
            }
            String s = new String(a, StandardCharsets.ISO_8859_1);
            fs.clear();
            fs.add(() -> Sealkit.decryptSecretbox(a, k));
            fs.add(() -> Sealkit.boxSealOpen(a, k, k));
            fs.add(() -> Sealkit.hybridOpen(a, k));
            fs.add(() -> Sealkit.isHybridCiphertext(a));
            fs.add(() -> Sealkit.unsealFromUser(a, k, k, k));
            fs.add(() -> Sealkit.decryptPrivateKey(a, k));
            fs.add(() -> Sealkit.decryptPrivateKeyWithRecovery(a, k));
            fs.add(() -> Sealkit.recoveryKeyToSecret(s));
            fs.add(() -> Sealkit.parseSaltFromKeyHash(s));
            fs.add(() -> Sealkit.decodeBase64(s));
            fs.add(() -> Sealkit.verify(a, s, a, k));
            fs.add(() -> Sealkit.verify(k, "", a, a));
            fs.add(() -> Sealkit.sign(a, "", k));
            fs.add(() -> Sealkit.deriveSigningPublicKey(a));
            fs.add(() -> Sealkit.hybridPublicKey(k, HybridLevel.CAT1));
            for (Test f : fs) {
                calls++;
                try {
                    f.run();
                } catch (SealkitException e) {
                    errors++;
                    check(e.code() > 0 && e.code() < 14, "known code " + e.code());
                }
            }
        }
        check(errors > calls / 2, "most garbage is refused: " + errors + "/" + calls);
    }

    static void errorNamesMatchTheLibrary() throws Exception {
        Function name = Lib.LIB.getFunction("sealkit_error_name");
        for (int code = 0; code <= 13; code++) {
            Pointer p = (Pointer) name.invoke(Pointer.class, new Object[] {code});
            check(p != null, "library names code " + code);
            eq(p.getString(0, "UTF-8"), Lib.codeName(code), "code " + code);
        }
        eq(null, name.invoke(Pointer.class, new Object[] {99}), "unknown code");
    }

    static void threads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        byte[] key = Sealkit.generateKey();
                        byte[] pt = utf8("thread message " + i);
                        eq(pt, Sealkit.decryptSecretbox(Sealkit.encryptSecretbox(pt, key), key), "round trip");
                        try {
                            Sealkit.decryptSecretbox(new byte[50], key);
                            throw new AssertionError("garbage opened");
                        } catch (SealkitException e) {
                            eq("DECRYPTION", e.codeName(), "error code under contention");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static long rssKiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS");
    }

    /**
     * 600 MiB of library outputs (1 MiB ciphertexts and plaintexts, and their
     * failures) pass through the binding; if any buffer were not handed back
     * to sealkit_free the process would grow by about that much.
     */
    static void outputsAreFreed() throws Exception {
        byte[] key = Sealkit.generateKey();
        byte[] pt = new byte[1 << 20];
        for (int i = 0; i < 20; i++) {
            Sealkit.decryptSecretbox(Sealkit.encryptSecretbox(pt, key), key);
        }
        long before = rssKiB();
        for (int i = 0; i < 300; i++) {
            byte[] ct = Sealkit.encryptSecretbox(pt, key);
            eq(pt.length, Sealkit.decryptSecretbox(ct, key).length, "round trip");
        }
        long grown = (rssKiB() - before) / 1024;
        check(grown < 200, "resident memory grew by " + grown + " MiB over 600 MiB of outputs");
    }

    // --- the peer ----------------------------------------------------------

    @SuppressWarnings("unchecked")
    static void peerEveryFormat() throws Exception {
        String[] formats = {"secretbox", "box_seal", "hybrid-cat1", "hybrid-cat3", "hybrid-cat5", "private-key",
            "recovery", "session-key", "sign-cat2", "sign-cat3", "sign-cat5"};
        String pt = Base64.getEncoder().encodeToString(utf8("peer plaintext ☃"));
        for (String f : formats) {
            Map<String, Object> r = Peer.handle("{\"op\":\"produce\",\"format\":\"" + f + "\",\"plaintext\":\"" + pt + "\"}");
            check(r.containsKey("ok"), f + ": produce " + r);
            String bundle = Json.write(r.get("ok"));
            Map<String, Object> c = Peer.handle("{\"op\":\"consume\",\"format\":\"" + f + "\",\"bundle\":" + bundle + "}");
            check(c.containsKey("ok"), f + ": consume " + c);
            if (f.startsWith("hybrid-")) {
                Map<String, Object> b = (Map<String, Object>) r.get("ok");
                check(Sealkit.isHybridCiphertext(b64(b.get("ciphertext"))), f + ": sealed hybrid");
                eq(f.substring(7), new String[] {"cat1", "cat3", "cat5"}[(b64(b.get("ciphertext"))[0]) - 1], f + ": level tag");
            }
            Map<String, Object> ok = (Map<String, Object>) c.get("ok");
            if (f.startsWith("sign-")) {
                eq(Boolean.TRUE, ok.get("valid"), f);
                Map<String, Object> b = (Map<String, Object>) Json.parse(bundle);
                b.put("message", Base64.getEncoder().encodeToString(utf8("another")));
                Map<String, Object> c2 = Peer.handle("{\"op\":\"consume\",\"format\":\"" + f + "\",\"bundle\":" + Json.write(b) + "}");
                eq(Boolean.FALSE, ((Map<String, Object>) c2.get("ok")).get("valid"), f + ": another message");
            } else if (f.equals("session-key")) {
                eq(((Map<String, Object>) r.get("ok")).get("session_key"), ok.get("session_key"), f + ": recomputed");
            } else {
                eq(pt, ok.get("plaintext"), f);
                Map<String, Object> b = (Map<String, Object>) Json.parse(bundle);
                byte[] ct = b64(b.get("ciphertext"));
                ct[ct.length - 1] ^= 1;
                b.put("ciphertext", Base64.getEncoder().encodeToString(ct));
                Map<String, Object> c2 = Peer.handle("{\"op\":\"consume\",\"format\":\"" + f + "\",\"bundle\":" + Json.write(b) + "}");
                eq("decryption failed: invalid ciphertext or wrong key", c2.get("error"), f + ": tampered ciphertext");
            }
        }
    }

    static void peerErrors() throws Exception {
        eq("invalid length: expected 32 bytes, got 3",
                Peer.handle("{\"op\":\"consume\",\"format\":\"secretbox\",\"bundle\":{\"key\":\"AAAA\",\"ciphertext\":\"AAAA\"}}").get("error"),
                "the crate's text");
        for (String bad : new String[] {"", "garbage", "[]", "{\"op\":\"produce\"}", "{\"op\":\"x\",\"format\":\"secretbox\"}",
            "{\"op\":\"produce\",\"format\":\"nope\",\"plaintext\":\"\"}", "{\"op\":\"consume\",\"format\":\"secretbox\",\"bundle\":1}",
            "{\"op\":\"produce\",\"format\":\"secretbox\",\"plaintext\":\"***\"}", "{\"a\":" + "[".repeat(100)}) {
            Map<String, Object> r = Peer.handle(bad);
            check(r.get("error") instanceof String, "error for " + bad + ": " + r);
        }
        // Mutated requests: every answer is one JSON line with exactly one of ok and error.
        String good = "{\"op\":\"consume\",\"format\":\"secretbox\",\"bundle\":"
                + Json.write(Peer.produce("secretbox", utf8("x"))) + "}";
        Random r = new Random(7);
        for (int i = 0; i < 3000; i++) {
            char[] c = good.toCharArray();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                c[r.nextInt(c.length)] = "{}[]\",:\\0a-=+/ ".charAt(r.nextInt(15));
            }
            String line = new String(c, 0, r.nextInt(c.length + 1));
            Map<String, Object> a = Peer.handle(line);
            check(a.size() == 1 && (a.containsKey("ok") || a.get("error") instanceof String), "one answer for " + line + ": " + a);
            check(a.containsKey("ok") || !((String) a.get("error")).isEmpty(), "a nonempty error for " + line);
            Object back = Json.parse(Json.write(a));
            eq(Json.write(a), Json.write(back), "the answer is JSON");
        }
    }
}
