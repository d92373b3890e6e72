/* The same interpreter: an int64 code array of (opcode, a, b, c) quadruples, a switch dispatch. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct { int64_t *v; size_t len, cap; } Code;

static void emit(Code *code, int64_t op, int64_t a, int64_t b, int64_t c) {
    if (code->len + 4 > code->cap) {
        code->cap = code->cap ? code->cap * 2 : 16;
        code->v = realloc(code->v, code->cap * sizeof(int64_t));
    }
    int64_t *p = code->v + code->len;
    p[0] = op; p[1] = a; p[2] = b; p[3] = c;
    code->len += 4;
}

static int64_t run(const int64_t *code, int64_t *regs) {
    int64_t pc = 0, steps = 0;
    int running = 1;
    while (running) {
        const int64_t *at = code + pc * 4;
        int64_t op = at[0], a = at[1], b = at[2], c = at[3];
        pc++;
        steps++;
        switch (op) {
        case 0: running = 0; break;
        case 1: regs[a] = b; break;
        case 2: regs[a] = regs[b]; break;
        case 3: regs[a] = regs[b] + regs[c]; break;
        case 4: regs[a] = regs[b] - regs[c]; break;
        case 5: regs[a] = regs[b] * regs[c]; break;
        case 6: regs[a] = regs[b] % regs[c]; break;
        case 7: regs[a] = regs[b] + c; break;
        case 8: pc = a; break;
        case 9: if (regs[a] < regs[b]) pc = c; break;
        case 10: if (regs[a] == regs[b]) pc = c; break;
        case 11: if (regs[a] != 0) pc = b; break;
        }
    }
    return steps;
}

static Code primes_program(int64_t limit) {
    Code code = {0};
    emit(&code, 1, 0, limit, 0);
    emit(&code, 1, 1, 2, 0);
    emit(&code, 1, 2, 0, 0);
    emit(&code, 1, 3, 0, 0);
    emit(&code, 1, 7, 0, 0);
    emit(&code, 9, 1, 0, 7);
    emit(&code, 0, 0, 0, 0);
    emit(&code, 1, 4, 2, 0);
    emit(&code, 5, 5, 4, 4);
    emit(&code, 9, 1, 5, 14);
    emit(&code, 6, 6, 1, 4);
    emit(&code, 10, 6, 7, 16);
    emit(&code, 7, 4, 4, 1);
    emit(&code, 8, 8, 0, 0);
    emit(&code, 7, 2, 2, 1);
    emit(&code, 3, 3, 3, 1);
    emit(&code, 7, 1, 1, 1);
    emit(&code, 8, 5, 0, 0);
    return code;
}

static Code lcg_program(int64_t rounds, int64_t seed) {
    Code code = {0};
    emit(&code, 1, 0, rounds, 0);
    emit(&code, 1, 1, seed, 0);
    emit(&code, 1, 2, 1103515245, 0);
    emit(&code, 1, 5, 2147483648, 0);
    emit(&code, 1, 6, 1000, 0);
    emit(&code, 1, 7, 500, 0);
    emit(&code, 1, 3, 0, 0);
    emit(&code, 1, 4, 0, 0);
    emit(&code, 5, 1, 1, 2);
    emit(&code, 7, 1, 1, 12345);
    emit(&code, 6, 1, 1, 5);
    emit(&code, 6, 8, 1, 6);
    emit(&code, 3, 3, 3, 8);
    emit(&code, 9, 7, 8, 15);
    emit(&code, 7, 4, 4, 1);
    emit(&code, 7, 0, 0, -1);
    emit(&code, 11, 0, 8, 0);
    emit(&code, 0, 0, 0, 0);
    return code;
}

int main(void) {
    int64_t regs[16] = {0}, regs2[16] = {0};
    Code p = primes_program(50000);
    int64_t steps1 = run(p.v, regs);
    printf("primes %lld %lld %lld\n", (long long)regs[2], (long long)regs[3], (long long)steps1);
    Code l = lcg_program(600000, 42);
    int64_t steps2 = run(l.v, regs2);
    printf("lcg %lld %lld %lld %lld\n", (long long)regs2[1], (long long)regs2[3], (long long)regs2[4], (long long)steps2);
    printf("interp %lld\n", (long long)(steps1 + steps2));
    free(p.v);
    free(l.v);
    return 0;
}
