/* A PMPI counter of the traffic a kernel's driver really makes, linked only
 * into test copies of triobench-mpi and triobench-hybrid (tests/model/
 * tests.cmake). Each MPI call below counts, per rank, its point-to-point
 * sends (by size, none to MPI_PROC_NULL) and its collectives (by operation
 * and this rank's contribution in bytes), then calls the PMPI_ version.
 * Only calls made while a kernel's driver runs count: the link wraps every
 * <kernel>_run (-Wl,--wrap, the list from common/kernel_list.h), so the
 * entry point's own traffic (agreements, the record's reductions, whose
 * size grows with --iters) is left out. At MPI_Finalize each rank writes
 * its counts to $TB_PMPI_COUNTS.<rank> as one JSON object:
 *   {"rank": r, "sends": [[bytes, count], ...], "collectives": [[op, bytes, count], ...]}
 * Standard MPI only (MPI-3 signatures): Open MPI and MPICH alike. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "tb_kernel.h"

#define MAX_ENTRIES 512

typedef struct entry {
    const char *op; /* "send" or a collective's name */
    long long bytes, count;
} entry;

static entry table[MAX_ENTRIES];
static int nentries, counting, overflow;

static void count(const char *op, long long bytes)
{
    if (!counting) return;
    for (int i = 0; i < nentries; i++)
        if (table[i].op == op && table[i].bytes == bytes) {
            table[i].count++;
            return;
        }
    if (nentries == MAX_ENTRIES) {
        overflow = 1;
        return;
    }
    table[nentries++] = (entry){op, bytes, 1};
}

static long long size_of(int n, MPI_Datatype type)
{
    int size;
    PMPI_Type_size(type, &size);
    return (long long)n * size;
}

static const char SEND[] = "send", ALLREDUCE[] = "allreduce", REDUCE[] = "reduce",
                  BCAST[] = "bcast", ALLTOALL[] = "alltoall", ALLGATHER[] = "allgather",
                  GATHER[] = "gather", BARRIER[] = "barrier";

static void send(int n, MPI_Datatype type, int dest)
{
    if (dest != MPI_PROC_NULL) count(SEND, size_of(n, type));
}

/* ---- the drivers, bracketed ---- */
#define TB_KERNEL(k)                                                                               \
    tb_status __real_##k##_run(tb_run *run);                                                       \
    tb_status __wrap_##k##_run(tb_run *run);                                                       \
    tb_status __wrap_##k##_run(tb_run *run)                                                        \
    {                                                                                              \
        counting = 1;                                                                              \
        tb_status st = __real_##k##_run(run);                                                      \
        counting = 0;                                                                              \
        return st;                                                                                 \
    }
#include "kernel_list.h"
#undef TB_KERNEL

/* ---- point to point ---- */
int MPI_Send(const void *buf, int n, MPI_Datatype t, int dest, int tag, MPI_Comm comm)
{
    send(n, t, dest);
    return PMPI_Send(buf, n, t, dest, tag, comm);
}
int MPI_Ssend(const void *buf, int n, MPI_Datatype t, int dest, int tag, MPI_Comm comm)
{
    send(n, t, dest);
    return PMPI_Ssend(buf, n, t, dest, tag, comm);
}
int MPI_Rsend(const void *buf, int n, MPI_Datatype t, int dest, int tag, MPI_Comm comm)
{
    send(n, t, dest);
    return PMPI_Rsend(buf, n, t, dest, tag, comm);
}
int MPI_Isend(const void *buf, int n, MPI_Datatype t, int dest, int tag, MPI_Comm comm,
              MPI_Request *req)
{
    send(n, t, dest);
    return PMPI_Isend(buf, n, t, dest, tag, comm, req);
}
int MPI_Issend(const void *buf, int n, MPI_Datatype t, int dest, int tag, MPI_Comm comm,
               MPI_Request *req)
{
    send(n, t, dest);
    return PMPI_Issend(buf, n, t, dest, tag, comm, req);
}
int MPI_Sendrecv(const void *sbuf, int sn, MPI_Datatype st, int dest, int stag, void *rbuf, int rn,
                 MPI_Datatype rt, int source, int rtag, MPI_Comm comm, MPI_Status *status)
{
    send(sn, st, dest);
    return PMPI_Sendrecv(sbuf, sn, st, dest, stag, rbuf, rn, rt, source, rtag, comm, status);
}

/* ---- collectives: this rank's contribution ---- */
int MPI_Barrier(MPI_Comm comm)
{
    count(BARRIER, 0);
    return PMPI_Barrier(comm);
}
int MPI_Ibarrier(MPI_Comm comm, MPI_Request *req)
{
    count(BARRIER, 0);
    return PMPI_Ibarrier(comm, req);
}
int MPI_Bcast(void *buf, int n, MPI_Datatype t, int root, MPI_Comm comm)
{
    count(BCAST, size_of(n, t));
    return PMPI_Bcast(buf, n, t, root, comm);
}
int MPI_Allreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm comm)
{
    count(ALLREDUCE, size_of(n, t));
    return PMPI_Allreduce(s, r, n, t, op, comm);
}
int MPI_Iallreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm comm,
                   MPI_Request *req)
{
    count(ALLREDUCE, size_of(n, t));
    return PMPI_Iallreduce(s, r, n, t, op, comm, req);
}
int MPI_Reduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, int root, MPI_Comm comm)
{
    count(REDUCE, size_of(n, t));
    return PMPI_Reduce(s, r, n, t, op, root, comm);
}
int MPI_Alltoall(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt,
                 MPI_Comm comm)
{
    int size;
    PMPI_Comm_size(comm, &size);
    count(ALLTOALL, size_of(sn, st) * size);
    return PMPI_Alltoall(s, sn, st, r, rn, rt, comm);
}
int MPI_Gather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt, int root,
               MPI_Comm comm)
{
    count(GATHER, size_of(sn, st));
    return PMPI_Gather(s, sn, st, r, rn, rt, root, comm);
}
int MPI_Allgather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt,
                  MPI_Comm comm)
{
    count(ALLGATHER, s == MPI_IN_PLACE ? size_of(rn, rt) : size_of(sn, st));
    return PMPI_Allgather(s, sn, st, r, rn, rt, comm);
}

/* In place, a rank's part is its own receive count. */
static long long gatherv_part(const void *s, int sn, MPI_Datatype st, const int *rn,
                              MPI_Datatype rt, MPI_Comm comm)
{
    if (s != MPI_IN_PLACE) return size_of(sn, st);
    int rank;
    PMPI_Comm_rank(comm, &rank);
    return size_of(rn[rank], rt);
}
int MPI_Allgatherv(const void *s, int sn, MPI_Datatype st, void *r, const int *rn,
                   const int *displs, MPI_Datatype rt, MPI_Comm comm)
{
    count(ALLGATHER, gatherv_part(s, sn, st, rn, rt, comm));
    return PMPI_Allgatherv(s, sn, st, r, rn, displs, rt, comm);
}
int MPI_Iallgatherv(const void *s, int sn, MPI_Datatype st, void *r, const int *rn,
                    const int *displs, MPI_Datatype rt, MPI_Comm comm, MPI_Request *req)
{
    count(ALLGATHER, gatherv_part(s, sn, st, rn, rt, comm));
    return PMPI_Iallgatherv(s, sn, st, r, rn, displs, rt, comm, req);
}

/* ---- the counts, written at the end ---- */
int MPI_Finalize(void)
{
    const char *path = getenv("TB_PMPI_COUNTS");
    if (path) {
        int rank;
        PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
        char name[4096];
        snprintf(name, sizeof name, "%s.%d", path, rank);
        FILE *f = fopen(name, "w");
        if (f) {
            fprintf(f, "{\"rank\": %d, \"overflow\": %s, \"sends\": [", rank,
                    overflow ? "true" : "false");
            const char *sep = "";
            for (int i = 0; i < nentries; i++)
                if (table[i].op == SEND) {
                    fprintf(f, "%s[%lld, %lld]", sep, table[i].bytes, table[i].count);
                    sep = ", ";
                }
            fprintf(f, "], \"collectives\": [");
            sep = "";
            for (int i = 0; i < nentries; i++)
                if (table[i].op != SEND) {
                    fprintf(f, "%s[\"%s\", %lld, %lld]", sep, table[i].op, table[i].bytes,
                            table[i].count);
                    sep = ", ";
                }
            fprintf(f, "]}\n");
            fclose(f);
        }
    }
    return PMPI_Finalize();
}
