#include "stencil_block.h"

#include "tb_comm.h"

tb_status stencil_block_create(stencil_block *b, const tb_params *p, tb_arena *mem)
{
    const int64_t n = p->value[STENCIL_P_N];
    b->radius = (int)p->value[STENCIL_P_RADIUS];
    tb_grid2d *g = &b->g;
    tb_status st = tb_grid2d_create(g, n, b->radius);
    if (st == TB_EINPUT) { /* the same on every rank */
        tb_arena_free(mem);
        return st;
    }
    b->in = tb_arena_alloc(mem, (size_t)tb_grid2d_points(g), sizeof(double));
    b->out = tb_arena_alloc(mem, (size_t)tb_grid2d_points(g), sizeof(double));
    if (st == TB_OK)
        st = tb_arena_check(mem, "two %lld x %lld blocks", (long long)g->rows, (long long)g->cols);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_arena_free(mem);
        tb_grid2d_free(g);
        return st;
    }
    b->in_blk = tb_grid2d_origin(g, b->in);
    b->out_blk = tb_grid2d_origin(g, b->out);
    stencil_weights(b->radius, b->w);
    stencil_interior(n, b->radius, g->row0, g->row1, &b->i0, &b->i1);
    stencil_interior(n, b->radius, g->col0, g->col1, &b->j0, &b->j1);
    return TB_OK;
}

void stencil_block_free(stencil_block *b) { tb_grid2d_free(&b->g); }
