/* noipa: gcc neither inlines nor specializes the functions, so every call happens with its
   arguments, as in the .bp program. */
#include <stdio.h>
#include <stdint.h>

#define F __attribute__((noipa)) static int64_t

F zero(void) { return 17; }
F inc(int64_t x) { return x + 1; }
F add(int64_t a, int64_t b) { return a + b; }
F mix(int64_t a, int64_t b, int64_t c) { return (a * 31 + b * 17 + c) % 1000003; }
F clamp4(int64_t v, int64_t lo, int64_t hi, int64_t dflt) {
    if (v < lo) return dflt;
    if (v > hi) return hi;
    return v;
}
F sum6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) { return a + b + c + d + e + f; }
F poly8(int64_t x, int64_t c0, int64_t c1, int64_t c2, int64_t c3, int64_t c4, int64_t c5, int64_t c6) {
    return ((((((c6 * x + c5) * x + c4) * x + c3) * x + c2) * x + c1) * x + c0) % 999983;
}
F twice(int64_t x) { return add(x, x); }
F step(int64_t i, int64_t acc) {
    int64_t a = mix(inc(i), acc, zero());
    int64_t b = clamp4(a % 1000, 100, 900, twice(i % 50));
    int64_t c = sum6(a, b, inc(b), i % 7, add(i, 3), 1);
    return poly8(c % 97, a % 10, b % 10, 1, 2, 3, inc(i % 5), 7);
}

int main(void) {
    int64_t n = 2000000, acc = 1, check = 0;
    for (int64_t i = 0; i < n; i++) {
        acc = step(i, acc);
        check = (check + acc) % 1000000007;
    }
    printf("calls %lld %lld %lld\n", (long long)n, (long long)acc, (long long)check);
    return 0;
}
