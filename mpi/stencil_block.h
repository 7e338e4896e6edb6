/* The stencil's distributed data, shared by the mpi and hybrid backends: the
 * 2-D block decomposition (grid2d.h), this rank's two padded arrays in and
 * out, the weights and the interior points this rank updates. The drivers
 * add only how they initialise the arrays and who sweeps which rows. */
#ifndef TB_STENCIL_BLOCK_H
#define TB_STENCIL_BLOCK_H

#include "grid2d.h"
#include "kernels/stencil.h"
#include "tb_arena.h"

typedef struct stencil_block {
    tb_grid2d g;
    int radius;
    double *in, *out;         /* the padded local arrays, tb_grid2d_points(&g) each */
    double *in_blk, *out_blk; /* their origins (first owned point) */
    double w[STENCIL_MAX_RADIUS + 1];
    int64_t i0, i1, j0, j1; /* the interior rows and columns of the block, local indexes */
} stencil_block;

/* Collective. in and out are allocated (uninitialised) in *mem, which may
 * already hold the caller's arrays, and checked with them; then the status
 * is agreed over the ranks. On failure everything is freed, *mem included:
 * the caller just returns the status. On success the caller frees *mem and
 * calls stencil_block_free. */
tb_status stencil_block_create(stencil_block *b, const tb_params *p, tb_arena *mem);
void stencil_block_free(stencil_block *b);

#endif
