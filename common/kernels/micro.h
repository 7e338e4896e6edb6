/* The measurement method the micro-benchmarks share (pingpong, barrier,
 * allreduce, halo); docs/methodology.md states it in full.
 *
 * A driver packages "run this operation `count` times" as a batch function
 * (in the threaded backends it runs the whole team). micro_measure then
 *   1. grows the batch: after one untimed operation, count = 1, 2, 4, ...
 *      until one batch lasts at least the target time (OSU and EPCC both
 *      size their loops this way);
 *   2. runs run->warmup untimed batches;
 *   3. runs run->iters timed batches (the outer repetitions) and records
 *      each as seconds per operation: batch / (count * ops) - reference.
 * Every rank takes the same decisions: a batch lasts as long as its slowest
 * rank (the maximum, agreed between batches, outside the timed part).
 *
 * The reference is the EPCC syncbench subtraction: for a synchronisation
 * construct timed with a delay loop inside (delay; construct), the time of
 * the delay loop alone per operation, so that what is recorded is the
 * construct's overhead. The same statistic on both sides, as EPCC's
 * median_ovrhd (openmpbench_C_v40/common.c: testmed - referencemed): the
 * reference is the median of its repetitions, so the record's median is
 * median(timed) - median(reference) and its min and max the timed spread
 * about it; the record's "reference" says the reference's own. */
#ifndef TB_MICRO_H
#define TB_MICRO_H

#include <stdint.h>

#include "tb_kernel.h"

/* The parameters every micro-benchmark has (tb_param_def initialisers). */
#define MICRO_PARAM_TARGET                                                                         \
    {                                                                                              \
        "target-time", TB_PARAM_INT, 1000, 1, 60000000, NULL,                                      \
            "microseconds a timed batch lasts at least (the batch grows until it does)"            \
    }
#define MICRO_PARAM_DELAY                                                                          \
    {                                                                                              \
        "delay", TB_PARAM_INT, 100, 0, 1000000000, NULL,                                           \
            "nanoseconds of delay loop before each operation, subtracted again (EPCC; 0: none)"    \
    }

/* Run the operation `count` times; return this rank's wall seconds. */
typedef double (*micro_batch_fn)(void *ctx, int64_t count);

typedef struct micro_method {
    double target;    /* seconds a timed batch lasts at least */
    double ops;       /* operations per unit of count (a round trip is 2 one-way trips) */
    double reference; /* seconds per operation subtracted (the delay loop alone), or 0 */
    double *account;  /* &run->breakdown.comm, .sync or .compute: where the time goes */
} micro_method;

/* Steps 1-3 above; collective. Returns the batch count used. */
int64_t micro_measure(tb_run *run, micro_batch_fn batch, void *ctx, const micro_method *m);

/* micro_measure of a construct timed after a delay loop of `delay_ns`
 * (EPCC): sets *length, the loop length the batch must use, before the
 * first batch, and subtracts the loop's reference time. Collective. */
int64_t micro_measure_delayed(tb_run *run, micro_batch_fn batch, void *ctx, int64_t delay_ns,
                              int64_t *length, double target, double *account);

/* The EPCC delay loop: a dependent chain of float additions that the
 * compiler cannot remove. */
void micro_delay(int64_t length);

/* The delay-loop length that lasts `nanoseconds` (0 for 0): calibrated once
 * per process and value, agreed over ranks (the longest). Collective. */
int64_t micro_delay_length(int64_t nanoseconds);

/* Seconds per delay(length) alone, measured as micro_measure measures:
 * the median of run->iters batches (kept in run->iter_time until
 * micro_measure overwrites it; their minimum, median and maximum are left
 * in ref[3]); 0 when length is 0. Collective. */
double micro_reference(tb_run *run, int64_t length, double target, double ref[3]);

/* The target time of a run (the "target-time" parameter at `index`), in s. */
static inline double micro_target(const tb_run *run, int index)
{
    return 1e-6 * (double)run->params->value[index];
}

#endif
