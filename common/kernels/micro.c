#include "micro.h"

#include "tb_comm.h"
#include "tb_json.h"
#include "tb_timer.h"

#define MICRO_MAX_COUNT ((int64_t)1 << 40)

/* One batch, timed as long as its slowest rank took. */
static double agreed_batch(micro_batch_fn batch, void *ctx, int64_t count)
{
    double t = batch(ctx, count);
    tb_comm_max_doubles(&t, 1);
    return t;
}

/* One untimed operation first: thread start-up and first-touch page faults
 * must not end the growth at a count of 1. */
static int64_t grow(micro_batch_fn batch, void *ctx, double target)
{
    int64_t count = 1;
    agreed_batch(batch, ctx, 1);
    while (agreed_batch(batch, ctx, count) < target && count < MICRO_MAX_COUNT) count *= 2;
    return count;
}

int64_t micro_measure(tb_run *run, micro_batch_fn batch, void *ctx, const micro_method *m)
{
    int64_t count = grow(batch, ctx, m->target);
    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t = agreed_batch(batch, ctx, count) / ((double)count * m->ops) - m->reference;
        if (tb_run_record(run, it, t)) *m->account += t;
    }
    return count;
}

/* Kept outside the loop's reach: the sum is only ever compared. */
static volatile float delay_sink;

void micro_delay(int64_t length)
{
    float a = 0.0f;
    for (int64_t i = 0; i < length; i++) a += (float)i;
    if (a < 0.0f) delay_sink = a;
}

int64_t micro_delay_length(int64_t nanoseconds)
{
    static int64_t cached_ns = -1, cached_length;
    if (nanoseconds == cached_ns) return cached_length;
    long length = 0;
    if (nanoseconds > 0) {
        /* As EPCC: lengthen by 10% until 1000 delays average the time. */
        const int reps = 1000;
        double per = 0.0;
        while (per < 1e-9 * (double)nanoseconds) {
            length = length + length / 10 + 1;
            double t0 = tb_now();
            for (int r = 0; r < reps; r++) micro_delay(length);
            per = (tb_now() - t0) / reps;
        }
    }
    tb_comm_max_longs(&length, 1);
    cached_ns = nanoseconds;
    cached_length = length;
    return length;
}

typedef struct delay_ctx {
    int64_t length;
} delay_ctx;

static double delay_batch(void *ctx, int64_t count)
{
    const int64_t length = ((delay_ctx *)ctx)->length;
    double t0 = tb_now();
    for (int64_t i = 0; i < count; i++) micro_delay(length);
    return tb_now() - t0;
}

double micro_reference(tb_run *run, int64_t length, double target, double ref[3])
{
    ref[0] = ref[1] = ref[2] = 0.0;
    if (length == 0) return 0.0;
    delay_ctx ctx = {length};
    int64_t count = grow(delay_batch, &ctx, target);
    for (int it = 0; it < run->warmup + run->iters; it++)
        tb_run_record(run, it, agreed_batch(delay_batch, &ctx, count) / (double)count);
    tb_stats s = tb_stats_of(run->iter_time, run->iters);
    ref[0] = s.min;
    ref[1] = s.median;
    ref[2] = s.max;
    return s.median;
}

static void write_reference(tb_json *j, const tb_run *run)
{
    tb_json_key(j, "reference");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "what", "the delay loop alone, per operation (subtracted: its median)");
    tb_json_kv_string(j, "unit", "s");
    tb_json_kv_number(j, "min", run->extra[0]);
    tb_json_kv_number(j, "median", run->extra[1]);
    tb_json_kv_number(j, "max", run->extra[2]);
    tb_json_end_object(j);
}

int64_t micro_measure_delayed(tb_run *run, micro_batch_fn batch, void *ctx, int64_t delay_ns,
                              int64_t *length, double target, double *account)
{
    *length = micro_delay_length(delay_ns);
    micro_method m = {target, 1.0, micro_reference(run, *length, target, run->extra), account};
    run->record_extra = write_reference;
    return micro_measure(run, batch, ctx, &m);
}
