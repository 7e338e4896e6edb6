/* Ping-pong: latency and bandwidth of one message between two PEs, for
 * every power-of-two size from --min-bytes to --max-bytes (a series kernel:
 * one record per size). What moves the message is the model's own way
 * (docs/methodology.md):
 *   serial  memcpy there and back: the copy alone, the lower bound
 *   omp     two threads: a flag plus a copy (copy), or a flag passing the
 *           buffer's ownership (handoff: no byte moves, not a copy)
 *   mpi     ranks 0 and 1: MPI_Send/MPI_Recv, or OSU's window of Isends
 *   hybrid  thread t of rank 0 with thread t of rank 1: the master sends
 *           every thread's message (funneled) or each thread its own
 *           (multiple, MPI_THREAD_MULTIPLE)
 * The time recorded is one-way: a round trip / 2 (latency mode), or a
 * window / its messages (bandwidth mode); the rate is bytes / that time.
 * Every message carries its round number (a round trip, or a message of a
 * window) in its last 8 bytes (all of it below 8 bytes), written by the
 * sender before it sends, compared by the receiver when it has the message:
 * a transport that stops delivering, or delivers an earlier message, fails
 * the check in the next round. The receiver's buffers start spoiled and
 * are compared with the last message byte for byte after the run. */
#ifndef TB_PINGPONG_H
#define TB_PINGPONG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tb_kernel.h"

enum {
    PINGPONG_P_BYTES,
    PINGPONG_P_MODE,
    PINGPONG_P_VARIANT,
    PINGPONG_P_WINDOW,
    PINGPONG_P_TARGET
};
enum { PINGPONG_LATENCY, PINGPONG_BANDWIDTH };
enum { PINGPONG_AUTO, PINGPONG_COPY, PINGPONG_HANDOFF, PINGPONG_FUNNELED, PINGPONG_MULTIPLE };

extern const tb_kernel pingpong_kernel;

/* TB_OK when the run's --variant is auto or one of the `accepted` ones (a
 * bit mask of 1 << PINGPONG_*); otherwise TB_EINPUT saying what this
 * executable runs, e.g. "auto (MPI send and receive)". */
tb_status pingpong_variant(const tb_run *run, unsigned accepted, const char *takes);

/* Say in the record which variant ran (PINGPONG_COPY, PINGPONG_HANDOFF):
 * "variant": "copy" or "handoff". */
void pingpong_set_variant(tb_run *run, int variant);

/* The message of stream s (a thread index, 0 for one message) of n bytes;
 * spoil writes bytes that all differ from it; wrong counts the bytes of buf
 * that differ from the message of round `round` (its stamp included). */
void pingpong_fill(unsigned char *buf, size_t n, int s);
void pingpong_spoil(unsigned char *buf, size_t n, int s);
double pingpong_wrong(const unsigned char *buf, size_t n, int s, uint64_t round);

/* The stamp of round r: an odd multiple of r + 1, so that every byte
 * changes from one round to the next. Stamping is one store, checking one
 * load and compare: the whole cost the check adds to a timed round. */
static inline uint64_t pingpong_stamp_word(uint64_t r) { return (r + 1) * 0x9e3779b97f4a7c15u; }
static inline size_t pingpong_stamp_len(size_t n) { return n < 8 ? n : 8; }

static inline void pingpong_stamp(unsigned char *buf, size_t n, uint64_t r)
{
    const uint64_t w = pingpong_stamp_word(r);
    memcpy(buf + n - pingpong_stamp_len(n), &w, pingpong_stamp_len(n));
}

/* 1 when buf does not carry the stamp of round r. */
static inline int pingpong_stale(const unsigned char *buf, size_t n, uint64_t r)
{
    const uint64_t w = pingpong_stamp_word(r);
    return memcmp(buf + n - pingpong_stamp_len(n), &w, pingpong_stamp_len(n)) != 0;
}

/* Record the check: `wrong` of `checked` bytes of the last messages on
 * this rank, `expected` bytes checked over all ranks, and `stale` messages
 * received during the run without their round's stamp (collective). */
void pingpong_verify(tb_run *run, double wrong, double checked, double expected, double stale);

#endif
