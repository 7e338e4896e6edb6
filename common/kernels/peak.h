/* peak: the machine's double-precision compute ceiling, measured by fused
 * multiply-adds and nothing else (the roofline's compute roof).
 *
 * Every processing element keeps PEAK_CHAINS independent chains of
 *
 *     x = a * x + b          (a, b read at run time: a = b = 1)
 *
 * in vector registers, enough of them that the FMA units never wait for a
 * previous result (latency x throughput). n FMAs per iteration over all
 * PEs (each FMA is one double: a vector FMA of W lanes counts W), split
 * evenly (tb_split) over ranks and then threads: strong scaling shares a
 * fixed amount of work. No memory is streamed: each thread loads its lanes
 * before its block and stores them after.
 *
 * With a = b = 1 the closed form x_k = a^k x0 + b(1 - a^k)/(1 - a) is
 * x0 + k: every lane counts its own FMAs exactly (integers below 2^53), so
 * the check is exact (tolerance 0): every lane must hold its start value
 * plus the FMAs its thread was given, and all lanes together the n FMAs of
 * each iteration. */
#ifndef TB_PEAK_H
#define TB_PEAK_H

#include <stdint.h>

#include "tb_kernel.h"

enum { PEAK_P_N };

extern const tb_kernel peak_kernel;

/* How a process's threads run one iteration: body(ctx, t, nthreads, count)
 * on each of `nthreads` threads, returning when all have finished. The
 * signature of tb_team_batch (openmp/team.h), which the omp and hybrid
 * drivers pass; serial and mpi pass peak_alone. */
typedef void (*peak_body)(void *ctx, int thread, int nthreads, int64_t count);
typedef double (*peak_team)(int nthreads, peak_body body, void *ctx, int64_t count);

/* One thread: body(ctx, 0, 1, count). */
double peak_alone(int nthreads, peak_body body, void *ctx, int64_t count);

/* This process's share: `count` FMAs per iteration, split over its
 * run->nthreads threads by `team`. Warm-up and timed iterations, each
 * closed by tb_comm_barrier() (all ranks in MPI, nothing otherwise) so
 * that every PE computes at the same time; then the exact check
 * (collective). */
tb_status peak_run_process(tb_run *run, int64_t count, peak_team team);

#endif
