#include "transpose_dist.h"

#include <string.h>

#include "kernels/transpose.h"
#include "tb_split.h"

enum { TAG_BLOCK = 21 };

tb_status transpose_dist_create(transpose_dist *d, int64_t n, int64_t tile)
{
    memset(d, 0, sizeof *d);
    MPI_Comm_size(MPI_COMM_WORLD, &d->nranks);
    MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
    const int p = d->nranks;
    d->n = n;
    d->tile = tile;
    d->start = tb_arena_alloc(&d->mem, (size_t)p + 1, sizeof(int64_t));
    d->send_off = tb_arena_alloc(&d->mem, (size_t)p, sizeof(int64_t));
    d->recv_off = tb_arena_alloc(&d->mem, (size_t)p, sizeof(int64_t));
    d->row_type = tb_arena_alloc(&d->mem, (size_t)p, sizeof(MPI_Datatype));
    d->req = tb_arena_alloc(&d->mem, 2 * (size_t)p, sizeof(MPI_Request));
    d->status = tb_arena_alloc(&d->mem, 2 * (size_t)p, sizeof(MPI_Status));
    tb_status st = tb_arena_check(&d->mem, "the transpose's block tables");
    if (st != TB_OK) return st;
    for (int r = 0; r < p; r++) {
        int64_t end;
        tb_split(n, p, r, &d->start[r], &end);
        d->start[r + 1] = end;
    }
    d->row0 = d->start[d->rank];
    d->rows = d->start[d->rank + 1] - d->row0;
    /* X_q is |R_q| x rows, Y_p is rows x |R_p|; neither exists for p = me. */
    int64_t off = 0;
    for (int r = 0; r < p; r++) {
        d->send_off[r] = d->recv_off[r] = off;
        if (r != d->rank) off += (d->start[r + 1] - d->start[r]) * d->rows;
    }
    d->sendbuf = tb_arena_alloc_huge(&d->mem, (size_t)off, sizeof(double));
    d->recvbuf = tb_arena_alloc_huge(&d->mem, (size_t)off, sizeof(double));
    d->a = tb_arena_alloc_huge(&d->mem, (size_t)(d->rows * n), sizeof(double));
    d->b = tb_arena_alloc_huge(&d->mem, (size_t)(d->rows * n), sizeof(double));
    st = tb_arena_check(&d->mem,
                        "two %lld x %lld row blocks and the transpose's message buffers "
                        "(2 x %lld doubles)",
                        (long long)d->rows, (long long)n, (long long)off);
    if (st != TB_OK) return st;
    /* Counts in rows keep them far below INT_MAX whatever n. */
    for (; d->ntypes < p; d->ntypes++) {
        const int r = d->ntypes;
        MPI_Type_contiguous((int)(d->start[r + 1] - d->start[r]), MPI_DOUBLE, &d->row_type[r]);
        MPI_Type_commit(&d->row_type[r]);
    }
    return TB_OK;
}

void transpose_dist_free(transpose_dist *d)
{
    for (int r = 0; r < d->ntypes; r++) MPI_Type_free(&d->row_type[r]);
    tb_arena_free(&d->mem);
    memset(d, 0, sizeof *d);
}

static int64_t width(const transpose_dist *d, int r) { return d->start[r + 1] - d->start[r]; }

void transpose_dist_pack(transpose_dist *d, double *a, int part, int parts)
{
    for (int q = 0; q < d->nranks; q++) {
        if (q == d->rank) continue;
        int64_t i0, i1;
        transpose_band(width(d, q), part, parts, &i0, &i1);
        transpose_block(a + d->start[q], d->n, d->sendbuf + d->send_off[q], d->rows, i0, i1,
                        d->rows, d->tile, 0);
    }
}

void transpose_dist_start(transpose_dist *d)
{
    const int p = d->nranks, me = d->rank;
    d->nreq = 0;
    for (int k = 1; k < p; k++) {
        int from = (me + k) % p;
        MPI_Irecv(d->recvbuf + d->recv_off[from], (int)d->rows, d->row_type[from], from, TAG_BLOCK,
                  MPI_COMM_WORLD, &d->req[d->nreq++]);
    }
    for (int k = 1; k < p; k++) {
        int to = (me - k + p) % p;
        MPI_Isend(d->sendbuf + d->send_off[to], (int)width(d, to), d->row_type[me], to, TAG_BLOCK,
                  MPI_COMM_WORLD, &d->req[d->nreq++]);
    }
}

void transpose_dist_local(transpose_dist *d, double *a, double *b, int part, int parts)
{
    int64_t i0, i1;
    transpose_band(d->rows, part, parts, &i0, &i1);
    transpose_block(a + d->row0, d->n, b + d->row0, d->n, i0, i1, d->rows, d->tile, 1);
}

void transpose_dist_wait(transpose_dist *d)
{
    MPI_Waitall(d->nreq, d->req, d->status);
    d->nreq = 0;
}

void transpose_dist_unpack(transpose_dist *d, double *b, int part, int parts)
{
    int64_t i0, i1;
    transpose_band(d->rows, part, parts, &i0, &i1);
    for (int r = 0; r < d->nranks; r++)
        if (r != d->rank)
            transpose_add(b + d->start[r], d->n, d->recvbuf + d->recv_off[r], width(d, r), i0, i1,
                          width(d, r));
}
