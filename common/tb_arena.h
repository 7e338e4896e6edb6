/* All-or-nothing allocation of a driver's arrays, so that a driver writes
 * one check and one free instead of a test, a free and a message per
 * array: each tb_arena_alloc keeps its block (NULL on failure, and the
 * arena remembers it); tb_arena_check returns TB_OK, or frees every block
 * and returns TB_ERUNTIME with "out of memory for <what>"; tb_arena_free
 * frees every block. The memory is tb_alloc's (or tb_alloc_huge's),
 * uninitialised, so first touch still decides where its pages go.
 *
 *     tb_arena mem = {0};
 *     double *in = tb_arena_alloc(&mem, n * n, sizeof(double));
 *     tb_status st = tb_arena_check(&mem, "two %lld x %lld grids", n, n);
 *     ...
 *     tb_arena_free(&mem);
 *
 * An arena keeps any number of blocks (a thread's buffers each). It is not
 * thread-safe: threads that allocate their own blocks in a parallel region
 * do it inside a critical section. */
#ifndef TB_ARENA_H
#define TB_ARENA_H

#include <stddef.h>
#include <stdlib.h>

#include "tb_error.h"
#include "tb_mem.h"

typedef struct tb_arena {
    void **block; /* [cap], the first n kept */
    int n, cap, failed;
} tb_arena;

static inline void *tb_arena_keep(tb_arena *a, void *p)
{
    if (p && a->n == a->cap) {
        const int cap = a->cap ? 2 * a->cap : 16;
        void **grown = realloc(a->block, sizeof *grown * (size_t)cap);
        if (grown) {
            a->block = grown;
            a->cap = cap;
        }
    }
    if (!p || a->n == a->cap) {
        tb_free(p);
        a->failed = 1;
        return NULL;
    }
    return a->block[a->n++] = p;
}

static inline void *tb_arena_alloc(tb_arena *a, size_t count, size_t size)
{
    return tb_arena_keep(a, tb_alloc(count, size));
}

static inline void *tb_arena_alloc_huge(tb_arena *a, size_t count, size_t size)
{
    return tb_arena_keep(a, tb_alloc_huge(count, size));
}

static inline void tb_arena_free(tb_arena *a)
{
    while (a->n > 0) tb_free(a->block[--a->n]);
    free(a->block);
    a->block = NULL;
    a->cap = 0;
}

/* The format must be a string literal. */
#define tb_arena_check(a, ...)                                                                     \
    ((a)->failed ? (tb_arena_free(a), tb_error_set(TB_ERUNTIME, "out of memory for " __VA_ARGS__)) \
                 : TB_OK)

#endif
