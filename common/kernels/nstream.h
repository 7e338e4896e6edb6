/* nstream: the STREAM triad in the Parallel Research Kernels' form,
 *
 *     a(i) += b(i) + s * c(i)      (s = 3, a = 0, b = c = 2 initially)
 *
 * on three arrays of n doubles. Bytes counted: 4 x 8 x n per iteration
 * (a read, b read, c read, a written: the compulsory traffic, as PRK counts
 * it; STREAM's a = b + s*c counts 3 x 8 x n but moves 4 x 8 x n when the
 * store allocates its cache line). Every element follows the same scalar
 * recurrence, so the check replays it on one scalar and compares the sum,
 * the minimum and the maximum of a with it.
 *
 * The single-process loop is here too, because the serial and MPI backends
 * differ only in which part of the arrays a process owns: the loop ends each
 * iteration with tb_comm_barrier() (all ranks in MPI, nothing in serial), so
 * that the ranks stream concurrently and the iteration time is the
 * slowest rank's. */
#ifndef TB_NSTREAM_H
#define TB_NSTREAM_H

#include <stdint.h>

#include "tb_kernel.h"

enum { NSTREAM_P_N };

extern const tb_kernel nstream_kernel;

/* The three arrays of one process (or thread): aligned, first touched by
 * nstream_init. */
typedef struct nstream_arrays {
    double *a, *b, *c;
    int64_t count;
} nstream_arrays;

/* Allocates count elements per array; TB_ERUNTIME with a message on failure
 * (nothing is left allocated then). */
tb_status nstream_alloc(nstream_arrays *x, int64_t count);
void nstream_free(nstream_arrays *x);

/* a = 0, b = c = 2 over [begin, end). */
void nstream_init(const nstream_arrays *x, int64_t begin, int64_t end);

/* a += b + s*c over [begin, end). */
void nstream_triad(const nstream_arrays *x, int64_t begin, int64_t end);

/* acc = {sum, min, max} of a over [begin, end), merged into acc (start it
 * with nstream_acc_init). */
void nstream_acc_init(double acc[3]);
void nstream_accumulate(const nstream_arrays *x, int64_t begin, int64_t end, double acc[3]);
void nstream_acc_merge(double into[3], const double from[3]);

/* Combine acc over all processes and verify a run of `iterations`
 * iterations against the scalar replay (collective). */
void nstream_verify(tb_run *run, double acc[3], int64_t iterations);

/* One thread streams `count` elements of this process (the serial and MPI
 * drivers): allocation agreed over ranks, first touch, warm-up and timed
 * iterations each closed by a barrier over ranks, verification. */
tb_status nstream_run_single(tb_run *run, int64_t count);

/* Thread t's band of [0, count): whole cache lines, the last band ragged
 * (the split of openmp/nstream_team.c). */
void nstream_band(int64_t count, int nthreads, int t, int64_t *begin, int64_t *end);

#endif
