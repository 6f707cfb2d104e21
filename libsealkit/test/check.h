/* A tiny test harness for the C tests: CHECK records a failure and goes on,
 * so one run reports every broken expectation. */
#ifndef SEALKIT_TEST_CHECK_H
#define SEALKIT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                       \
  do {                                                                    \
    check_count++;                                                        \
    if (!(cond)) {                                                        \
      check_failures++;                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

/* CHECK_RC: a status code equal to want, printing the error text if not. */
#define CHECK_RC(rc, want, err)                                           \
  do {                                                                    \
    int rc_ = (rc);                                                       \
    check_count++;                                                        \
    if (rc_ != (want)) {                                                  \
      check_failures++;                                                   \
      fprintf(stderr, "%s:%d: status %d (%s), want %d: %s\n", __FILE__,   \
              __LINE__, rc_, sealkit_error_name(rc_), (want),             \
              (err) ? (err) : "(no text)");                               \
    }                                                                     \
  } while (0)

#define CHECK_STR(got, want)                                              \
  do {                                                                    \
    const char *g_ = (got), *w_ = (want);                                 \
    check_count++;                                                        \
    if (g_ == NULL || strcmp(g_, w_) != 0) {                              \
      check_failures++;                                                   \
      fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__,       \
              __LINE__, g_ ? g_ : "(null)", w_);                          \
    }                                                                     \
  } while (0)

static int check_report(const char *name) {
  if (check_failures) {
    fprintf(stderr, "%s: %d of %d checks FAILED\n", name, check_failures, check_count);
    return 1;
  }
  printf("%s: all %d checks passed\n", name, check_count);
  return 0;
}

#endif
