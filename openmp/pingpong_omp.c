/* Ping-pong, OpenMP: threads 0 and 1 hand a message through shared memory
 * (the others wait). A message is posted in a mailbox, a sequence number
 * and a buffer pointer, with a release store; the receiver spins on the
 * number with acquire loads, then either copies the bytes into its own
 * buffer (copy: the flag plus a copy) or takes the buffer itself and later
 * hands it back (zerocopy: ownership passes, no byte moves, so the time is
 * the flag's alone). Bandwidth mode posts a window of messages before
 * waiting for one acknowledgement, as OSU's osu_bw does. */
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "team.h"
#include "tb_error.h"
#include "tb_mem.h"

typedef struct mailbox {
    _Atomic int64_t seq;
    unsigned char *_Atomic ptr;
    char pad[64 - sizeof(int64_t) - sizeof(void *)];
} __attribute__((aligned(64))) mailbox;

typedef struct pp_ctx {
    mailbox box[2];   /* box[t]: messages to thread t */
    int64_t sent;     /* sequence numbers used by earlier batches */
    unsigned char *send, *recv[2];
    size_t bytes;
    int copy, window; /* window 0: latency */
    int nthreads;
} pp_ctx;

static void post(mailbox *b, unsigned char *ptr, int64_t seq)
{
    atomic_store_explicit(&b->ptr, ptr, memory_order_relaxed);
    atomic_store_explicit(&b->seq, seq, memory_order_release);
}

/* Spin until the mailbox holds message `seq` or later; yield now and then
 * so that an oversubscribed run still progresses. */
static unsigned char *wait_for(mailbox *b, int64_t seq)
{
    for (unsigned spins = 1; atomic_load_explicit(&b->seq, memory_order_acquire) < seq; spins++)
        if ((spins & 0xffff) == 0) sched_yield();
    return atomic_load_explicit(&b->ptr, memory_order_relaxed);
}

/* Thread 0 pings, thread 1 pongs; a round trip is two messages. */
static void latency(pp_ctx *c, int t, int64_t count)
{
    for (int64_t k = 1; k <= count; k++) {
        const int64_t seq = c->sent + k;
        if (t == 0) {
            post(&c->box[1], c->send, seq);
            unsigned char *reply = wait_for(&c->box[0], seq);
            if (c->copy) memcpy(c->recv[0], reply, c->bytes);
        } else {
            unsigned char *msg = wait_for(&c->box[1], seq);
            if (c->copy) msg = memcpy(c->recv[1], msg, c->bytes);
            post(&c->box[0], msg, seq);
        }
    }
}

/* Thread 0 posts `window` messages, thread 1 takes each and acknowledges
 * the window. */
static void bandwidth(pp_ctx *c, int t, int64_t count)
{
    const int w = c->window;
    for (int64_t k = 1; k <= count; k++) {
        const int64_t seq = c->sent + k;
        if (t == 0) {
            for (int i = 1; i <= w; i++) post(&c->box[1], c->send, (seq - 1) * w + i);
            wait_for(&c->box[0], seq);
        } else {
            for (int i = 1; i <= w; i++) {
                unsigned char *msg = wait_for(&c->box[1], (seq - 1) * w + i);
                if (c->copy) memcpy(c->recv[1], msg, c->bytes);
            }
            post(&c->box[0], NULL, seq);
        }
    }
}

static void body(void *arg, int t, int nthreads, int64_t count)
{
    (void)nthreads;
    pp_ctx *c = arg;
    if (t > 1) return;
    if (c->window) bandwidth(c, t, count);
    else latency(c, t, count);
}

static double pp_batch(void *arg, int64_t count)
{
    pp_ctx *c = arg;
    double t = tb_team_batch(c->nthreads, body, c, count);
    c->sent += count;
    return t;
}

/* What thread t received last: its own buffer (copy) or the one it was
 * handed (zerocopy). */
static double wrong_at(const pp_ctx *c, int t)
{
    const unsigned char *got = c->copy ? c->recv[t] : atomic_load(&c->box[t].ptr);
    return got ? pingpong_wrong(got, c->bytes, 0) : (double)c->bytes;
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 1u << PINGPONG_COPY | 1u << PINGPONG_ZEROCOPY,
                                    "auto or copy (a flag plus a copy) or zerocopy");
    if (st != TB_OK) return st;
    if (run->nthreads < 2)
        return tb_error_set(TB_EINPUT, "pingpong needs at least 2 threads: run with "
                            "OMP_NUM_THREADS=2 or --threads 2");
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int bw = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    pp_ctx *c = tb_alloc(1, sizeof *c);
    if (!c) return tb_error_set(TB_ERUNTIME, "out of memory");
    memset(c, 0, sizeof *c);
    c->bytes = n;
    c->copy = run->params->value[PINGPONG_P_VARIANT] != PINGPONG_ZEROCOPY;
    c->window = bw ? (int)run->params->value[PINGPONG_P_WINDOW] : 0;
    c->nthreads = run->nthreads;
    /* Each player allocates and first-touches its own buffers. */
#pragma omp parallel num_threads(c->nthreads)
    {
        const int t = omp_get_thread_num();
        if (t < 2) c->recv[t] = tb_alloc(n, 1);
        if (t < 2 && c->recv[t]) pingpong_spoil(c->recv[t], n, 0);
        if (t == 0 && (c->send = tb_alloc(n, 1))) pingpong_fill(c->send, n, 0);
    }
    if (c->send && c->recv[0] && c->recv[1]) {
        micro_method m = {micro_target(run, PINGPONG_P_TARGET), bw ? c->window : 2.0, 0.0,
                          &run->breakdown.comm};
        micro_measure(run, pp_batch, c, &m);
        /* Latency: both threads receive; bandwidth: thread 1 only. */
        double wrong = wrong_at(c, 1) + (bw ? 0.0 : wrong_at(c, 0));
        double checked = (bw ? 1.0 : 2.0) * n;
        pingpong_verify(run, wrong, checked, checked);
    } else {
        st = tb_error_set(TB_ERUNTIME, "out of memory for three %zu-byte buffers", n);
    }
    tb_free(c->send); tb_free(c->recv[0]); tb_free(c->recv[1]);
    tb_free(c);
    return st;
}
