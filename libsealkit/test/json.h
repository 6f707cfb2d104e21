/* A small JSON reader and writer for the C tests and the peer: enough for
 * the vectors (testdata/vectors, *.json) and the peer protocol's lines. Written by hand
 * because the C side has no JSON library on this machine and the tests must
 * not depend on one; it accepts RFC 8259 JSON (with \uXXXX escapes and
 * surrogate pairs, to UTF-8) and rejects anything else.
 *
 * json_parse returns a tree of json_value (free with json_free) or NULL.
 * Strings are NUL-terminated and also carry their length (they may hold
 * NUL from \u0000). */
#ifndef SEALKIT_TEST_JSON_H
#define SEALKIT_TEST_JSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_type;

typedef struct json_value {
  json_type type;
  int boolean;
  double number;
  char *str; /* J_STRING */
  size_t len;
  struct json_value **items; /* J_ARRAY values, J_OBJECT values */
  char **keys;               /* J_OBJECT keys */
  size_t n;
} json_value;

typedef struct {
  const char *p, *end;
  int depth;
} json_parser;

static inline void json_free(json_value *v) {
  if (v == NULL) return;
  for (size_t i = 0; i < v->n; i++) {
    json_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

static inline void json_ws(json_parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static inline int json_hex4(json_parser *ps, unsigned *out) {
  if (ps->end - ps->p < 4) return 0;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = *ps->p++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

/* json_string reads a string after its opening quote into a new buffer. */
static inline char *json_string(json_parser *ps, size_t *len) {
  size_t cap = 16, n = 0;
  char *b = malloc(cap);
  if (!b) return NULL;
  for (;;) {
    if (ps->p >= ps->end) goto bad;
    unsigned char c = (unsigned char)*ps->p++;
    unsigned cp;
    char tmp[4];
    size_t tn = 0;
    if (c == '"') break;
    if (c < 0x20) goto bad;
    if (c != '\\') {
      tmp[tn++] = (char)c;
    } else {
      if (ps->p >= ps->end) goto bad;
      char e = *ps->p++;
      switch (e) {
        case '"': tmp[tn++] = '"'; break;
        case '\\': tmp[tn++] = '\\'; break;
        case '/': tmp[tn++] = '/'; break;
        case 'b': tmp[tn++] = '\b'; break;
        case 'f': tmp[tn++] = '\f'; break;
        case 'n': tmp[tn++] = '\n'; break;
        case 'r': tmp[tn++] = '\r'; break;
        case 't': tmp[tn++] = '\t'; break;
        case 'u':
          if (!json_hex4(ps, &cp)) goto bad;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') goto bad;
            ps->p += 2;
            if (!json_hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) goto bad;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            goto bad;
          }
          if (cp < 0x80) tmp[tn++] = (char)cp;
          else if (cp < 0x800) { tmp[tn++] = (char)(0xC0 | (cp >> 6)); tmp[tn++] = (char)(0x80 | (cp & 0x3F)); }
          else if (cp < 0x10000) { tmp[tn++] = (char)(0xE0 | (cp >> 12)); tmp[tn++] = (char)(0x80 | ((cp >> 6) & 0x3F)); tmp[tn++] = (char)(0x80 | (cp & 0x3F)); }
          else { tmp[tn++] = (char)(0xF0 | (cp >> 18)); tmp[tn++] = (char)(0x80 | ((cp >> 12) & 0x3F)); tmp[tn++] = (char)(0x80 | ((cp >> 6) & 0x3F)); tmp[tn++] = (char)(0x80 | (cp & 0x3F)); }
          break;
        default: goto bad;
      }
    }
    if (n + tn + 1 > cap) {
      while (n + tn + 1 > cap) cap *= 2;
      char *nb = realloc(b, cap);
      if (!nb) goto bad;
      b = nb;
    }
    memcpy(b + n, tmp, tn);
    n += tn;
  }
  b[n] = 0;
  *len = n;
  return b;
bad:
  free(b);
  return NULL;
}

static inline json_value *json_value_parse(json_parser *ps);

static inline int json_push(json_value *v, json_value *item, char *key) {
  json_value **ni = realloc(v->items, (v->n + 1) * sizeof *ni);
  if (!ni) return 0;
  v->items = ni;
  if (v->type == J_OBJECT) {
    char **nk = realloc(v->keys, (v->n + 1) * sizeof *nk);
    if (!nk) return 0;
    v->keys = nk;
    v->keys[v->n] = key;
  }
  v->items[v->n++] = item;
  return 1;
}

static inline json_value *json_value_parse(json_parser *ps) {
  json_ws(ps);
  if (ps->p >= ps->end || ps->depth > 64) return NULL;
  json_value *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  char c = *ps->p;
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    v->type = c == '{' ? J_OBJECT : J_ARRAY;
    ps->p++;
    ps->depth++;
    json_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      ps->depth--;
      return v;
    }
    for (;;) {
      char *key = NULL;
      if (v->type == J_OBJECT) {
        size_t kl;
        json_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') goto bad;
        ps->p++;
        key = json_string(ps, &kl);
        if (!key) goto bad;
        json_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') { free(key); goto bad; }
        ps->p++;
      }
      json_value *item = json_value_parse(ps);
      if (!item || !json_push(v, item, key)) { free(key); json_free(item); goto bad; }
      json_ws(ps);
      if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
      if (ps->p < ps->end && *ps->p == close) { ps->p++; break; }
      goto bad;
    }
    ps->depth--;
    return v;
  }
  if (c == '"') {
    ps->p++;
    v->type = J_STRING;
    v->str = json_string(ps, &v->len);
    if (!v->str) goto bad;
    return v;
  }
  if ((size_t)(ps->end - ps->p) >= 4 && memcmp(ps->p, "true", 4) == 0) { ps->p += 4; v->type = J_BOOL; v->boolean = 1; return v; }
  if ((size_t)(ps->end - ps->p) >= 5 && memcmp(ps->p, "false", 5) == 0) { ps->p += 5; v->type = J_BOOL; return v; }
  if ((size_t)(ps->end - ps->p) >= 4 && memcmp(ps->p, "null", 4) == 0) { ps->p += 4; v->type = J_NULL; return v; }
  if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t k = 0;
    while (ps->p < ps->end && k < sizeof buf - 1 && strchr("+-0123456789.eE", *ps->p)) buf[k++] = *ps->p++;
    buf[k] = 0;
    char *endp;
    v->type = J_NUMBER;
    v->number = strtod(buf, &endp);
    if (*endp != 0) goto bad;
    return v;
  }
bad:
  json_free(v);
  return NULL;
}

/* json_parse parses exactly one value (surrounded by whitespace only). */
static inline json_value *json_parse(const char *s, size_t len) {
  json_parser ps = {s, s + len, 0};
  json_value *v = json_value_parse(&ps);
  json_ws(&ps);
  if (v && ps.p != ps.end) {
    json_free(v);
    return NULL;
  }
  return v;
}

static inline json_value *json_get(const json_value *o, const char *key) {
  if (o == NULL || o->type != J_OBJECT) return NULL;
  for (size_t i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0) return o->items[i];
  return NULL;
}

/* json_str returns the string at key, or NULL when absent or not a string. */
static inline const char *json_str(const json_value *o, const char *key) {
  json_value *v = json_get(o, key);
  return v && v->type == J_STRING ? v->str : NULL;
}

/* json_read_file reads and parses a whole file. */
static inline json_value *json_read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *b = malloc(cap);
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(b, cap *= 2);
      if (!nb) { free(b); b = NULL; }
      else b = nb;
    }
  }
  fclose(f);
  if (!b) return NULL;
  json_value *v = json_parse(b, n);
  free(b);
  return v;
}

/* json_write_string writes s as a JSON string literal. */
static inline void json_write_string(FILE *out, const char *s, size_t len) {
  fputc('"', out);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { fputc('\\', out); fputc(c, out); }
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

#endif
