/* The C target's peer for the cross-target matrix (docs/TARGETS.md, "Peer
 * protocol"): one JSON request per line on stdin, one JSON line per
 * request on stdout, every operation through libsealkit's C API.
 *
 *   {"op":"produce","format":F,"plaintext":B64} -> {"ok":{...bundle...}}
 *   {"op":"consume","format":F,"bundle":{...}}   -> {"ok":{...result...}}
 *   any failure                                  -> {"error":"<text>"}
 *
 * Library failures report the library's (the crate's) error text; a
 * request the peer cannot read reports "peer: ...". Built by the C tests
 * (make test-lib) as build/test/peer. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealkit.h"
#include "json.h"

#define MAXF 6

/* A reply under construction: up to MAXF named fields, each bytes (written
 * as base64), text, or a bool. */
typedef struct {
  const char *name[MAXF];
  uint8_t *bytes[MAXF];
  size_t len[MAXF];
  const char *text[MAXF];
  int is_bool[MAXF], boolean[MAXF];
  int n;
  char *owned_text; /* a string output behind a text field (freed, wiped) */
  uint8_t *secret;  /* a byte output kept out of the reply (freed, wiped) */
  size_t secret_len;
  char *error; /* library text, or NULL */
  const char *perror; /* the peer's own text, or NULL */
} reply;

static void add_bytes(reply *r, const char *name, uint8_t *p, size_t n) {
  r->name[r->n] = name;
  r->bytes[r->n] = p;
  r->len[r->n++] = n;
}

static void add_text(reply *r, const char *name, const char *t) {
  r->name[r->n] = name;
  r->text[r->n++] = t;
}

static void reply_free(reply *r) {
  for (int i = 0; i < r->n; i++)
    if (r->bytes[i]) sealkit_free(r->bytes[i], r->len[i]);
  if (r->secret) sealkit_free(r->secret, r->secret_len);
  sealkit_free_string(r->owned_text);
  sealkit_free_string(r->error);
}

static void reply_write(reply *r) {
  if (r->error || r->perror) {
    const char *e = r->error ? r->error : r->perror;
    fputs("{\"error\":", stdout);
    json_write_string(stdout, e, strlen(e));
    fputs("}\n", stdout);
  } else {
    fputs("{\"ok\":{", stdout);
    for (int i = 0; i < r->n; i++) {
      if (i) fputc(',', stdout);
      json_write_string(stdout, r->name[i], strlen(r->name[i]));
      fputc(':', stdout);
      if (r->is_bool[i]) {
        fputs(r->boolean[i] ? "true" : "false", stdout);
      } else if (r->text[i]) {
        json_write_string(stdout, r->text[i], strlen(r->text[i]));
      } else {
        char *s = NULL;
        if (sealkit_encode_base64(r->bytes[i], r->len[i], &s, NULL) != SEALKIT_OK) s = NULL;
        json_write_string(stdout, s ? s : "", s ? strlen(s) : 0);
        sealkit_free_string(s);
      }
    }
    fputs("}}\n", stdout);
  }
  fflush(stdout);
}

/* field decodes a base64 field of the bundle; NULL on failure (with the
 * reply's error set). */
typedef struct {
  uint8_t *p;
  size_t n;
} buf;

static int field(reply *r, const json_value *b, const char *key, buf *out) {
  const char *s = json_str(b, key);
  if (s == NULL) {
    r->perror = "peer: bundle field missing";
    return 0;
  }
  if (sealkit_decode_base64((const uint8_t *)s, strlen(s), &out->p, &out->n, &r->error) != SEALKIT_OK) return 0;
  return 1;
}

static void bfree(buf *b) {
  if (b->p) sealkit_free(b->p, b->n);
  b->p = NULL;
}

static int level_of(const char *format, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(format, prefix, n) != 0) return -1;
  const char *l = format + n;
  if (strcmp(l, "cat1") == 0) return 1;
  if (strcmp(l, "cat2") == 0) return 2;
  if (strcmp(l, "cat3") == 0) return 3;
  if (strcmp(l, "cat5") == 0) return 5;
  return -1;
}

static void produce(reply *r, const char *format, const uint8_t *pt, size_t ptn) {
  uint8_t *a = NULL, *b = NULL, *c = NULL, *d = NULL, *ct = NULL;
  size_t an = 0, bn = 0, cn = 0, dn = 0, ctn = 0;
  int level;
  if (strcmp(format, "secretbox") == 0) {
    if (sealkit_generate_key(&a, &an) != SEALKIT_OK) goto internal;
    add_bytes(r, "key", a, an);
    if (sealkit_encrypt_secretbox(pt, ptn, a, an, &ct, &ctn, &r->error) == SEALKIT_OK) add_bytes(r, "ciphertext", ct, ctn);
  } else if (strcmp(format, "box_seal") == 0) {
    if (sealkit_generate_keypair(&a, &an, &b, &bn) != SEALKIT_OK) goto internal;
    add_bytes(r, "public_key", a, an);
    add_bytes(r, "private_key", b, bn);
    if (sealkit_box_seal(pt, ptn, a, an, &ct, &ctn, &r->error) == SEALKIT_OK) add_bytes(r, "ciphertext", ct, ctn);
  } else if ((level = level_of(format, "hybrid-")) > 0) {
    if (sealkit_generate_keypair(&a, &an, &b, &bn) != SEALKIT_OK) goto internal;
    add_bytes(r, "public_key", a, an);
    add_bytes(r, "private_key", b, bn);
    if (sealkit_generate_hybrid_keypair(level, &c, &cn, &d, &dn, &r->error) != SEALKIT_OK) return;
    add_bytes(r, "pq_public_key", c, cn);
    add_bytes(r, "pq_secret_key", d, dn);
    if (sealkit_seal_for_user(level, pt, ptn, a, an, c, cn, &ct, &ctn, &r->error) == SEALKIT_OK) add_bytes(r, "ciphertext", ct, ctn);
  } else if (strcmp(format, "private-key") == 0) {
    if (sealkit_generate_key(&a, &an) != SEALKIT_OK) goto internal;
    add_bytes(r, "session_key", a, an);
    if (sealkit_encrypt_private_key(pt, ptn, a, an, &ct, &ctn, &r->error) == SEALKIT_OK) add_bytes(r, "ciphertext", ct, ctn);
  } else if (strcmp(format, "recovery") == 0) {
    char *key = NULL;
    if (sealkit_generate_recovery_key(&key, &a, &an, &r->error) != SEALKIT_OK) return;
    r->owned_text = key;
    r->secret = a;
    r->secret_len = an;
    add_text(r, "recovery_key", key);
    if (sealkit_encrypt_private_key_for_recovery(pt, ptn, a, an, &ct, &ctn, &r->error) == SEALKIT_OK) add_bytes(r, "ciphertext", ct, ctn);
  } else if (strcmp(format, "session-key") == 0) {
    uint8_t *pw = NULL;
    size_t pwn = 0;
    if (sealkit_generate_salt(&a, &an) != SEALKIT_OK) goto internal;
    /* The password field: the plaintext, in library memory. */
    char *s = NULL;
    if (sealkit_encode_base64(pt, ptn, &s, NULL) != SEALKIT_OK ||
        sealkit_decode_base64((const uint8_t *)s, strlen(s), &pw, &pwn, NULL) != SEALKIT_OK) {
      sealkit_free_string(s);
      sealkit_free(a, an);
      goto internal;
    }
    sealkit_free_string(s);
    add_bytes(r, "password", pw, pwn);
    add_bytes(r, "salt", a, an);
    if (sealkit_derive_session_key(pt, ptn, a, an, &b, &bn, &r->error) == SEALKIT_OK) add_bytes(r, "session_key", b, bn);
  } else if ((level = level_of(format, "sign-")) > 0) {
    if (sealkit_generate_signing_keypair(level, &a, &an, &b, &bn, &r->error) != SEALKIT_OK) return;
    add_bytes(r, "public_key", a, an);
    /* The secret key is not in the bundle; keep it to free. */
    r->secret = b;
    r->secret_len = bn;
    const char *ctx = SEALKIT_SIGN_CONTEXT_V1;
    if (sealkit_sign(pt, ptn, (const uint8_t *)ctx, strlen(ctx), b, bn, &ct, &ctn, &r->error) != SEALKIT_OK) return;
    char *s = NULL;
    uint8_t *m = NULL;
    size_t mn = 0;
    if (sealkit_encode_base64(pt, ptn, &s, NULL) == SEALKIT_OK &&
        sealkit_decode_base64((const uint8_t *)s, strlen(s), &m, &mn, NULL) == SEALKIT_OK)
      add_bytes(r, "message", m, mn);
    sealkit_free_string(s);
    add_text(r, "context", ctx);
    add_bytes(r, "signature", ct, ctn);
  } else {
    r->perror = "peer: unknown format";
  }
  return;
internal:
  r->perror = "peer: key generation failed";
}

static void consume(reply *r, const char *format, const json_value *bundle) {
  buf a = {0}, b = {0}, c = {0}, d = {0};
  uint8_t *out = NULL;
  size_t outn = 0;
  int rc = -1, level;
  if (bundle == NULL || bundle->type != J_OBJECT) {
    r->perror = "peer: bundle missing";
    return;
  }
  if (strcmp(format, "secretbox") == 0) {
    if (field(r, bundle, "ciphertext", &a) && field(r, bundle, "key", &b))
      rc = sealkit_decrypt_secretbox(a.p, a.n, b.p, b.n, &out, &outn, &r->error);
  } else if (strcmp(format, "box_seal") == 0) {
    if (field(r, bundle, "ciphertext", &a) && field(r, bundle, "public_key", &b) && field(r, bundle, "private_key", &c))
      rc = sealkit_box_seal_open(a.p, a.n, b.p, b.n, c.p, c.n, &out, &outn, &r->error);
  } else if ((level = level_of(format, "hybrid-")) > 0) {
    if (field(r, bundle, "ciphertext", &a) && field(r, bundle, "public_key", &b) && field(r, bundle, "private_key", &c) &&
        field(r, bundle, "pq_secret_key", &d))
      rc = sealkit_unseal_from_user(a.p, a.n, b.p, b.n, c.p, c.n, d.p, d.n, &out, &outn, &r->error);
  } else if (strcmp(format, "private-key") == 0) {
    if (field(r, bundle, "ciphertext", &a) && field(r, bundle, "session_key", &b))
      rc = sealkit_decrypt_private_key(a.p, a.n, b.p, b.n, &out, &outn, &r->error);
  } else if (strcmp(format, "recovery") == 0) {
    const char *key = json_str(bundle, "recovery_key");
    if (key == NULL) {
      r->perror = "peer: bundle field missing";
    } else if (field(r, bundle, "ciphertext", &a) &&
               sealkit_recovery_key_to_secret((const uint8_t *)key, strlen(key), &b.p, &b.n, &r->error) == SEALKIT_OK) {
      rc = sealkit_decrypt_private_key_with_recovery(a.p, a.n, b.p, b.n, &out, &outn, &r->error);
    }
  } else if (strcmp(format, "session-key") == 0) {
    if (field(r, bundle, "password", &a) && field(r, bundle, "salt", &b) &&
        sealkit_derive_session_key(a.p, a.n, b.p, b.n, &out, &outn, &r->error) == SEALKIT_OK) {
      add_bytes(r, "session_key", out, outn);
    }
    goto done;
  } else if ((level = level_of(format, "sign-")) > 0) {
    const char *ctx = json_str(bundle, "context");
    int valid = 0;
    if (ctx == NULL) {
      r->perror = "peer: bundle field missing";
    } else if (field(r, bundle, "message", &a) && field(r, bundle, "signature", &b) && field(r, bundle, "public_key", &c) &&
               sealkit_verify(a.p, a.n, (const uint8_t *)ctx, strlen(ctx), b.p, b.n, c.p, c.n, &valid, &r->error) == SEALKIT_OK) {
      r->name[r->n] = "valid";
      r->is_bool[r->n] = 1;
      r->boolean[r->n++] = valid;
    }
    goto done;
  } else {
    r->perror = "peer: unknown format";
  }
  if (rc == SEALKIT_OK) add_bytes(r, "plaintext", out, outn);
done:
  bfree(&a);
  bfree(&b);
  bfree(&c);
  bfree(&d);
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    reply r;
    memset(&r, 0, sizeof r);
    json_value *req = json_parse(line, (size_t)n);
    const char *op = json_str(req, "op"), *format = json_str(req, "format");
    if (req == NULL || req->type != J_OBJECT) {
      r.perror = "peer: request is not a JSON object";
    } else if (op == NULL || format == NULL) {
      r.perror = "peer: request needs op and format";
    } else if (strcmp(op, "produce") == 0) {
      const char *pt = json_str(req, "plaintext");
      uint8_t *p = NULL;
      size_t pn = 0;
      if (pt == NULL) {
        r.perror = "peer: plaintext missing";
      } else if (sealkit_decode_base64((const uint8_t *)pt, strlen(pt), &p, &pn, &r.error) == SEALKIT_OK) {
        produce(&r, format, p, pn);
        sealkit_free(p, pn);
      }
    } else if (strcmp(op, "consume") == 0) {
      consume(&r, format, json_get(req, "bundle"));
    } else {
      r.perror = "peer: unknown op";
    }
    reply_write(&r);
    reply_free(&r);
    json_free(req);
  }
  free(line);
  return 0;
}
