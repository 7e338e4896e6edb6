/* Allreduce: every PE contributes an array of doubles and every PE ends
 * with their element-wise sum, for every power-of-two size from
 * --min-bytes (8: one double) to --max-bytes (a series kernel: one record
 * per size). Each operation follows an EPCC delay loop whose time is
 * subtracted again (--delay 0: OSU-style, back to back).
 *   serial  one contribution: the sum is a copy (as MPI_Allreduce on one rank)
 *   omp     the reduction clause: #pragma omp for reduction(+ : r[:n])
 *           over the threads' arrays into a shared result (one barrier, the
 *           construct's own; three results in turn, so that each thread
 *           can zero its slice of the one after next without a barrier)
 *   mpi     MPI_Allreduce(MPI_SUM, MPI_DOUBLE)
 *   hybrid  the omp reduction into the rank's shared array, then the
 *           master's MPI_Allreduce in place, then a barrier
 * Contributions are small integers, so every sum is exact. Each PE's
 * contribution is distinct ((pe + 1) * small) and changes with every batch
 * (+ the batch number), and each batch's result is compared element by
 * element after the batch (untimed): a PE that kept its own value, or a
 * result left over from an earlier batch, fails the check. */
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

/* The contribution of PE `pe` (rank * threads + thread) in batch `batch`. */
void allreduce_fill(double *x, int64_t n, int pe, int64_t batch);

/* Set result to values no reduction produces (before a batch). */
void allreduce_spoil(double *result, int64_t n);

/* The checks of a run: batches checked, elements wrong and checked. */
typedef struct allreduce_tally {
    int64_t batch;
    double wrong, checked;
} allreduce_tally;

/* After a batch: compare `result` (n doubles) with the sum of the batch's
 * contributions over `npes` PEs, then count the batch. */
void allreduce_check(allreduce_tally *a, const double *result, int64_t n, int npes);

/* The whole benchmark for one thread per process (serial, mpi): each
 * operation is delay then reduce(part, result, n), this rank's array to
 * its result. */
tb_status allreduce_run_single(tb_run *run,
                               void (*reduce)(const double *part, double *result, int64_t n),
                               double *account);

/* Record the checks of every batch (collective). */
void allreduce_verify(tb_run *run, const allreduce_tally *a, int64_t n);

#endif
