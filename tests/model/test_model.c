/* The kernels' model inputs (common/tb_model.h) without running anything:
 *   - every PE's share adds up to the whole problem: the sum over PEs of
 *     the per-PE flops is work()'s, in every model and shape; so are the
 *     bytes where no model copies anything (serial, omp), and at least
 *     work()'s where message buffers are copied (mpi, hybrid);
 *   - hand-computed cases (the arithmetic is in each comment);
 *   - tb_grid_dims on a few rank counts.
 * tests/model/check_counts.py checks the MPI counts against real runs. */
#include <math.h>
#include <string.h>

#include "../unit/check.h"
#include "kernels/cg.h"
#include "kernels/dgemm.h"
#include "kernels/allreduce.h"
#include "kernels/barrier.h"
#include "kernels/ep.h"
#include "kernels/halo.h"
#include "kernels/nstream.h"
#include "kernels/peak.h"
#include "kernels/pingpong.h"
#include "kernels/stencil.h"
#include "kernels/transpose.h"
#include "tb_model.h"

static tb_params defaults(const tb_kernel *k)
{
    tb_params p;
    memset(&p, 0, sizeof p);
    for (int i = 0; i < k->nparams; i++) p.value[i] = k->params[i].def;
    if (k->resolve) k->resolve(&p);
    return p;
}

static tb_model_inputs inputs(const tb_kernel *k, const tb_params *p, tb_model_kind model,
                              int ranks, int threads)
{
    tb_shape s = tb_shape_of(model, ranks, threads);
    tb_model_inputs m;
    tb_model_compute(k, p, &s, &m);
    return m;
}

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)); }

static double coll_count(const tb_model_inputs *m, tb_coll_op op, double bytes)
{
    for (int i = 0; i < m->ncoll; i++)
        if (m->coll[i].op == op && m->coll[i].bytes == bytes) return m->coll[i].count;
    return 0.0;
}

static double size_count(const tb_model_inputs *m, double bytes)
{
    for (int i = 0; i < m->sends.nsizes; i++)
        if (m->sends.size[i].bytes == bytes) return m->sends.size[i].count;
    return 0.0;
}

/* The shares of every scaling kernel at its defaults (and smaller sizes
 * that do not divide), in every model, against work(). */
static void test_sums(void)
{
    static const struct {
        tb_model_kind model;
        int ranks, threads;
    } shapes[] = {{TB_MODEL_SERIAL, 1, 1}, {TB_MODEL_OMP, 1, 1},   {TB_MODEL_OMP, 1, 3},
                  {TB_MODEL_OMP, 1, 4},    {TB_MODEL_MPI, 1, 1},   {TB_MODEL_MPI, 2, 1},
                  {TB_MODEL_MPI, 3, 1},    {TB_MODEL_MPI, 6, 1},   {TB_MODEL_HYBRID, 1, 2},
                  {TB_MODEL_HYBRID, 2, 2}, {TB_MODEL_HYBRID, 3, 3}};
    for (int k = 0; k < tb_nkernels; k++) {
        const tb_kernel *K = tb_kernels[k];
        CHECK(K->model != NULL); /* every kernel states its model */
        if (!K->model || K->kind == TB_KIND_MICRO) continue;
        for (int big = 0; big < 2; big++) {
            tb_params p = defaults(K);
            if (!big && K->params[K->size_param].type == TB_PARAM_INT)
                p.value[K->size_param] = K == &ep_kernel ? 18 : 203; /* ep: m */
            const tb_work w = K->work(&p);
            for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
                tb_model_inputs m =
                    inputs(K, &p, shapes[i].model, shapes[i].ranks, shapes[i].threads);
                const int copies = shapes[i].model >= TB_MODEL_MPI;
                if (!near(m.total_flops, w.flops)) {
                    fprintf(stderr, "%s %s %dx%d: flops summed %g, work %g\n", K->name,
                            tb_model_name(shapes[i].model), shapes[i].ranks, shapes[i].threads,
                            m.total_flops, w.flops);
                    CHECK(0);
                }
                /* cg's work() counts no bytes: its model estimates them */
                if (w.bytes > 0.0)
                    CHECK(copies ? m.total_bytes >= w.bytes * (1 - 1e-12)
                                 : near(m.total_bytes, w.bytes));
                /* the busiest PE does at least the mean share */
                const double pes = (double)shapes[i].ranks * shapes[i].threads;
                CHECK(m.flops * pes >= m.total_flops * (1 - 1e-12));
                CHECK(m.flops <= m.total_flops);
            }
        }
    }
}

static void test_grid_dims(void)
{
    static const int cases[][3] = {{1, 1, 1}, {2, 2, 1},  {4, 2, 2}, {6, 3, 2},
                                   {7, 7, 1}, {12, 4, 3}, {16, 4, 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int d[2];
        tb_grid_dims(cases[i][0], d);
        CHECK(d[0] == cases[i][1] && d[1] == cases[i][2]);
    }
}

static void test_stencil(void)
{
    tb_params p = defaults(&stencil_kernel);
    p.value[STENCIL_P_N] = 10;
    p.value[STENCIL_P_RADIUS] = 1;
    /* 4 ranks: a 2x2 grid of 5x5 blocks. Each rank has two neighbours: one
     * north or south strip of R * (cols + 2R) = 7 doubles (56 bytes) and one
     * west or east column of rows * R = 5 doubles (40 bytes). */
    tb_model_inputs m = inputs(&stencil_kernel, &p, TB_MODEL_MPI, 4, 1);
    CHECK(m.sends.count == 2 && m.sends.bytes == 96);
    CHECK(size_count(&m, 56) == 1 && size_count(&m, 40) == 1);
    CHECK(m.ncoll == 0 && m.barriers == 0 && m.exact);
    /* Flops: rank 0's interior is rows 1..4 x cols 1..4 = 16 points of
     * 2 * (4R + 1) + 1 = 11 flops. Bytes: 8 * (3 * 16 + 2 * 25) = 784, plus
     * its east column packed and unpacked: 4 * 40 = 160. */
    CHECK(m.flops == 176 && m.bytes == 944);
    /* omp: two barriers per sweep; hybrid: three; serial: none. */
    CHECK(inputs(&stencil_kernel, &p, TB_MODEL_OMP, 1, 2).barriers == 2);
    CHECK(inputs(&stencil_kernel, &p, TB_MODEL_HYBRID, 2, 2).barriers == 3);
    m = inputs(&stencil_kernel, &p, TB_MODEL_SERIAL, 1, 1);
    CHECK(m.barriers == 0 && m.sends.count == 0 && m.ncoll == 0);
    /* One rank: no neighbour, no message. */
    CHECK(inputs(&stencil_kernel, &p, TB_MODEL_MPI, 1, 1).sends.count == 0);
}

static void test_transpose(void)
{
    tb_params p = defaults(&transpose_kernel);
    p.value[TRANSPOSE_P_N] = 10;
    /* 3 ranks own 4, 3, 3 rows. Rank 0 sends each other rank a 3 x 4 block
     * (96 bytes): 192 bytes; rank 1 sends 4 x 3 and 3 x 3 (96 + 72 = 168). */
    tb_model_inputs m = inputs(&transpose_kernel, &p, TB_MODEL_MPI, 3, 1);
    CHECK(m.sends.count == 2 && m.sends.bytes == 192 && size_count(&m, 96) == 2);
    CHECK(inputs(&transpose_kernel, &p, TB_MODEL_HYBRID, 3, 2).barriers == 3);
    CHECK(inputs(&transpose_kernel, &p, TB_MODEL_HYBRID, 1, 2).barriers == 1);
}

static void test_dgemm(void)
{
    tb_params p = defaults(&dgemm_kernel);
    p.value[DGEMM_P_N] = 10;
    p.value[DGEMM_P_PANEL] = 4;
    /* 2 ranks: a 2x1 grid, process rows own rows 0-4 and 5-9, all 10
     * columns. Panels of 4 end at row 5: widths 4, 1, 4, 1. No process
     * columns: no A broadcast; each B panel w x 10 doubles: 320 and 80 bytes,
     * twice each. */
    tb_model_inputs m = inputs(&dgemm_kernel, &p, TB_MODEL_MPI, 2, 1);
    CHECK(m.ncoll == 2 && coll_count(&m, TB_OP_BCAST, 320) == 2 &&
          coll_count(&m, TB_OP_BCAST, 80) == 2);
    /* hybrid: 2 barriers per step */
    CHECK(inputs(&dgemm_kernel, &p, TB_MODEL_HYBRID, 2, 2).barriers == 8);
    /* 4 ranks, 2x2 grid of 5x5 blocks, panels 4, 1, 4, 1: each step one A
     * panel (5 x w) and one B panel (w x 5): 160 and 40 bytes, 4 of each. */
    m = inputs(&dgemm_kernel, &p, TB_MODEL_MPI, 4, 1);
    CHECK(coll_count(&m, TB_OP_BCAST, 160) == 4 && coll_count(&m, TB_OP_BCAST, 40) == 4);
    /* flops of rank 0: 2 * 5 * 5 * 10 */
    CHECK(m.flops == 500);
}

static void test_cg(void)
{
    tb_params p = defaults(&cg_kernel); /* class S: n 1400, niter 15 */
    /* Per outer iteration 53 sums (52 of one value, 1 of two) and 27
     * shares; a sum and a share are one barrier each in omp. */
    tb_model_inputs m = inputs(&cg_kernel, &p, TB_MODEL_OMP, 1, 2);
    CHECK(m.barriers == 15 * 80 && m.reductions == 15 * 53 && !m.exact);
    /* hybrid over 2 ranks: two barriers each, and the master's collectives:
     * 780 allreduce of 8 bytes, 15 of 16, 405 allgather of 700 rows. */
    m = inputs(&cg_kernel, &p, TB_MODEL_HYBRID, 2, 2);
    CHECK(m.barriers == 15 * 160 && m.reductions == 15 * 53);
    CHECK(coll_count(&m, TB_OP_ALLREDUCE, 8) == 780 && coll_count(&m, TB_OP_ALLREDUCE, 16) == 15);
    CHECK(coll_count(&m, TB_OP_ALLGATHER, 5600) == 405);
    CHECK(m.nuntimed == 1 && m.untimed[0].op == TB_OP_BARRIER);
    /* hybrid on one rank behaves as omp */
    m = inputs(&cg_kernel, &p, TB_MODEL_HYBRID, 1, 2);
    CHECK(m.barriers == 15 * 80 && m.ncoll == 0);
}

static void test_ep(void)
{
    tb_params p = defaults(&ep_kernel);
    /* static: one allreduce of the result (13 doubles), a barrier before
     * the clock; exact */
    tb_model_inputs m = inputs(&ep_kernel, &p, TB_MODEL_MPI, 2, 1);
    CHECK(m.ncoll == 1 && coll_count(&m, TB_OP_ALLREDUCE, 104) == 1 && m.exact);
    CHECK(m.nuntimed == 1);
    p.value[EP_P_SCHEDULE] = EP_DYNAMIC;
    CHECK(!inputs(&ep_kernel, &p, TB_MODEL_MPI, 2, 1).exact);
    CHECK(inputs(&ep_kernel, &p, TB_MODEL_SERIAL, 1, 1).exact);
}

static void test_nstream_peak(void)
{
    tb_params p = defaults(&nstream_kernel);
    p.value[NSTREAM_P_N] = 100;
    /* 3 threads over 100 doubles in cache lines of 8: 13 lines split 5, 4,
     * 4, so the first band is 40 elements: 3 flops and 32 bytes each. */
    tb_model_inputs m = inputs(&nstream_kernel, &p, TB_MODEL_OMP, 1, 3);
    CHECK(m.flops == 120 && m.bytes == 1280 && m.barriers == 2 && m.ncoll == 0);
    /* mpi: one barrier closes each iteration; hybrid adds the team's two */
    m = inputs(&nstream_kernel, &p, TB_MODEL_MPI, 2, 1);
    CHECK(coll_count(&m, TB_OP_BARRIER, 0) == 1 && m.barriers == 0 && m.flops == 150);
    m = inputs(&nstream_kernel, &p, TB_MODEL_HYBRID, 2, 2);
    CHECK(coll_count(&m, TB_OP_BARRIER, 0) == 1 && m.barriers == 2);
    /* peak: tb_team_batch's two barriers and the region's end */
    tb_params q = defaults(&peak_kernel);
    CHECK(inputs(&peak_kernel, &q, TB_MODEL_OMP, 1, 2).barriers == 3);
    m = inputs(&peak_kernel, &q, TB_MODEL_MPI, 2, 1);
    CHECK(coll_count(&m, TB_OP_BARRIER, 0) == 1);
    /* ep, omp: the barrier after the batches, the single's; one reduction */
    tb_params e = defaults(&ep_kernel);
    m = inputs(&ep_kernel, &e, TB_MODEL_OMP, 1, 2);
    CHECK(m.barriers == 2 && m.reductions == 1);
}

static void test_micro(void)
{
    /* barrier: hybrid is a team barrier, the master's MPI_Barrier, a team
     * barrier; serial a fence */
    tb_params p = defaults(&barrier_kernel);
    tb_model_inputs m = inputs(&barrier_kernel, &p, TB_MODEL_HYBRID, 2, 2);
    CHECK(m.barriers == 2 && coll_count(&m, TB_OP_BARRIER, 0) == 1);
    m = inputs(&barrier_kernel, &p, TB_MODEL_SERIAL, 1, 1);
    CHECK(m.barriers == 0 && m.ncoll == 0);
    /* allreduce of 64 bytes */
    p = defaults(&allreduce_kernel);
    p.value[ALLREDUCE_P_BYTES] = 64;
    m = inputs(&allreduce_kernel, &p, TB_MODEL_MPI, 4, 1);
    CHECK(m.ncoll == 1 && coll_count(&m, TB_OP_ALLREDUCE, 64) == 1 && m.exact);
    m = inputs(&allreduce_kernel, &p, TB_MODEL_OMP, 1, 2);
    CHECK(m.reductions == 1 && m.barriers == 1 && !m.exact);
    /* halo: the stencil's exchange (see test_stencil) */
    p = defaults(&halo_kernel);
    p.value[HALO_P_N] = 10;
    p.value[HALO_P_RADIUS] = 1;
    m = inputs(&halo_kernel, &p, TB_MODEL_MPI, 4, 1);
    CHECK(m.sends.count == 2 && m.sends.bytes == 96 && m.bytes == 160);
    CHECK(inputs(&halo_kernel, &p, TB_MODEL_OMP, 1, 2).barriers == 1);
    /* pingpong of 1 KiB: one message per one-way trip; hybrid, one per
     * pair of threads, funneled between two team barriers per round trip */
    p = defaults(&pingpong_kernel);
    p.value[PINGPONG_P_BYTES] = 1024;
    m = inputs(&pingpong_kernel, &p, TB_MODEL_MPI, 2, 1);
    CHECK(m.sends.count == 1 && m.sends.bytes == 1024);
    m = inputs(&pingpong_kernel, &p, TB_MODEL_HYBRID, 2, 2);
    CHECK(m.sends.count == 2 && m.sends.bytes == 2048 && m.barriers == 1);
    p.value[PINGPONG_P_VARIANT] = PINGPONG_MULTIPLE;
    CHECK(inputs(&pingpong_kernel, &p, TB_MODEL_HYBRID, 2, 2).barriers == 0);
}

int main(void)
{
    test_sums();
    test_grid_dims();
    test_stencil();
    test_transpose();
    test_dgemm();
    test_cg();
    test_ep();
    test_nstream_peak();
    test_micro();
    printf("model: %d checks passed, %d failed\n", passed, failed);
    return failed != 0;
}
