#include "pingpong.h"

#include <stdint.h>

#include "micro.h"
#include "tb_backend.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_json.h"
#include "tb_model.h"

static const char *const modes[] = {"latency", "bandwidth", NULL};
static const char *const variants[] = {"auto", "copy", "handoff", "funneled", "multiple", NULL};

static const tb_param_def pingpong_params[] = {
    {"bytes", TB_PARAM_INT, 8, 1, 4194304, NULL, "message size in bytes"},
    {"mode", TB_PARAM_CHOICE, PINGPONG_LATENCY, 0, 0, modes,
     "latency: one message in flight (round trip / 2); bandwidth: a window of messages"},
    {"variant", TB_PARAM_CHOICE, PINGPONG_AUTO, 0, 0, variants,
     "auto: the model's own; omp: copy|handoff; hybrid: funneled|multiple"},
    {"window", TB_PARAM_INT, 64, 1, 4096, NULL, "messages in flight in bandwidth mode"},
    MICRO_PARAM_TARGET,
};

static tb_work pingpong_work(const tb_params *p)
{
    tb_work w = {0.0, (double)p->value[PINGPONG_P_BYTES], "0",
                 "the message size: the rate is bytes / one-way time per message"};
    return w;
}

static double pingpong_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nranks;
    return 3.0 * (double)p->value[PINGPONG_P_BYTES] * nthreads + 4096.0 * nthreads;
}

static tb_thread_need pingpong_thread_need(const tb_params *p)
{
    return p->value[PINGPONG_P_VARIANT] == PINGPONG_MULTIPLE ? TB_THREADS_MULTIPLE
                                                             : TB_THREADS_SINGLE;
}

/* ---- The performance model (common/tb_model.h) ---- */

/* One operation is what the record's time is per: one one-way trip (half
 * a round trip; in bandwidth mode one message of the window, whose
 * acknowledgement, from the other PE, is not counted). */
static void pingpong_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const double bytes = (double)p->value[PINGPONG_P_BYTES];
    const int variant = (int)p->value[PINGPONG_P_VARIANT];
    if (s->model == TB_MODEL_SERIAL) tb_model_pe(m, 0.0, 2.0 * bytes); /* one memcpy */
    if (s->model == TB_MODEL_OMP)
        tb_model_pe(m, 0.0, variant == PINGPONG_HANDOFF ? 0.0 : 2.0 * bytes);
    if (tb_model_has_mpi(s)) {
        /* hybrid: thread t of rank 0 with thread t of rank 1, every pair at once */
        tb_model_sends sends = {0};
        tb_model_send(&sends, bytes, s->model == TB_MODEL_HYBRID ? s->threads : 1);
        tb_model_rank(m, &sends);
    }
    /* funneled: a team barrier before and after the master's round trip */
    if (s->model == TB_MODEL_HYBRID && variant != PINGPONG_MULTIPLE) m->barriers = 1;
}

static const tb_model pingpong_model = {
    pingpong_inputs,
    {
        {"bytes 2 * bytes (one memcpy per one-way trip)", "none", "none", "none"},
        {"copy: bytes 2 * bytes (the receiver copies the message); handoff: 0", "none", "none",
         "none (threads hand over through flags)"},
        {"0", "one message of `bytes` per one-way trip", "none", "none"},
        {"0", "threads messages of `bytes` per one-way trip (one per pair of threads)", "none",
         "funneled: 1 barrier per one-way trip (2 per round trip); multiple: none"},
    },
    NULL,
};

tb_status pingpong_run(tb_run *run);

const tb_kernel pingpong_kernel = {
    .name = "pingpong",
    .summary = "ping-pong latency and bandwidth between two PEs, per message size",
    .rate_unit = "MB/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 1,
    .params = pingpong_params,
    .nparams = (int)(sizeof pingpong_params / sizeof pingpong_params[0]),
    .size_param = PINGPONG_P_BYTES,
    .work = pingpong_work,
    .bytes_per_rank = pingpong_bytes_per_rank,
    .run = pingpong_run,
    .series = "bytes",
    .thread_need = pingpong_thread_need,
    .kind = TB_KIND_MICRO,
    .min_pes = 2,
    .min_ranks = 2,
    .sweep_params = (const char *const[]){NULL},
    .model = &pingpong_model,
};

tb_status pingpong_variant(const tb_run *run, unsigned accepted, const char *takes)
{
    int v = (int)run->params->value[PINGPONG_P_VARIANT];
    if (v == PINGPONG_AUTO || (accepted & (1u << v))) return TB_OK;
    return tb_error_set(TB_EINPUT, "pingpong --variant %s does not apply to %s, which takes %s",
                        variants[v], tb_this_backend.program, takes);
}

static void write_variant(tb_json *j, const tb_run *run)
{
    tb_json_kv_string(j, "variant", variants[(int)run->extra[0]]);
}

void pingpong_set_variant(tb_run *run, int variant)
{
    run->extra[0] = variant;
    run->record_extra = write_variant;
}

static unsigned char message_byte(size_t i, int s)
{
    return (unsigned char)((i * 131u + (size_t)s * 29u + (i >> 8) + 1u) & 0xffu);
}

void pingpong_fill(unsigned char *buf, size_t n, int s)
{
    for (size_t i = 0; i < n; i++) buf[i] = message_byte(i, s);
}

void pingpong_spoil(unsigned char *buf, size_t n, int s)
{
    for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)~message_byte(i, s);
}

double pingpong_wrong(const unsigned char *buf, size_t n, int s, uint64_t round)
{
    const size_t body = n - pingpong_stamp_len(n);
    const uint64_t w = pingpong_stamp_word(round);
    const unsigned char *stamp = (const unsigned char *)&w; /* as pingpong_stamp writes it */
    size_t wrong = 0;
    for (size_t i = 0; i < body; i++) wrong += buf[i] != message_byte(i, s);
    for (size_t i = body; i < n; i++) wrong += buf[i] != stamp[i - body];
    return (double)wrong;
}

void pingpong_verify(tb_run *run, double wrong, double checked, double expected, double stale)
{
    double v[3] = {wrong, checked, stale};
    tb_comm_sum_doubles(v, 3);
    tb_run_verify(run, "messages received without their round's stamp", v[2], 0.0, 0.0);
    tb_run_verify(run, "message bytes received wrong", v[0], 0.0, 0.0);
    tb_run_verify(run, "message bytes checked", v[1], expected, 0.0);
}
