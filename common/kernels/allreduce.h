/* Allreduce: every PE contributes an array of doubles and every PE ends
 * with their element-wise sum, for every power-of-two size from
 * --min-bytes (8: one double) to --max-bytes (a series kernel: one record
 * per size). Each operation follows an EPCC delay loop whose time is
 * subtracted again (--delay 0: OSU-style, back to back).
 *   serial  one contribution: the sum is a copy (as MPI_Allreduce on one rank)
 *   omp     each thread sums its slice of every thread's array into a
 *           shared result, between two barriers
 *   mpi     MPI_Allreduce(MPI_SUM, MPI_DOUBLE)
 *   hybrid  the omp reduction into the rank's shared array, then the
 *           master's MPI_Allreduce in place, then a barrier
 * Contributions are small integers, so every sum is exact: the result is
 * compared element by element after the run. */
#ifndef TB_ALLREDUCE_H
#define TB_ALLREDUCE_H

#include <stdint.h>

#include "tb_kernel.h"

enum { ALLREDUCE_P_BYTES, ALLREDUCE_P_DELAY, ALLREDUCE_P_TARGET };

extern const tb_kernel allreduce_kernel;

/* Doubles in a run's array. */
static inline int64_t allreduce_count(const tb_run *run)
{
    return run->params->value[ALLREDUCE_P_BYTES] / (int64_t)sizeof(double);
}

/* The contribution of PE `pe` (rank * threads + thread). */
void allreduce_fill(double *x, int64_t n, int pe);

/* result[i0,i1) = sum over p of parts[p][i0,i1): the block compute. */
void allreduce_sum(double *result, const double *const *parts, int nparts, int64_t i0,
                   int64_t i1);

/* Set result to values no reduction produces (before the run). */
void allreduce_spoil(double *result, int64_t n);

/* The whole benchmark for one thread per process (serial, mpi): each
 * operation is delay then reduce(part, result, n), this rank's array to
 * its result. */
tb_status allreduce_run_single(tb_run *run, void (*reduce)(const double *part, double *result,
                                                           int64_t n), double *account);

/* Record the check of `result` (this rank's copy of n doubles) against the
 * sum over `npes` PEs (collective). */
void allreduce_verify(tb_run *run, const double *result, int64_t n, int npes);

#endif
