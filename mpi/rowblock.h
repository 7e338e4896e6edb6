/* A 1-D block distribution of n rows over the ranks (tb_split: any rank
 * count), with the two collectives a row-distributed iterative solver
 * needs: completing a whole vector from every rank's rows (MPI_Allgatherv
 * in place) and summing a few scalars (MPI_Allreduce). Shared by the mpi
 * and hybrid executables (cg). Only the master thread of a process calls
 * it. Times are accumulated: the gather as comm (it moves the vector), the
 * sums as sync (a few bytes: the time is the wait for the slowest rank).
 *
 * When the node is oversubscribed (more ranks x threads than the CPUs this
 * process may run on), a rank waiting in either collective yields its CPU
 * between tests of a non-blocking collective instead of spinning inside a
 * blocking one: otherwise every step of a solver that synchronises as often
 * as CG can cost a scheduler time slice. */
#ifndef TB_ROWBLOCK_H
#define TB_ROWBLOCK_H

#include <stdint.h>

#include "tb_status.h"

typedef struct tb_rowblock {
    int64_t n, row0, row1; /* this rank's rows [row0, row1) */
    int *counts, *displs;  /* every rank's rows, for the gather */
    int yield;             /* oversubscribed: wait by yielding */
    double comm, sync;     /* seconds, accumulated */
} tb_rowblock;

/* Not collective; nthreads is the threads each rank runs. TB_ERUNTIME when
 * out of memory (agree before going on). */
tb_status tb_rowblock_create(tb_rowblock *rb, int64_t n, int nthreads);
void tb_rowblock_free(tb_rowblock *rb);

/* full[0..n): this rank has written full[row0..row1); afterwards every
 * rank's rows are everywhere. Collective. */
void tb_rowblock_gather(tb_rowblock *rb, double *full);

/* values[0..count) = their sums over all ranks. Collective. */
void tb_rowblock_sum(tb_rowblock *rb, double *values, int count);

#endif
