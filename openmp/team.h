/* The team part of the micro-benchmarks, shared by the omp and hybrid
 * executables: a timed batch run by a whole team; the barrier and
 * allreduce benchmarks, to which the hybrid adds its MPI step. */
#ifndef TB_TEAM_H
#define TB_TEAM_H

#include <stdint.h>

#include "tb_kernel.h"

/* body(ctx, thread, nthreads, count) runs on every thread of a team of
 * `nthreads`, between two barriers; returns the master's seconds from the
 * first barrier to the second (so the slowest thread counts). */
typedef void (*tb_team_body)(void *ctx, int thread, int nthreads, int64_t count);
double tb_team_batch(int nthreads, tb_team_body body, void *ctx, int64_t count);

/* The barrier benchmark over a team: each operation is delay; team
 * barrier; and with `across` (the hybrid's process-level barrier) the
 * master calls it, then a second team barrier. */
tb_status tb_team_barrier_run(tb_run *run, void (*across)(void));

/* The allreduce benchmark over a team: each operation is delay; each
 * thread sums its slice of every thread's contribution into the rank's
 * shared result between two barriers; and with `across` (the hybrid's
 * MPI_Allreduce in place) the master combines the ranks' results, then a
 * barrier. */
tb_status tb_team_allreduce_run(tb_run *run, void (*across)(double *result, int64_t n));

#endif
