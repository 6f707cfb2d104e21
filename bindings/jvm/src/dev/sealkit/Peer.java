package dev.sealkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's cross-target peer (issue 16): reads one JSON request per line on
 * stdin and writes one JSON line per request on stdout.
 *
 * <pre>
 * {"op":"produce","format":F,"plaintext":b64} → {"ok":{bundle}}
 * {"op":"consume","format":F,"bundle":{…}}     → {"ok":{"plaintext":b64}} | {"ok":{"valid":bool}}
 * any failure                                  → {"error":"the crate's text"}
 * </pre>
 *
 * Bundles are docs/TARGETS.md's (every byte string standard base64):
 * secretbox {key, ciphertext}; box_seal {public_key, private_key,
 * ciphertext}; hybrid-cat1/3/5 — seal_for_user at that level — {public_key,
 * private_key, pq_public_key, pq_secret_key (the seed), ciphertext};
 * private-key {session_key, ciphertext}; recovery {recovery_key (the text),
 * ciphertext}; session-key {password (the UTF-8 bytes), salt, session_key},
 * whose consumer recomputes and answers {session_key: what it derived};
 * sign-cat2/3/5 {public_key, message, context (text), signature}.
 */
public final class Peer {
    private Peer() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            out.println(Json.write(handle(line)));
        }
    }

    /** One request line to one response object; never throws. */
    static Map<String, Object> handle(String line) {
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            Object req = Json.parse(line);
            if (!(req instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("request is not a JSON object");
            }
            String op = str(m, "op");
            String format = str(m, "format");
            Map<String, Object> ok;
            if (op.equals("produce")) {
                ok = produce(format, b64(m, "plaintext"));
            } else if (op.equals("consume")) {
                Object b = m.get("bundle");
                if (!(b instanceof Map<?, ?> bundle)) {
                    throw new IllegalArgumentException("bundle is not a JSON object");
                }
                ok = consume(format, bundle);
            } else {
                throw new IllegalArgumentException("unknown op: " + op);
            }
            r.put("ok", ok);
        } catch (SealkitException e) {
            r.put("error", e.getMessage());
        } catch (RuntimeException e) {
            r.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return r;
    }

    static Map<String, Object> produce(String format, byte[] plaintext) throws SealkitException {
        Map<String, Object> b = new LinkedHashMap<>();
        switch (format) {
            case "secretbox": {
                byte[] key = Sealkit.generateKey();
                b.put("key", enc(key));
                b.put("ciphertext", enc(Sealkit.encryptSecretbox(plaintext, key)));
                return b;
            }
            case "box_seal": {
                KeyPair kp = Sealkit.generateKeyPair();
                b.put("public_key", enc(kp.publicKey()));
                b.put("private_key", enc(kp.secretKey()));
                b.put("ciphertext", enc(Sealkit.boxSeal(plaintext, kp.publicKey())));
                return b;
            }
            case "hybrid-cat1":
            case "hybrid-cat3":
            case "hybrid-cat5": {
                HybridLevel level = HybridLevel.valueOf(format.substring(7).toUpperCase());
                KeyPair box = Sealkit.generateKeyPair();
                KeyPair pq = Sealkit.generateHybridKeyPair(level);
                b.put("public_key", enc(box.publicKey()));
                b.put("private_key", enc(box.secretKey()));
                b.put("pq_public_key", enc(pq.publicKey()));
                b.put("pq_secret_key", enc(pq.secretKey()));
                b.put("ciphertext", enc(Sealkit.sealForUser(level, plaintext, box.publicKey(), pq.publicKey())));
                return b;
            }
            case "private-key": {
                byte[] sessionKey = Sealkit.generateKey();
                b.put("session_key", enc(sessionKey));
                b.put("ciphertext", enc(Sealkit.encryptPrivateKey(plaintext, sessionKey)));
                return b;
            }
            case "recovery": {
                RecoveryKey rk = Sealkit.generateRecoveryKey();
                b.put("recovery_key", rk.key());
                b.put("ciphertext", enc(Sealkit.encryptPrivateKeyForRecovery(plaintext, rk.secret())));
                rk.wipe();
                return b;
            }
            case "session-key": {
                byte[] salt = Sealkit.generateSalt();
                b.put("password", enc(plaintext));
                b.put("salt", enc(salt));
                b.put("session_key", enc(Sealkit.deriveSessionKey(utf8(plaintext), salt)));
                return b;
            }
            case "sign-cat2":
            case "sign-cat3":
            case "sign-cat5": {
                SignLevel level = SignLevel.valueOf(format.substring(5).toUpperCase());
                KeyPair kp = Sealkit.generateSigningKeyPair(level);
                b.put("public_key", enc(kp.publicKey()));
                b.put("message", enc(plaintext));
                b.put("context", Sealkit.SIGN_CONTEXT_V1);
                b.put("signature", enc(Sealkit.sign(plaintext, Sealkit.SIGN_CONTEXT_V1, kp.secretKey())));
                kp.wipe();
                return b;
            }
            default:
                throw new IllegalArgumentException("unknown format: " + format);
        }
    }

    static Map<String, Object> consume(String format, Map<?, ?> b) throws SealkitException {
        Map<String, Object> r = new LinkedHashMap<>();
        byte[] pt;
        switch (format) {
            case "secretbox":
                pt = Sealkit.decryptSecretbox(b64(b, "ciphertext"), b64(b, "key"));
                break;
            case "box_seal":
                pt = Sealkit.boxSealOpen(b64(b, "ciphertext"), b64(b, "public_key"), b64(b, "private_key"));
                break;
            case "hybrid-cat1":
            case "hybrid-cat3":
            case "hybrid-cat5":
                pt = Sealkit.unsealFromUser(b64(b, "ciphertext"), b64(b, "public_key"), b64(b, "private_key"),
                        b64(b, "pq_secret_key"));
                break;
            case "private-key":
                pt = Sealkit.decryptPrivateKey(b64(b, "ciphertext"), b64(b, "session_key"));
                break;
            case "recovery": {
                byte[] secret = Sealkit.recoveryKeyToSecret(str(b, "recovery_key"));
                try {
                    pt = Sealkit.decryptPrivateKeyWithRecovery(b64(b, "ciphertext"), secret);
                } finally {
                    java.util.Arrays.fill(secret, (byte) 0);
                }
                break;
            }
            case "session-key": {
                r.put("session_key", enc(Sealkit.deriveSessionKey(utf8(b64(b, "password")), b64(b, "salt"))));
                return r;
            }
            case "sign-cat2":
            case "sign-cat3":
            case "sign-cat5":
                r.put("valid", Sealkit.verify(b64(b, "message"), str(b, "context"), b64(b, "signature"),
                        b64(b, "public_key")));
                return r;
            default:
                throw new IllegalArgumentException("unknown format: " + format);
        }
        r.put("plaintext", enc(pt));
        return r;
    }

    private static String str(Map<?, ?> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("missing string field: " + k);
        }
        return s;
    }

    private static byte[] b64(Map<?, ?> m, String k) throws SealkitException {
        return Sealkit.decodeBase64(str(m, k));
    }

    private static String enc(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A password's bytes as the String the API takes; invalid UTF-8 is refused, not replaced. */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("password is not valid UTF-8");
        }
    }
}
