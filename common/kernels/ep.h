/* NPB EP, the "embarrassingly parallel" kernel of the NAS Parallel
 * Benchmarks (RNR-94-007 section 2.3; the verification values of NPB 3.4.2).
 *
 * 2^m pairs of uniform numbers (u1, u2) come from the NPB generator
 * (npb_random.h) started at s = 271828183: pair i (from 0) is numbers 2i+1
 * and 2i+2 of the stream. Each pair gives x = 2u1 - 1, y = 2u2 - 1,
 * t = x^2 + y^2; when t <= 1 it is accepted (the Marsaglia polar method)
 * and X = |x f|, Y = |y f| with f = sqrt(-2 ln t / t) are a pair of
 * independent Gaussian deviates (in absolute value). The kernel sums X and Y
 * (sx, sy) and counts the accepted pairs by annulus, q[l] for
 * l <= max(X, Y) < l + 1.
 *
 * The work is cut into batches of 2^16 pairs, NPB's unit; batch k starts
 * at number 2^17 k of the stream, reached by skipping ahead (a^(2^17 k)), so
 * any process or thread can compute any batch. A task of the dynamic
 * schedules is `chunk` consecutive batches. */
#ifndef TB_EP_H
#define TB_EP_H

#include <stdint.h>

#include "tb_kernel.h"

#define EP_BATCH_LOG2 16 /* 2^16 pairs per batch (NPB's mk) */
#define EP_NQ         10 /* annuli counted */

enum { EP_P_M, EP_P_CLASS, EP_P_SCHEDULE, EP_P_CHUNK };
enum { EP_STATIC, EP_DYNAMIC };

extern const tb_kernel ep_kernel;

/* A partial result: the sums, the counts and how many batches went into
 * it. Counts are whole numbers held exactly in doubles (below 2^53), so a
 * whole result is reduced as one array of EP_RESULT_DOUBLES doubles. */
typedef struct ep_result {
    double sx, sy;
    double q[EP_NQ];
    double batches;
} ep_result;
#define EP_RESULT_DOUBLES (3 + EP_NQ)

void ep_result_zero(ep_result *r);
/* into += from. */
void ep_result_add(ep_result *into, const ep_result *from);
/* Every process's r becomes the sum over all processes (collective). */
void ep_result_combine_all(ep_result *r);

/* The block compute: adds batches [first, first + count) into acc. */
void ep_batches(int64_t first, int64_t count, ep_result *acc);
/* The same numbers computed independently, the plain way of the report:
 * the generator in double-precision arithmetic (23-bit halves), skip-ahead
 * by that arithmetic, the C library's log and sqrt, one pair at a time.
 * Used to validate sizes that are not NPB classes. */
void ep_batches_reference(int64_t first, int64_t count, ep_result *acc);

typedef void (*ep_block_fn)(int64_t first, int64_t count, ep_result *acc);

/* Batches and tasks of the run's size; the batches of task t. */
int64_t ep_nbatches(const tb_params *p);
int64_t ep_ntasks(const tb_params *p);
void ep_task_batches(const tb_params *p, int64_t task, int64_t *first, int64_t *count);

/* Failures and checkpoints (common/tb_fault.h): a task of the dynamic
 * schedules is the unit that a fault counts, that a lost worker's master
 * hands out again and that a checkpoint saves. ep_ckpt_open opens
 * run->fault's checkpoint (*ck = NULL when there is none) for this run's
 * tasks, identified by m and --chunk; ep_ckpt_close notes what it loaded
 * and saved in run->fault_log, closes it and returns the first save
 * error. Called by the process that owns the checkpoint (rank 0). */
struct tb_ckpt;
tb_status ep_ckpt_open(tb_run *run, struct tb_ckpt **ck);
tb_status ep_ckpt_close(tb_run *run, struct tb_ckpt *ck, const ep_result *r);

/* Non-zero when m is not an NPB class, so that the run is validated by a
 * second, independent computation (ep_batches_reference over all batches,
 * untimed, statically split) instead of published values. */
int ep_needs_reference(const tb_params *p);

/* Record the verification of `r` (identical on every process): against the
 * NPB values of the class, or against `reference` when the size is not a
 * class (reference may be NULL otherwise). */
void ep_verify(tb_run *run, const ep_result *r, const ep_result *reference);

#endif
