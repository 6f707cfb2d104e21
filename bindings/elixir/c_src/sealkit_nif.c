/*
 * sealkit_nif.c — the Erlang NIF over libsealkit (build/include/sealkit.h).
 *
 * Module Elixir.MetamorphicCrypto.NIF. Every function takes raw binaries and
 * returns {ok, Value} or {error, Text}, Text being the crate's error text as
 * libsealkit reports it; base64 and the crate's NIF shapes are done in
 * Elixir (lib/metamorphic_crypto/native.ex). A non-binary argument raises
 * badarg, as any BIF does.
 *
 * Memory: libsealkit allocates every output; this file copies it into a
 * BEAM binary and releases it with sealkit_free, which wipes it first.
 * Inputs are read in place: enif_inspect_binary gives a pointer the BEAM
 * keeps alive for the call.
 *
 * Scheduling: Argon2id (~100 ms), ML-KEM and ML-DSA calls run on dirty CPU
 * schedulers (flag in the table at the bottom) so they never block a normal
 * scheduler; everything else finishes in microseconds.
 */
#include <string.h>
#include <erl_nif.h>
#include "sealkit.h"

static ERL_NIF_TERM am_ok, am_error, am_true, am_false;

static int load(ErlNifEnv *env, void **priv, ERL_NIF_TERM info) {
    (void)priv; (void)info;
    am_ok = enif_make_atom(env, "ok");
    am_error = enif_make_atom(env, "error");
    am_true = enif_make_atom(env, "true");
    am_false = enif_make_atom(env, "false");
    return 0;
}

/* bin copies a libsealkit output into a BEAM binary and releases it. */
static ERL_NIF_TERM bin(ErlNifEnv *env, uint8_t *p, size_t n) {
    ERL_NIF_TERM t;
    unsigned char *dst = enif_make_new_binary(env, n, &t);
    if (n > 0) memcpy(dst, p, n);
    sealkit_free(p, n);
    return t;
}

/* str copies a NUL-terminated libsealkit string into a BEAM binary and
 * releases it (sealkit_free_string wipes it: recovery keys are secrets). */
static ERL_NIF_TERM str(ErlNifEnv *env, char *p) {
    ERL_NIF_TERM t;
    size_t n = strlen(p);
    unsigned char *dst = enif_make_new_binary(env, n, &t);
    memcpy(dst, p, n);
    sealkit_free_string(p);
    return t;
}

/* fail turns a status and libsealkit's text into {error, Text}. */
static ERL_NIF_TERM fail(ErlNifEnv *env, int rc, char *err) {
    ERL_NIF_TERM t;
    const char *msg = err ? err : "internal error";
    size_t n = strlen(msg);
    unsigned char *dst = enif_make_new_binary(env, n, &t);
    memcpy(dst, msg, n);
    if (err) sealkit_free_string(err);
    (void)rc;
    return enif_make_tuple2(env, am_error, t);
}

static ERL_NIF_TERM ok(ErlNifEnv *env, ERL_NIF_TERM v) { return enif_make_tuple2(env, am_ok, v); }

#define ARGS(n) ErlNifBinary a[n]; \
    if (argc != n) return enif_make_badarg(env); \
    for (int i = 0; i < n; i++) if (!enif_inspect_binary(env, argv[i], &a[i])) return enif_make_badarg(env);
#define IN(i) a[i].data, a[i].size
#define ONE_OUT(call) do { uint8_t *o = NULL; size_t ol = 0; char *e = NULL; \
    int rc = (call); if (rc != SEALKIT_OK) return fail(env, rc, e); \
    return ok(env, bin(env, o, ol)); } while (0)
#define TWO_OUT(call) do { uint8_t *o1 = NULL, *o2 = NULL; size_t l1 = 0, l2 = 0; char *e = NULL; \
    int rc = (call); if (rc != SEALKIT_OK) return fail(env, rc, e); \
    ERL_NIF_TERM t1 = bin(env, o1, l1); ERL_NIF_TERM t2 = bin(env, o2, l2); \
    return ok(env, enif_make_tuple2(env, t1, t2)); } while (0)

static int kem_level(ErlNifEnv *env, ERL_NIF_TERM t, int *level) {
    int l;
    if (!enif_get_int(env, t, &l)) return 0;
    switch (l) {
    case 1: *level = SEALKIT_CAT1; return 1;
    case 3: *level = SEALKIT_CAT3; return 1;
    case 5: *level = SEALKIT_CAT5; return 1;
    }
    return 0;
}

static int sign_level(ErlNifEnv *env, ERL_NIF_TERM t, int *level) {
    int l;
    if (!enif_get_int(env, t, &l)) return 0;
    switch (l) {
    case 2: *level = SEALKIT_SIGN_CAT2; return 1;
    case 3: *level = SEALKIT_SIGN_CAT3; return 1;
    case 5: *level = SEALKIT_SIGN_CAT5; return 1;
    }
    return 0;
}

static int suite_of(ErlNifEnv *env, ERL_NIF_TERM t, int *suite) {
    int s;
    if (!enif_get_int(env, t, &s)) return 0;
    switch (s) {
    case 0: *suite = SEALKIT_SUITE_HYBRID; return 1;
    case 1: *suite = SEALKIT_SUITE_HYBRID_MATCHED; return 1;
    case 2: *suite = SEALKIT_SUITE_PURE_CNSA2; return 1;
    }
    return 0;
}

static ERL_NIF_TERM decode_base64(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    ONE_OUT(sealkit_decode_base64(IN(0), &o, &ol, &e));
}

/* Random generators: they fail only if the OS has no randomness, which the
 * BEAM cannot recover from either, so they raise instead of returning an
 * error tuple (the crate's NIF returns the bare value too). */
static ERL_NIF_TERM raise_internal(ErlNifEnv *env) {
    return enif_raise_exception(env, enif_make_atom(env, "sealkit_random_failed"));
}

static ERL_NIF_TERM generate_key(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc; (void)argv;
    uint8_t *o = NULL; size_t ol = 0;
    if (sealkit_generate_key(&o, &ol) != SEALKIT_OK) return raise_internal(env);
    return bin(env, o, ol);
}

static ERL_NIF_TERM generate_salt(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc; (void)argv;
    uint8_t *o = NULL; size_t ol = 0;
    if (sealkit_generate_salt(&o, &ol) != SEALKIT_OK) return raise_internal(env);
    return bin(env, o, ol);
}

static ERL_NIF_TERM generate_keypair(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argc; (void)argv;
    uint8_t *o1 = NULL, *o2 = NULL; size_t l1 = 0, l2 = 0;
    if (sealkit_generate_keypair(&o1, &l1, &o2, &l2) != SEALKIT_OK) return raise_internal(env);
    ERL_NIF_TERM t1 = bin(env, o1, l1);
    ERL_NIF_TERM t2 = bin(env, o2, l2);
    return enif_make_tuple2(env, t1, t2);
}

static ERL_NIF_TERM encrypt_secretbox(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(2);
    ONE_OUT(sealkit_encrypt_secretbox(IN(0), IN(1), &o, &ol, &e));
}

static ERL_NIF_TERM decrypt_secretbox(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(2);
    ONE_OUT(sealkit_decrypt_secretbox(IN(0), IN(1), &o, &ol, &e));
}

static ERL_NIF_TERM box_seal(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(2);
    ONE_OUT(sealkit_box_seal(IN(0), IN(1), &o, &ol, &e));
}

static ERL_NIF_TERM box_seal_open(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(3);
    ONE_OUT(sealkit_box_seal_open(IN(0), IN(1), IN(2), &o, &ol, &e));
}

static ERL_NIF_TERM generate_hybrid_keypair(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int level;
    if (argc != 1 || !kem_level(env, argv[0], &level)) return enif_make_badarg(env);
    TWO_OUT(sealkit_generate_hybrid_keypair(level, &o1, &l1, &o2, &l2, &e));
}

static ERL_NIF_TERM hybrid_seal(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int level;
    if (argc != 3 || !kem_level(env, argv[2], &level)) return enif_make_badarg(env);
    argc = 2;
    ARGS(2);
    ONE_OUT(sealkit_hybrid_seal_with_level(IN(0), IN(1), level, &o, &ol, &e));
}

static ERL_NIF_TERM hybrid_open(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(2);
    ONE_OUT(sealkit_hybrid_open(IN(0), IN(1), &o, &ol, &e));
}

static ERL_NIF_TERM is_hybrid_ciphertext(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    int result = 0;
    if (sealkit_is_hybrid_ciphertext(IN(0), &result) != SEALKIT_OK) return am_false;
    return result ? am_true : am_false;
}

static ERL_NIF_TERM derive_session_key(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(2);
    ONE_OUT(sealkit_derive_session_key(IN(0), IN(1), &o, &ol, &e));
}

static ERL_NIF_TERM parse_salt_from_key_hash(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    char *o = NULL, *e = NULL;
    int rc = sealkit_parse_salt_from_key_hash(IN(0), &o, &e);
    if (rc != SEALKIT_OK) return fail(env, rc, e);
    return ok(env, str(env, o));
}

static ERL_NIF_TERM generate_recovery_key(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    (void)argv;
    if (argc != 0) return enif_make_badarg(env);
    char *key = NULL, *e = NULL; uint8_t *secret = NULL; size_t sl = 0;
    int rc = sealkit_generate_recovery_key(&key, &secret, &sl, &e);
    if (rc != SEALKIT_OK) return fail(env, rc, e);
    ERL_NIF_TERM k = str(env, key);
    return ok(env, enif_make_tuple2(env, k, bin(env, secret, sl)));
}

static ERL_NIF_TERM recovery_key_to_secret(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    ONE_OUT(sealkit_recovery_key_to_secret(IN(0), &o, &ol, &e));
}

static ERL_NIF_TERM generate_signing_keypair(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    int suite, level;
    if (argc != 2 || !suite_of(env, argv[0], &suite) || !sign_level(env, argv[1], &level))
        return enif_make_badarg(env);
    TWO_OUT(sealkit_generate_signing_keypair_suite(suite, level, &o1, &l1, &o2, &l2, &e));
}

static ERL_NIF_TERM derive_signing_public_key(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    ONE_OUT(sealkit_derive_signing_public_key(IN(0), &o, &ol, &e));
}

static ERL_NIF_TERM sign(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(3);
    ONE_OUT(sealkit_sign(IN(0), IN(1), IN(2), &o, &ol, &e));
}

static ERL_NIF_TERM verify(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(4);
    int valid = 0; char *e = NULL;
    int rc = sealkit_verify(IN(0), IN(1), IN(2), IN(3), &valid, &e);
    if (rc != SEALKIT_OK) return fail(env, rc, e);
    return ok(env, valid ? am_true : am_false);
}

static ERL_NIF_TERM posture_term(ErlNifEnv *env, int rc, int suite, int level, char *e) {
    if (rc != SEALKIT_OK) return fail(env, rc, e);
    int s = suite == SEALKIT_SUITE_HYBRID ? 0 : suite == SEALKIT_SUITE_HYBRID_MATCHED ? 1 : 2;
    int l = level == SEALKIT_SIGN_CAT2 ? 2 : level == SEALKIT_SIGN_CAT3 ? 3 : 5;
    return ok(env, enif_make_tuple2(env, enif_make_int(env, s), enif_make_int(env, l)));
}

static ERL_NIF_TERM signature_posture(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    int suite = 0, level = 0; char *e = NULL;
    int rc = sealkit_signature_posture(IN(0), &suite, &level, &e);
    return posture_term(env, rc, suite, level, e);
}

static ERL_NIF_TERM signature_posture_from_signature(ErlNifEnv *env, int argc, const ERL_NIF_TERM argv[]) {
    ARGS(1);
    int suite = 0, level = 0; char *e = NULL;
    int rc = sealkit_signature_posture_from_signature(IN(0), &suite, &level, &e);
    return posture_term(env, rc, suite, level, e);
}

#define DIRTY ERL_NIF_DIRTY_JOB_CPU_BOUND
static ErlNifFunc funcs[] = {
    {"decode_base64", 1, decode_base64, 0},
    {"generate_key", 0, generate_key, 0},
    {"generate_salt", 0, generate_salt, 0},
    {"generate_keypair", 0, generate_keypair, 0},
    {"encrypt_secretbox", 2, encrypt_secretbox, 0},
    {"decrypt_secretbox", 2, decrypt_secretbox, 0},
    {"box_seal", 2, box_seal, 0},
    {"box_seal_open", 3, box_seal_open, 0},
    {"generate_hybrid_keypair", 1, generate_hybrid_keypair, DIRTY},
    {"hybrid_seal", 3, hybrid_seal, DIRTY},
    {"hybrid_open", 2, hybrid_open, DIRTY},
    {"is_hybrid_ciphertext", 1, is_hybrid_ciphertext, 0},
    {"derive_session_key", 2, derive_session_key, DIRTY},
    {"parse_salt_from_key_hash", 1, parse_salt_from_key_hash, 0},
    {"generate_recovery_key", 0, generate_recovery_key, 0},
    {"recovery_key_to_secret", 1, recovery_key_to_secret, 0},
    {"generate_signing_keypair", 2, generate_signing_keypair, DIRTY},
    {"derive_signing_public_key", 1, derive_signing_public_key, DIRTY},
    {"sign", 3, sign, DIRTY},
    {"verify", 4, verify, DIRTY},
    {"signature_posture", 1, signature_posture, 0},
    {"signature_posture_from_signature", 1, signature_posture_from_signature, 0},
};

ERL_NIF_INIT(Elixir.MetamorphicCrypto.NIF, funcs, load, NULL, NULL, NULL)
