/* Ping-pong, OpenMP: threads 0 and 1 hand messages through shared memory
 * (the others wait). A message is posted in a mailbox, a sequence number
 * and a buffer pointer, with a release store; the receiver spins on the
 * number with acquire loads. Every message carries fresh bytes, as an MPI
 * transport's do:
 *   copy     latency: thread 0 stamps its buffer and posts it; thread 1
 *            copies it into its own buffer and posts that; thread 0 copies
 *            the reply back into its buffer. Each buffer is rewritten
 *            whole every round, so each copy reads bytes the other core
 *            has just written (a flag plus a copy each way).
 *            bandwidth: thread 0 writes each message whole into one of two
 *            slots (once thread 1 has taken the message before the last),
 *            thread 1 copies it out and acknowledges it; a window ends with
 *            the acknowledgement of its last message (OSU's osu_bw).
 *   handoff  the same flags, but only the buffer's ownership passes: no
 *            byte moves but the stamp, so the time is the flag's alone.
 *            This is not a copy; records say "variant": "handoff".
 * The stamp (kernels/pingpong.h) is checked by the receiver of every
 * message. */
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "team.h"
#include "tb_arena.h"

typedef struct mailbox {
    _Atomic int64_t seq;
    unsigned char *_Atomic ptr;
    char pad[64 - sizeof(int64_t) - sizeof(void *)];
} __attribute__((aligned(64))) mailbox;

typedef struct pp_ctx {
    mailbox box[2];                       /* box[t]: messages to thread t */
    int64_t sent;                         /* rounds (round trips or windows) of earlier batches */
    unsigned char *send, *slot[2], *recv; /* thread 0's; thread 1's */
    size_t bytes;
    int copy, window; /* window 0: latency */
    int nthreads;
    int stale[2]; /* messages thread t received without their stamp */
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

/* Thread 0 pings, thread 1 pongs; a round trip is two messages. Sequence
 * numbers count from 1, stamps from round 0. */
static void latency(pp_ctx *c, int t, int64_t count)
{
    const size_t n = c->bytes;
    int stale = 0;
    for (int64_t k = 1; k <= count; k++) {
        const int64_t seq = c->sent + k;
        if (t == 0) {
            pingpong_stamp(c->send, n, (uint64_t)(seq - 1));
            post(&c->box[1], c->send, seq);
            unsigned char *reply = wait_for(&c->box[0], seq);
            if (c->copy) reply = memcpy(c->send, reply, n);
            stale += pingpong_stale(reply, n, (uint64_t)(seq - 1));
        } else {
            unsigned char *msg = wait_for(&c->box[1], seq);
            if (c->copy) msg = memcpy(c->recv, msg, n);
            stale += pingpong_stale(msg, n, (uint64_t)(seq - 1));
            post(&c->box[0], msg, seq);
        }
    }
    c->stale[t] += stale;
}

/* Message m (from 1) goes in slot m % 2: thread 0 reuses a slot only once
 * thread 1 has acknowledged message m - 2, so thread 1 reads the slot, not
 * the mailbox's pointer (which may already name message m + 1). */
static void bandwidth(pp_ctx *c, int t, int64_t count)
{
    const size_t n = c->bytes;
    const int w = c->window;
    int stale = 0;
    for (int64_t k = 0; k < count; k++) {
        const int64_t first = (c->sent + k) * w; /* messages before this window */
        for (int64_t m = first + 1; m <= first + w; m++) {
            unsigned char *slot = c->slot[m & 1];
            if (t == 0) {
                if (m > 2) wait_for(&c->box[0], m - 2);
                if (c->copy) memcpy(slot, c->send, n);
                pingpong_stamp(slot, n, (uint64_t)(m - 1));
                post(&c->box[1], slot, m);
            } else {
                wait_for(&c->box[1], m);
                const unsigned char *got = c->copy ? memcpy(c->recv, slot, n) : slot;
                stale += pingpong_stale(got, n, (uint64_t)(m - 1));
                post(&c->box[0], NULL, m);
            }
        }
        if (t == 0) wait_for(&c->box[0], first + w);
    }
    c->stale[t] += stale;
}

static void body(void *arg, int t, int nthreads, int64_t count)
{
    (void)nthreads;
    pp_ctx *c = arg;
    if (t > 1) return;
    if (c->window)
        bandwidth(c, t, count);
    else
        latency(c, t, count);
}

static double pp_batch(void *arg, int64_t count)
{
    pp_ctx *c = arg;
    double t = tb_team_batch(c->nthreads, body, c, count);
    c->sent += count;
    return t;
}

/* The last message each receiving thread got, checked whole: latency,
 * both threads (thread 0's buffer holds the reply; handing off, the one
 * buffer); bandwidth, thread 1 (its buffer, or the last slot). */
static double wrong_last(const pp_ctx *c, int bw)
{
    const size_t n = c->bytes;
    if (bw) {
        const int64_t last = c->sent * c->window;
        return pingpong_wrong(c->copy ? c->recv : c->slot[last & 1], n, 0, (uint64_t)(last - 1));
    }
    const uint64_t r = (uint64_t)(c->sent - 1);
    return pingpong_wrong(c->send, n, 0, r) + (c->copy ? pingpong_wrong(c->recv, n, 0, r) : 0.0);
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 1u << PINGPONG_COPY | 1u << PINGPONG_HANDOFF,
                                    "auto or copy (a flag plus a copy) or handoff (a flag "
                                    "passing the buffer, no copy)");
    if (st != TB_OK) return st;
    if (run->nthreads < 2)
        return tb_error_set(TB_EINPUT, "pingpong needs at least 2 threads: run with "
                                       "OMP_NUM_THREADS=2 or --threads 2");
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int bw = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    tb_arena mem = {0};
    pp_ctx *c = tb_arena_alloc(&mem, 1, sizeof *c);
    st = tb_arena_check(&mem, "the ping-pong's mailboxes");
    if (st != TB_OK) return st;
    memset(c, 0, sizeof *c);
    c->bytes = n;
    c->copy = run->params->value[PINGPONG_P_VARIANT] != PINGPONG_HANDOFF;
    c->window = bw ? (int)run->params->value[PINGPONG_P_WINDOW] : 0;
    c->nthreads = run->nthreads;
    pingpong_set_variant(run, c->copy ? PINGPONG_COPY : PINGPONG_HANDOFF);
    /* Each player allocates and first-touches its own buffers. */
#pragma omp parallel num_threads(c->nthreads)
    {
        const int t = omp_get_thread_num();
        if (t == 1) {
#pragma omp critical(pp_arena)
            c->recv = tb_arena_alloc(&mem, n, 1);
            if (c->recv) pingpong_spoil(c->recv, n, 0);
        }
        if (t == 0) {
#pragma omp critical(pp_arena)
            {
                c->send = tb_arena_alloc(&mem, n, 1);
                c->slot[0] = tb_arena_alloc(&mem, n, 1);
                c->slot[1] = tb_arena_alloc(&mem, n, 1);
            }
            for (int i = 0; i < 2 && c->slot[i]; i++) pingpong_fill(c->slot[i], n, 0);
            if (c->send) pingpong_fill(c->send, n, 0);
        }
    }
    st = tb_arena_check(&mem, "four %zu-byte buffers", n);
    if (st != TB_OK) return st;
    micro_method m = {micro_target(run, PINGPONG_P_TARGET), bw ? c->window : 2.0, 0.0,
                      &run->breakdown.comm};
    micro_measure(run, pp_batch, c, &m);
    double checked = (bw || !c->copy ? 1.0 : 2.0) * n;
    pingpong_verify(run, wrong_last(c, bw), checked, checked, c->stale[0] + c->stale[1]);
    tb_arena_free(&mem);
    return TB_OK;
}
