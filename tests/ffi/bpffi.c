/* The C side of the FFI tests, compiled by gcc during the test run (tests/ffi/ffi.test.ts).
   Every function checks the stack alignment it is called with, and the arguments arrive in
   order-sensitive sums, so a parameter in the wrong register or stack slot shows in the result;
   one function clobbers every caller-saved register, so a value the caller keeps in one does. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built with -fno-omit-frame-pointer: rbp is the entry rsp - 8, 16-byte aligned when the call
   was made with rsp 16-byte aligned, as System V requires. */
static int64_t misaligned;
#define CHECK() do { if (((uintptr_t)__builtin_frame_address(0)) & 15) misaligned++; } while (0)

int64_t misaligned_calls(void) { return misaligned; }

int64_t add_i64(int64_t a, int64_t b) { CHECK(); return a + b; }
int64_t negate(int64_t a) { CHECK(); return (int64_t)(0 - (uint64_t)a); }

int64_t sum8_i64(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h) {
  CHECK();
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

double sum8_f64(double a, double b, double c, double d, double e, double f, double g, double h) {
  CHECK();
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

double mix_if(int64_t a, double x, int64_t b, double y, int64_t c, double z, int64_t d, double w) {
  CHECK();
  return a + 2 * x + 3 * b + 4 * y + 5 * c + 6 * z + 7 * d + 8 * w;
}

/* seven integers (the seventh on the stack) and a double (in xmm0) */
double mix_7i1f(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, double x) {
  CHECK();
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * x;
}

/* a double first, then seven integers, the last on the stack */
int64_t mix_1f7i(double x, int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g) {
  CHECK();
  return (int64_t)(x * 1000) + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g;
}

bool is_even(int64_t n) { CHECK(); return n % 2 == 0; }
int64_t bool_to_int(bool b) { CHECK(); return b ? 1 : 0; }
bool both(bool a, bool b) { CHECK(); return a && b; }

int64_t c_strlen(const char *s) { CHECK(); return (int64_t)strlen(s); }

static char buffer[256];
const char *greet(const char *name) {
  CHECK();
  snprintf(buffer, sizeof buffer, "hello, %s!", name);
  return buffer;
}
const char *echo(const char *s) { CHECK(); return s; }
const char *null_str(void) { CHECK(); return NULL; }
int64_t byte_sum(const char *s) {
  CHECK();
  int64_t n = 0;
  for (; *s; s++) n += (unsigned char)*s;
  return n;
}

void *box_new(int64_t v) {
  CHECK();
  int64_t *p = malloc(sizeof *p);
  *p = v;
  return p;
}
int64_t box_get(void *p) { CHECK(); return p ? *(int64_t *)p : -1; }
void box_set(void *p, int64_t v) { CHECK(); *(int64_t *)p = v; }
void box_free(void *p) { CHECK(); free(p); }
void *null_ptr(void) { CHECK(); return NULL; }
bool is_null(void *p) { CHECK(); return p == NULL; }

static int64_t counter;
void counter_add(int64_t n) { CHECK(); counter += n; }
int64_t counter_get(void) { CHECK(); return counter; }

double scale(double x, int64_t k) { CHECK(); return x * (double)k; }

/* Returns x after writing garbage into every register System V lets a callee clobber. */
int64_t clobber(int64_t x) {
  CHECK();
  __asm__ volatile(
      "mov $-1, %%rcx\n mov $-1, %%rdx\n mov $-1, %%rsi\n mov $-1, %%rdi\n"
      "mov $-1, %%r8\n mov $-1, %%r9\n mov $-1, %%r10\n mov $-1, %%r11\n"
      "pcmpeqd %%xmm0, %%xmm0\n pcmpeqd %%xmm1, %%xmm1\n pcmpeqd %%xmm2, %%xmm2\n pcmpeqd %%xmm3, %%xmm3\n"
      "pcmpeqd %%xmm4, %%xmm4\n pcmpeqd %%xmm5, %%xmm5\n pcmpeqd %%xmm6, %%xmm6\n pcmpeqd %%xmm7, %%xmm7\n"
      "pcmpeqd %%xmm8, %%xmm8\n pcmpeqd %%xmm9, %%xmm9\n pcmpeqd %%xmm10, %%xmm10\n pcmpeqd %%xmm11, %%xmm11\n"
      "pcmpeqd %%xmm12, %%xmm12\n pcmpeqd %%xmm13, %%xmm13\n pcmpeqd %%xmm14, %%xmm14\n pcmpeqd %%xmm15, %%xmm15\n"
      ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
      "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
  return x;
}
