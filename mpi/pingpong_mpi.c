/* Ping-pong, MPI: ranks 0 and 1 (the others wait), OSU's loops from
 * mpi/p2p.c on a communicator of their own. */
#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "p2p.h"
#include "tb_arena.h"
#include "tb_comm.h"
#include "tb_timer.h"

typedef struct pp_ctx {
    tb_p2p p;
    int player, bandwidth;
} pp_ctx;

static double trips_batch(void *arg, int64_t count)
{
    pp_ctx *c = arg;
    tb_comm_barrier();
    double t0 = tb_now();
    if (c->player && c->bandwidth)
        tb_p2p_windows(&c->p, count);
    else if (c->player)
        tb_p2p_round_trips(&c->p, count);
    return tb_now() - t0;
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 0, "auto (MPI send and receive)");
    if (st != TB_OK) return st;
    tb_p2p_pair pair;
    st = tb_p2p_pair_create(&pair);
    if (st != TB_OK) return st;
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int bw = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    const int window = (int)run->params->value[PINGPONG_P_WINDOW];
    tb_arena mem = {0};
    unsigned char *send = NULL, *recv = NULL;
    pp_ctx c = {.player = pair.player, .bandwidth = bw};
    if (pair.player) {
        send = tb_arena_alloc(&mem, n, 1);
        recv = tb_arena_alloc(&mem, n, 1);
        st = tb_arena_check(&mem, "two %zu-byte buffers", n);
        if (st == TB_OK)
            st = tb_p2p_init(&c.p, pair.comm, pair.peer, pair.first, 1, 0, window, &send, &recv, n);
    }
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        if (pair.player) {
            pingpong_fill(send, n, 0);
            pingpong_spoil(recv, n, 0);
        }
        micro_method m = {micro_target(run, PINGPONG_P_TARGET), bw ? window : 2.0, 0.0,
                          &run->breakdown.comm};
        micro_measure(run, trips_batch, &c, &m);
        /* Latency: both receive; bandwidth: rank 1 only. */
        int receives = pair.player && (!bw || !pair.first);
        pingpong_verify(run, receives ? pingpong_wrong(recv, n, 0, c.p.round - 1) : 0.0,
                        receives ? (double)n : 0.0, (bw ? 1.0 : 2.0) * n,
                        pair.player ? c.p.stale : 0.0);
    }
    if (pair.player) tb_p2p_free(&c.p);
    tb_arena_free(&mem);
    tb_p2p_pair_free(&pair);
    return st;
}
