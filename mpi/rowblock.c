#define _GNU_SOURCE /* sched_getaffinity */
#include "rowblock.h"

#include <mpi.h>
#include <sched.h>
#include <stdlib.h>

#include "tb_build.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_split.h"
#include "tb_timer.h"

/* CPUs this process may run on. */
static int usable_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
    return 1;
}

tb_status tb_rowblock_create(tb_rowblock *rb, int64_t n, int nthreads)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    rb->n = n;
    rb->comm = rb->sync = 0.0;
    /* Simulated (SMPI), each rank has a simulated core of its own: nothing
     * to yield to, and polling MPI_Test would spin SimGrid's clock in tiny
     * steps (cg at 64 ranks: minutes instead of seconds). */
    rb->yield = !tb_simulated() && tb_comm_node_size() * nthreads > usable_cpus();
    tb_split(n, size, rank, &rb->row0, &rb->row1);
    rb->counts = malloc(sizeof(int) * (size_t)size);
    rb->displs = malloc(sizeof(int) * (size_t)size);
    if (!rb->counts || !rb->displs) {
        tb_rowblock_free(rb);
        return tb_error_set(TB_ERUNTIME, "out of memory for the row distribution");
    }
    for (int r = 0; r < size; r++) {
        int64_t b, e;
        tb_split(n, size, r, &b, &e);
        rb->displs[r] = (int)b;
        rb->counts[r] = (int)(e - b);
    }
    return TB_OK;
}

void tb_rowblock_free(tb_rowblock *rb)
{
    free(rb->counts);
    free(rb->displs);
    rb->counts = rb->displs = NULL;
}

static void wait_yielding(MPI_Request *req)
{
    int done = 0;
    for (MPI_Test(req, &done, MPI_STATUS_IGNORE); !done; MPI_Test(req, &done, MPI_STATUS_IGNORE))
        sched_yield();
}

void tb_rowblock_gather(tb_rowblock *rb, double *full)
{
    double t0 = tb_now();
    if (rb->yield) {
        MPI_Request req;
        MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, full, rb->counts, rb->displs,
                        MPI_DOUBLE, MPI_COMM_WORLD, &req);
        wait_yielding(&req);
    } else {
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, full, rb->counts, rb->displs, MPI_DOUBLE,
                       MPI_COMM_WORLD);
    }
    rb->comm += tb_now() - t0;
}

void tb_rowblock_sum(tb_rowblock *rb, double *values, int count)
{
    double t0 = tb_now();
    if (rb->yield) {
        MPI_Request req;
        MPI_Iallreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &req);
        wait_yielding(&req);
    } else {
        MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    }
    rb->sync += tb_now() - t0;
}
