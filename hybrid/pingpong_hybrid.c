/* Ping-pong, hybrid: thread t of rank 0 with thread t of rank 1 (the other
 * ranks wait), every pair at once, each thread's message in its own
 * buffers. funneled (auto): the master carries every thread's message
 * (MPI_THREAD_FUNNELED), a team barrier before (the messages are ready)
 * and after (the replies are); multiple: each thread sends and receives
 * its own (MPI_THREAD_MULTIPLE, tag = thread). OSU's loops (mpi/p2p.c). */
#include <omp.h>

#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "p2p.h"
#include "team.h"
#include "tb_arena.h"
#include "tb_comm.h"

typedef struct pp_ctx {
    tb_p2p_pair pair;
    tb_p2p *p;                    /* funneled: [1], nmsg = threads; multiple: [threads] */
    unsigned char **send, **recv; /* [threads] */
    int funneled, bandwidth, nthreads;
    tb_arena mem; /* the arrays above and the buffers */
} pp_ctx;

static void trips(tb_p2p *p, int bandwidth, int64_t count)
{
    if (bandwidth)
        tb_p2p_windows(p, count);
    else
        tb_p2p_round_trips(p, count);
}

static void body(void *arg, int t, int nthreads, int64_t count)
{
    (void)nthreads;
    const pp_ctx *c = arg;
    if (!c->pair.player) return;
    if (!c->funneled) {
        trips(&c->p[t], c->bandwidth, count);
        return;
    }
    for (int64_t k = 0; k < count; k++) {
#pragma omp barrier
#pragma omp master
        trips(&c->p[0], c->bandwidth, 1);
#pragma omp barrier
    }
}

static double pp_batch(void *arg, int64_t count)
{
    const pp_ctx *c = arg;
    tb_comm_barrier();
    return tb_team_batch(c->nthreads, body, arg, count);
}

/* Buffers (each thread's own, first-touched) and the MPI streams. */
static tb_status setup(pp_ctx *c, size_t n, int window)
{
    const int T = c->nthreads, streams = c->funneled ? 1 : T;
    c->send = tb_arena_alloc(&c->mem, (size_t)T, sizeof *c->send);
    c->recv = tb_arena_alloc(&c->mem, (size_t)T, sizeof *c->recv);
    c->p = tb_arena_alloc(&c->mem, (size_t)streams, sizeof *c->p);
    tb_status st = tb_arena_check(&c->mem, "%d threads' buffer tables", T);
    if (st != TB_OK) return st;
    for (int s = 0; s < streams; s++) c->p[s] = (tb_p2p){.req = NULL}; /* freeable */
#pragma omp parallel num_threads(T)
    {
        const int t = omp_get_thread_num();
        unsigned char *send, *recv;
#pragma omp critical(pp_arena)
        {
            send = c->send[t] = tb_arena_alloc(&c->mem, n, 1);
            recv = c->recv[t] = tb_arena_alloc(&c->mem, n, 1);
        }
        if (send && recv) {
            pingpong_fill(send, n, t);
            pingpong_spoil(recv, n, t);
        }
    }
    st = tb_arena_check(&c->mem, "%d pairs of %zu-byte buffers", T, n);
    for (int s = 0; st == TB_OK && s < streams; s++)
        st = tb_p2p_init(&c->p[s], c->pair.comm, c->pair.peer, c->pair.first, c->funneled ? T : 1,
                         s, window, c->send + s, c->recv + s, n);
    return st;
}

static void teardown(pp_ctx *c)
{
    const int streams = c->funneled ? 1 : c->nthreads;
    /* An empty arena: a failed check in setup has freed everything. */
    for (int s = 0; c->mem.n > 0 && s < streams; s++) tb_p2p_free(&c->p[s]);
    tb_arena_free(&c->mem);
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 1u << PINGPONG_FUNNELED | 1u << PINGPONG_MULTIPLE,
                                    "auto or funneled (the master sends) or multiple (every "
                                    "thread sends)");
    if (st != TB_OK) return st;
    pp_ctx c = {.nthreads = run->nthreads};
    st = tb_p2p_pair_create(&c.pair);
    if (st != TB_OK) return st;
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int window = (int)run->params->value[PINGPONG_P_WINDOW];
    c.funneled = run->params->value[PINGPONG_P_VARIANT] != PINGPONG_MULTIPLE;
    c.bandwidth = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    if (c.pair.player) st = setup(&c, n, window);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        micro_method m = {micro_target(run, PINGPONG_P_TARGET), c.bandwidth ? window : 2.0, 0.0,
                          &run->breakdown.comm};
        micro_measure(run, pp_batch, &c, &m);
        /* Latency: both ranks receive; bandwidth: rank 1 only. */
        double wrong = 0.0, checked = 0.0, stale = 0.0;
        const int streams = c.funneled ? 1 : c.nthreads;
        if (c.pair.player && (!c.bandwidth || !c.pair.first))
            for (int t = 0; t < c.nthreads; t++) {
                wrong += pingpong_wrong(c.recv[t], n, t, c.p[c.funneled ? 0 : t].round - 1);
                checked += (double)n;
            }
        for (int s = 0; c.pair.player && s < streams; s++) stale += c.p[s].stale;
        pingpong_verify(run, wrong, checked, (c.bandwidth ? 1.0 : 2.0) * n * c.nthreads, stale);
    }
    if (c.pair.player) teardown(&c);
    tb_p2p_pair_free(&c.pair);
    return st;
}
