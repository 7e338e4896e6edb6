/* Ping-pong, serial: no second PE, so the message is copied there and back
 * by one thread (memcpy to the receiver's buffer and back to a third): the
 * cost of moving the bytes alone, the lower bound of every other model. */
#include <string.h>

#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

typedef struct copies {
    unsigned char *send, *recv, *back;
    size_t bytes;
    int window;     /* 0: latency */
    uint64_t round; /* rounds (round trips or windows) so far */
    double stale;   /* copies that arrived without their round's stamp */
} copies;

static double copy_batch(void *arg, int64_t count)
{
    copies *c = arg;
    const size_t n = c->bytes;
    int stale = 0;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        const uint64_t r = c->round + (uint64_t)k;
        pingpong_stamp(c->send, n, r);
        if (c->window == 0) {
            memcpy(c->recv, c->send, n);
            __asm__ volatile("" ::: "memory"); /* each copy happens */
            stale += pingpong_stale(c->recv, n, r);
            memcpy(c->back, c->recv, n);
            __asm__ volatile("" ::: "memory");
            stale += pingpong_stale(c->back, n, r);
        } else {
            for (int w = 0; w < c->window; w++) {
                memcpy(c->recv, c->send, n);
                __asm__ volatile("" ::: "memory");
                stale += pingpong_stale(c->recv, n, r);
            }
        }
    }
    double t = tb_now() - t0;
    c->round += (uint64_t)count;
    c->stale += stale;
    return t;
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 1u << PINGPONG_COPY, "auto or copy (memcpy)");
    if (st != TB_OK) return st;
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int bw = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    tb_arena mem = {0};
    copies c = {tb_arena_alloc(&mem, n, 1),
                tb_arena_alloc(&mem, n, 1),
                tb_arena_alloc(&mem, n, 1),
                n,
                bw ? (int)run->params->value[PINGPONG_P_WINDOW] : 0,
                0,
                0.0};
    st = tb_arena_check(&mem, "three %zu-byte buffers", n);
    if (st != TB_OK) return st;
    pingpong_fill(c.send, n, 0);
    pingpong_spoil(c.recv, n, 0);
    pingpong_spoil(c.back, n, 0);
    micro_method m = {micro_target(run, PINGPONG_P_TARGET), bw ? c.window : 2.0, 0.0,
                      &run->breakdown.compute};
    micro_measure(run, copy_batch, &c, &m);
    const uint64_t last = c.round - 1;
    double wrong =
        pingpong_wrong(c.recv, n, 0, last) + (bw ? 0.0 : pingpong_wrong(c.back, n, 0, last));
    double checked = bw ? (double)n : 2.0 * n;
    pingpong_verify(run, wrong, checked, checked, c.stale);
    tb_arena_free(&mem);
    return TB_OK;
}
