/* Ping-pong: latency and bandwidth of one message between two PEs, for
 * every power-of-two size from --min-bytes to --max-bytes (a series kernel:
 * one record per size). What moves the message is the model's own way
 * (docs/methodology.md):
 *   serial  memcpy there and back: the copy alone, the lower bound
 *   omp     two threads: a flag plus a copy (copy), or a flag passing the
 *           buffer's ownership (zerocopy)
 *   mpi     ranks 0 and 1: MPI_Send/MPI_Recv, or OSU's window of Isends
 *   hybrid  thread t of rank 0 with thread t of rank 1: the master sends
 *           every thread's message (funneled) or each thread its own
 *           (multiple, MPI_THREAD_MULTIPLE)
 * The time recorded is one-way: a round trip / 2 (latency mode), or a
 * window / its messages (bandwidth mode); the rate is bytes / that time.
 * The receiver's buffers start spoiled and are compared with the message
 * byte for byte after the run. */
#ifndef TB_PINGPONG_H
#define TB_PINGPONG_H

#include <stddef.h>

#include "tb_kernel.h"

enum { PINGPONG_P_BYTES, PINGPONG_P_MODE, PINGPONG_P_VARIANT, PINGPONG_P_WINDOW,
       PINGPONG_P_TARGET };
enum { PINGPONG_LATENCY, PINGPONG_BANDWIDTH };
enum { PINGPONG_AUTO, PINGPONG_COPY, PINGPONG_ZEROCOPY, PINGPONG_FUNNELED, PINGPONG_MULTIPLE };

extern const tb_kernel pingpong_kernel;

/* TB_OK when the run's --variant is auto or one of the `accepted` ones (a
 * bit mask of 1 << PINGPONG_*); otherwise TB_EINPUT saying what this
 * executable runs, e.g. "auto (MPI send and receive)". */
tb_status pingpong_variant(const tb_run *run, unsigned accepted, const char *takes);

/* The message of stream s (a thread index, 0 for one message) of n bytes;
 * spoil writes bytes that all differ from it; wrong counts the bytes of buf
 * that differ. */
void pingpong_fill(unsigned char *buf, size_t n, int s);
void pingpong_spoil(unsigned char *buf, size_t n, int s);
double pingpong_wrong(const unsigned char *buf, size_t n, int s);

/* Record the check: `wrong` of `checked` bytes on this rank, `expected`
 * bytes checked over all ranks (collective). */
void pingpong_verify(tb_run *run, double wrong, double checked, double expected);

#endif
