#include <stdio.h>
#include <stdint.h>

static int64_t collatz_len(int64_t start) {
    int64_t n = start, steps = 0;
    while (n != 1) {
        if (n % 2 == 0) n = n / 2;
        else n = 3 * n + 1;
        steps++;
    }
    return steps;
}

int main(void) {
    int64_t limit = 300000, total = 0, best = 0, best_start = 1;
    for (int64_t i = 1; i < limit; i++) {
        int64_t steps = collatz_len(i);
        total += steps;
        if (steps > best) { best = steps; best_start = i; }
    }
    printf("collatz %lld %lld %lld %lld\n", (long long)limit, (long long)total, (long long)best,
           (long long)best_start);
    return 0;
}
