// Speed per target, JVM: bindings/jvm (Java over JNA) on the operations of
// bench.c. Run by `make bench-targets` (internal/benchtargets) when
// bindings/jvm exists: compiled with the binding's sources against
// Debian's jna.jar, started with -Dsealkit.lib. One JSON line per
// operation: {"impl":"jvm","op":"…","ns":…}. The JIT gets a warm-up of
// its own (min seconds of calls) before each timed loop.
import dev.sealkit.Sealkit;
import dev.sealkit.KeyPair;
import java.security.SecureRandom;

public final class Bench {
    interface Op { void run() throws Exception; }

    static double minNs;

    static void time(String op, Op f) throws Exception {
        long w0 = System.nanoTime();
        while (System.nanoTime() - w0 < minNs) f.run(); // JIT warm-up
        long n = 0, batch = 1, t0 = System.nanoTime(), el;
        while ((el = System.nanoTime() - t0) < minNs) {
            for (long i = 0; i < batch; i++) f.run();
            n += batch;
            if (batch < (1 << 20)) batch *= 2;
        }
        System.out.printf("{\"impl\":\"jvm\",\"op\":\"%s\",\"ns\":%.1f}%n", op, (double) el / n);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        minNs = (args.length > 0 ? Double.parseDouble(args[0]) : 0.5) * 1e9;
        SecureRandom r = new SecureRandom();
        byte[] key = Sealkit.generateKey();
        time("reject 1-byte ciphertext", () -> {
            try {
                Sealkit.decryptSecretbox(new byte[1], key);
                throw new AssertionError("a 1-byte ciphertext opened");
            } catch (dev.sealkit.SealkitException e) {
                // the refusal is the operation
            }
        });
        int[] sizes = {1024, 1 << 20};
        String[] labels = {"1KiB", "1MiB"};
        for (int s = 0; s < 2; s++) {
            byte[] pt = new byte[sizes[s]];
            r.nextBytes(pt);
            byte[] ct = Sealkit.encryptSecretbox(pt, key);
            time("secretbox encrypt " + labels[s], () -> Sealkit.encryptSecretbox(pt, key));
            time("secretbox decrypt " + labels[s], () -> Sealkit.decryptSecretbox(ct, key));
        }
        KeyPair kp = Sealkit.generateKeyPair();
        byte[] msg = new byte[1024];
        r.nextBytes(msg);
        byte[] sealed = Sealkit.boxSeal(msg, kp.publicKey());
        time("box seal open 1KiB", () -> Sealkit.boxSealOpen(sealed, kp.publicKey(), kp.secretKey()));
    }
}
