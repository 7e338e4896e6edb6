/* The distributed transpose shared by the mpi and hybrid backends.
 *
 * Rank r owns rows R_r = [start[r], start[r+1]) of A and of B (tb_split, so
 * n need not divide by the rank count), stored row-major with leading
 * dimension n: in the PRK's column-major terms, a column block. B(R_me, :)
 * needs A(:, R_me), a column slab spread over every rank, so each iteration
 *   pack    X_q = A(R_me, R_q)^T for every other rank q, tile by tile,
 *           incrementing A there (the fused "A += 1");
 *   start   post the receives of every Y_p = A(R_p, R_me)^T and the sends
 *           of every X_q, in PRK's phase order (to me-k, from me+k);
 *   local   B(R_me, R_me) += A(R_me, R_me)^T while the messages travel;
 *   wait    for all of them;
 *   unpack  B(R_me, R_p) += Y_p.
 * The all-to-all of tiles is pairwise non-blocking point-to-point (every
 * block goes straight to its owner). Every compute step takes a band
 * `part` of `parts` of its destination rows, so the hybrid backend splits
 * each over its threads and the mpi backend passes 0 of 1. */
#ifndef TB_TRANSPOSE_DIST_H
#define TB_TRANSPOSE_DIST_H

#include <mpi.h>
#include <stdint.h>

#include "tb_arena.h"
#include "tb_status.h"

typedef struct transpose_dist {
    int nranks, rank;
    int64_t n, tile;
    int64_t row0, rows;           /* my rows R_me */
    double *a, *b;                /* my rows x n blocks of A and B, uninitialised */
    int64_t *start;               /* [nranks + 1] first row of every rank */
    int64_t *send_off, *recv_off; /* [nranks] where X_q, Y_p start in the buffers */
    double *sendbuf, *recvbuf;
    MPI_Datatype *row_type; /* [nranks] a row of |R_p| doubles */
    MPI_Request *req;       /* [2 * nranks] */
    MPI_Status *status;     /* [2 * nranks], MPI_Waitall's (see p2p.h) */
    int nreq;
    int ntypes;   /* row types committed */
    tb_arena mem; /* everything above */
} transpose_dist;

/* Not collective; TB_ERUNTIME (with a message) when this rank is out of
 * memory: the caller agrees with tb_comm_worst before communicating.
 * transpose_dist_free is safe after either. */
tb_status transpose_dist_create(transpose_dist *d, int64_t n, int64_t tile);
void transpose_dist_free(transpose_dist *d);

/* a and b point at this rank's rows x n blocks (d->a and d->b). */
void transpose_dist_pack(transpose_dist *d, double *a, int part, int parts);
void transpose_dist_start(transpose_dist *d);
void transpose_dist_local(transpose_dist *d, double *a, double *b, int part, int parts);
void transpose_dist_wait(transpose_dist *d);
void transpose_dist_unpack(transpose_dist *d, double *b, int part, int parts);

#endif
