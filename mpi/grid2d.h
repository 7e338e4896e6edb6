/* A 2-D block decomposition of an n x n grid over all ranks, and its halo
 * exchange: the distribution and communication the stencil-like kernels of
 * the mpi and hybrid backends share.
 *
 * Process grid from MPI_Dims_create and MPI_Cart_create (non-periodic);
 * blocks differ by at most one row or column when n does not divide. A
 * local block is stored row-major with `halo` ghost points on every side;
 * `tb_grid2d_origin` gives the address of its first owned point. */
#ifndef TB_GRID2D_H
#define TB_GRID2D_H

#include <mpi.h>
#include <stdint.h>

#include "tb_status.h"

typedef struct tb_grid2d {
    MPI_Comm cart;
    int dims[2]; /* process rows, process columns */
    int coords[2];
    int north, south, west, east;   /* neighbour ranks or MPI_PROC_NULL */
    int64_t row0, row1, col0, col1; /* owned global ranges [row0,row1) x [col0,col1) */
    int64_t rows, cols;
    int halo;
    int64_t ld;      /* cols + 2*halo */
    double *pack[4]; /* west/east send and receive buffers: rows x halo each */
} tb_grid2d;

/* Collective. TB_EINPUT (same on every rank) when a block would be thinner
 * than the halo; TB_ERUNTIME when this rank could not allocate buffers. */
tb_status tb_grid2d_create(tb_grid2d *g, int64_t n, int halo);
void tb_grid2d_free(tb_grid2d *g);

/* Points in one local array, halos included. */
static inline int64_t tb_grid2d_points(const tb_grid2d *g)
{
    return (g->rows + 2 * g->halo) * g->ld;
}
static inline double *tb_grid2d_origin(const tb_grid2d *g, double *array)
{
    return array + g->halo * g->ld + g->halo;
}

/* Fill the halos of `block` (an origin pointer) from the four neighbours:
 * receives posted first, west/east columns packed, non-blocking sends, one
 * wait. Only the star stencil's halos: corners are not exchanged. */
void tb_grid2d_exchange(tb_grid2d *g, double *block);

#endif
