/* Speed per target, C: libsealkit next to libsodium on the same operations
 * and sizes. Built and run by `make bench-targets` (internal/benchtargets),
 * which prints one JSON line per operation:
 *   {"impl":"c-libsealkit"|"c-libsodium","op":"…","ns":mean ns per call}
 * Each side does what a caller does per call: sealkit's functions allocate
 * their output (released with sealkit_free, which wipes); for libsodium the
 * output buffer is malloc'd and freed per call too, and encrypt draws a
 * fresh 24-byte nonce (randombytes_buf) as sealkit does. */
#include <sealkit.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double min_ns = 5e8; /* at least 0.5 s per operation */

#define TIME(impl, op, body)                                             \
    do {                                                                 \
        long n_ = 0, batch_ = 1;                                         \
        double t0_, el_ = 0;                                             \
        for (int w_ = 0; w_ < 3; w_++) { body; } /* warm-up */           \
        t0_ = now();                                                     \
        while ((el_ = now() - t0_) < min_ns) {                           \
            for (long i_ = 0; i_ < batch_; i_++) { body; }               \
            n_ += batch_;                                                \
            if (batch_ < (1 << 20)) batch_ *= 2;                         \
        }                                                                \
        printf("{\"impl\":\"%s\",\"op\":\"%s\",\"ns\":%.1f}\n", impl, op, el_ / n_); \
        fflush(stdout);                                                  \
    } while (0)

static void die(const char *what, int rc) {
    fprintf(stderr, "bench.c: %s failed (%d)\n", what, rc);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc > 1) min_ns = atof(argv[1]) * 1e9;
    if (sodium_init() < 0) die("sodium_init", -1);
    /* The crossing alone: a 1-byte ciphertext is refused (TOO_SHORT)
     * before any crypto, and no error text is asked for. */
    {
        uint8_t k[32] = {0}, c1[1] = {0};
        TIME("c-libsealkit", "reject 1-byte ciphertext", {
            uint8_t *o; size_t ol;
            if (sealkit_decrypt_secretbox(c1, 1, k, 32, &o, &ol, NULL) == SEALKIT_OK) die("reject", 0);
        });
    }
    size_t sizes[2] = {1024, 1024 * 1024};
    const char *names[2] = {"1KiB", "1MiB"};
    uint8_t key[32];
    randombytes_buf(key, sizeof key);
    for (int s = 0; s < 2; s++) {
        size_t n = sizes[s];
        uint8_t *pt = malloc(n);
        randombytes_buf(pt, n);
        char op[64];
        uint8_t *ct; size_t ct_len;
        int rc = sealkit_encrypt_secretbox(pt, n, key, 32, &ct, &ct_len, NULL);
        if (rc) die("sealkit_encrypt_secretbox", rc);

        snprintf(op, sizeof op, "secretbox encrypt %s", names[s]);
        TIME("c-libsealkit", op, {
            uint8_t *o; size_t ol;
            int r = sealkit_encrypt_secretbox(pt, n, key, 32, &o, &ol, NULL);
            if (r) die("encrypt", r);
            sealkit_free(o, ol);
        });
        TIME("c-libsodium", op, {
            uint8_t *o = malloc(24 + crypto_secretbox_MACBYTES + n);
            randombytes_buf(o, 24);
            crypto_secretbox_easy(o + 24, pt, n, o, key);
            free(o);
        });
        snprintf(op, sizeof op, "secretbox decrypt %s", names[s]);
        TIME("c-libsealkit", op, {
            uint8_t *o; size_t ol;
            int r = sealkit_decrypt_secretbox(ct, ct_len, key, 32, &o, &ol, NULL);
            if (r) die("decrypt", r);
            sealkit_free(o, ol);
        });
        TIME("c-libsodium", op, {
            uint8_t *o = malloc(n);
            if (crypto_secretbox_open_easy(o, ct + 24, ct_len - 24, ct, key) != 0) die("open_easy", -1);
            free(o);
        });
        sealkit_free(ct, ct_len);
        free(pt);
    }
    /* Sealed box: open a 1 KiB message (the X25519 and the key derivation
     * dominate). */
    uint8_t *pk, *sk; size_t pk_len, sk_len;
    int rc = sealkit_generate_keypair(&pk, &pk_len, &sk, &sk_len);
    if (rc) die("sealkit_generate_keypair", rc);
    uint8_t msg[1024];
    randombytes_buf(msg, sizeof msg);
    uint8_t *ct; size_t ct_len;
    rc = sealkit_box_seal(msg, sizeof msg, pk, pk_len, &ct, &ct_len, NULL);
    if (rc) die("sealkit_box_seal", rc);
    TIME("c-libsealkit", "box seal open 1KiB", {
        uint8_t *o; size_t ol;
        int r = sealkit_box_seal_open(ct, ct_len, pk, pk_len, sk, sk_len, &o, &ol, NULL);
        if (r) die("box_seal_open", r);
        sealkit_free(o, ol);
    });
    TIME("c-libsodium", "box seal open 1KiB", {
        uint8_t *o = malloc(sizeof msg);
        if (crypto_box_seal_open(o, ct, ct_len, pk, sk) != 0) die("crypto_box_seal_open", -1);
        free(o);
    });
    sealkit_free(ct, ct_len);
    sealkit_free(pk, pk_len);
    sealkit_free(sk, sk_len);
    return 0;
}
