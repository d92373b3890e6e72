/* The same trees: every node a separately allocated pair of int64 (left, right; -1 for a leaf),
   held by a growable array of node pointers per tree; children are indices into it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { int64_t **v; size_t len, cap; } Tree;

static int64_t push(Tree *t, int64_t left, int64_t right) {
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = realloc(t->v, t->cap * sizeof(int64_t *));
    }
    int64_t *node = malloc(2 * sizeof(int64_t));
    node[0] = left;
    node[1] = right;
    t->v[t->len++] = node;
    return (int64_t)t->len - 1;
}

static int64_t build(Tree *t, int64_t depth) {
    if (depth == 0) return push(t, -1, -1);
    int64_t left = build(t, depth - 1);
    int64_t right = build(t, depth - 1);
    return push(t, left, right);
}

static int64_t check(const Tree *t, int64_t i) {
    const int64_t *node = t->v[i];
    if (node[0] < 0) return 1;
    return 1 + check(t, node[0]) + check(t, node[1]);
}

static void free_tree(Tree *t) {
    for (size_t i = 0; i < t->len; i++) free(t->v[i]);
    free(t->v);
}

static int64_t make_and_check(int64_t depth) {
    Tree t = {0};
    int64_t root = build(&t, depth);
    int64_t c = check(&t, root);
    free_tree(&t);
    return c;
}

int main(void) {
    int64_t min_depth = 4, max_depth = 14, stretch = max_depth + 1;
    printf("stretch tree of depth %lld check: %lld\n", (long long)stretch, (long long)make_and_check(stretch));
    Tree long_lived = {0};
    int64_t long_root = build(&long_lived, max_depth);
    for (int64_t depth = min_depth; depth <= max_depth; depth += 2) {
        int64_t iterations = (int64_t)1 << (max_depth - depth + min_depth), total = 0;
        for (int64_t i = 0; i < iterations; i++) total += make_and_check(depth);
        printf("%lld trees of depth %lld check: %lld\n", (long long)iterations, (long long)depth, (long long)total);
    }
    printf("long lived tree of depth %lld check: %lld\n", (long long)max_depth, (long long)check(&long_lived, long_root));
    free_tree(&long_lived);
    return 0;
}
