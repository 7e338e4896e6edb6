/* Halo, serial: the grid is one block with no neighbour, so an exchange
 * moves nothing; the time is that of the call, the floor under the other
 * models. */
#include "kernels/halo.h"
#include "kernels/micro.h"
#include "tb_arena.h"
#include "tb_timer.h"

typedef struct halo_ctx {
    halo_layout layout;
    double *origin;
} halo_ctx;

static double pull_batch(void *arg, int64_t count)
{
    halo_ctx *c = arg;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        halo_pull(&c->layout, &c->origin, 0);
        __asm__ volatile("" ::: "memory");
    }
    return tb_now() - t0;
}

tb_status halo_run(tb_run *run)
{
    halo_ctx c;
    tb_status st = halo_layout_init(&c.layout, run->params->value[HALO_P_N],
                                    (int)run->params->value[HALO_P_RADIUS], 1, "blocks");
    if (st != TB_OK) return st;
    int64_t ld, row0, rows, col0, cols;
    tb_arena mem = {0};
    double *array = tb_arena_alloc(&mem, (size_t)halo_points(&c.layout, 0, &ld), sizeof(double));
    st = tb_arena_check(&mem, "the grid");
    if (st != TB_OK) return st;
    const int h = c.layout.halo;
    halo_block(&c.layout, 0, &row0, &rows, &col0, &cols);
    c.origin = array + h * ld + h;
    halo_fill(c.origin, ld, rows, cols, h, row0, col0);
    micro_method m = {micro_target(run, HALO_P_TARGET), 1.0, 0.0, &run->breakdown.compute};
    micro_measure(run, pull_batch, &c, &m);
    double v[4] = {0.0, 0.0, 0.0, 0.0};
    const int none[4] = {0, 0, 0, 0};
    halo_check(c.origin, ld, rows, cols, h, row0, col0, none, v);
    halo_verify(run, v, halo_bytes(c.layout.n, h, c.layout.dims), 0.0);
    halo_set_exchange(run, 0.0, 0.0, 0.0, HALO_HOW_NONE);
    tb_arena_free(&mem);
    return TB_OK;
}
