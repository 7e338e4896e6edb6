/* Barrier: the overhead of one barrier over every PE, measured as the EPCC
 * syncbench measures it: each PE runs a delay loop then the barrier, and the
 * delay loop's time alone is subtracted (--delay 0: back to back, OSU).
 *   serial  a sequentially consistent fence: all one thread has to order
 *   omp     #pragma omp barrier
 *   mpi     MPI_Barrier
 *   hybrid  two levels: a team barrier, the master's MPI_Barrier, a team
 *           barrier
 * The check: every PE went through every barrier the method ran. */
#ifndef TB_BARRIER_H
#define TB_BARRIER_H

#include <stdint.h>

#include "tb_kernel.h"

enum { BARRIER_P_DELAY, BARRIER_P_TARGET };

extern const tb_kernel barrier_kernel;

/* The method for a run: barriers timed in batches of `count` after
 * delay(length) each, minus the delay's reference time; `batch` runs them
 * and adds the barriers each PE passed to *passed. Records the overhead
 * per barrier and the check (collective). */
typedef struct barrier_ctx {
    int64_t length;        /* delay loop length */
    int64_t ran;           /* barriers the method asked for, summed over batches */
    double passed;         /* barriers this rank's PEs passed */
    void *backend;         /* the driver's own state */
    void (*barrier)(void); /* barrier_run_single's barrier */
} barrier_ctx;

tb_status barrier_measure(tb_run *run, double (*batch)(void *ctx, int64_t count), barrier_ctx *ctx,
                          double *account);

/* The whole benchmark for one thread per process (serial, mpi): each
 * operation is delay(length) then barrier(). */
tb_status barrier_run_single(tb_run *run, void (*barrier)(void), double *account);

#endif
