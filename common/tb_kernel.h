/* The kernel contract.
 *
 * A kernel is registered once (common/kernel_list.h) with a tb_kernel
 * descriptor that holds everything the models share: its parameters, its
 * work and memory counts, its rate unit. Each backend supplies the driver
 * `<name>_run` (e.g. stencil_run in openmp/stencil_omp.c); the linker picks
 * the backend's driver, so no switch over backends exists anywhere.
 *
 * A driver sets up its data (untimed), runs run->warmup untimed iterations,
 * then run->iters timed ones, recording each iteration's local wall time in
 * run->iter_time[i] and the local breakdown, and finally fills the
 * verification entries (identical on every rank). */
#ifndef TB_KERNEL_H
#define TB_KERNEL_H

#include <stdint.h>
#include <stdio.h>

#include "tb_comm.h"
#include "tb_json.h"
#include "tb_status.h"

#define TB_MAX_PARAMS 8
#define TB_MAX_VERIFY 16

typedef enum tb_param_type { TB_PARAM_INT, TB_PARAM_CHOICE } tb_param_type;

typedef struct tb_param_def {
    const char *name; /* option is --<name> */
    tb_param_type type;
    int64_t def, min, max; /* TB_PARAM_INT; for CHOICE def is an index */
    /* TB_PARAM_CHOICE: the NULL-terminated list of choices.
     * TB_PARAM_INT: NULL, or a NULL-terminated list of "NAME=value" names
     * accepted in place of a number (e.g. "A=28" for an NPB class). */
    const char *const *choices;
    const char *help;
} tb_param_def;

typedef struct tb_params {
    int64_t value[TB_MAX_PARAMS]; /* INT: the value; CHOICE: the index */
    int set[TB_MAX_PARAMS];       /* given on the command line */
} tb_params;

typedef struct tb_work {
    double flops; /* per iteration, whole problem */
    double bytes; /* per iteration, whole problem */
    const char *flops_formula;
    const char *bytes_formula;
} tb_work;

/* Seconds spent per category, summed over timed iterations; a threaded
 * driver reports the mean over its threads. */
typedef struct tb_breakdown {
    double compute, comm, sync;
} tb_breakdown;

typedef struct tb_verification {
    const char *quantity;
    double computed, reference, tolerance; /* tolerance on the relative error */
} tb_verification;

struct tb_kernel;
struct tb_json;
struct tb_model;

typedef struct tb_run {
    /* inputs */
    const struct tb_kernel *kernel;
    const tb_params *params;
    int iters, warmup;
    int rank, nranks, nthreads;
    /* The state of the kernel's extension for this run (tb_extension: its
     * options, and what it observed), NULL for a kernel without one. */
    void *ext;
    /* outputs */
    double *iter_time;      /* [iters], local wall seconds of each timed iteration */
    tb_breakdown breakdown; /* local, summed over timed iterations */
    tb_verification verify[TB_MAX_VERIFY];
    int nverify;
    double max_abs_error; /* largest absolute pointwise error, if the kernel has one */
    /* A driver that loses processes (ep's fault tolerance) sets rank and
     * nranks to its place among the survivors. */
    double work_bytes; /* optional: bytes per iteration when they depend on the
                          decomposition (halo); 0: work() says */
    /* Optional: members a driver adds to its record (ping-pong's "variant",
     * halo's "exchange"), written on rank 0 by record_extra from the values
     * the driver left in `extra` (agreed over ranks). */
    void (*record_extra)(struct tb_json *j, const struct tb_run *run);
    double extra[8];
} tb_run;

typedef tb_status (*tb_driver_fn)(tb_run *run);

/* ---- Extensions: options a kernel accepts beyond its parameters ----
 * A kernel may own an extension (ep: fault tolerance, common/tb_fault.h):
 * extra options declared as a table, the way parameters are, with the
 * functions that give them meaning. The option parser, --help and --list
 * learn the options from here; the entry point and the report call the
 * functions at fixed points of a run. The state is the extension's own
 * (created by the parser), reached by the kernel's drivers as run->ext. */
typedef enum tb_option_type {
    TB_OPT_FLAG,   /* --name, no value */
    TB_OPT_NUMBER, /* --name X, a number */
    TB_OPT_STRING, /* --name TEXT */
    TB_OPT_CHOICE  /* --name one of choices */
} tb_option_type;

typedef struct tb_option_def {
    const char *name; /* option is --<name> */
    tb_option_type type;
    const char *metavar;        /* the value's name in --help ("SPEC", "S"), NULL for a flag */
    const char *def;            /* the default as text, NULL: none */
    const char *const *choices; /* TB_OPT_CHOICE: NULL-terminated */
    const char *help;
} tb_option_def;

/* What an extension may check about the launch. */
typedef struct tb_launch {
    int nranks, nthreads;
    int has_mpi, has_threads; /* the backend has processes that can outlive each other / threads */
    int iters, warmup;
} tb_launch;

typedef struct tb_extension {
    const char *title; /* the heading of its options in --help, e.g. "failures" */
    const char *doc;   /* where it is documented, e.g. "docs/failures.md" */
    /* Why another kernel refuses these options: "kernel K <lacks>". */
    const char *lacks;
    const tb_option_def *options;
    int noptions;
    /* A new state with every option at its default (NULL: out of memory),
     * and its end. */
    void *(*create)(void);
    void (*destroy)(void *state);
    /* Option `index` was given with `value` (NULL for a flag); TB_EINPUT
     * with a message when the value is wrong. */
    tb_status (*parse)(void *state, int index, const char *value);
    /* The options against each other and the launch (deterministic: every
     * rank reaches the same verdict). */
    tb_status (*check)(const void *state, const tb_launch *launch);
    /* Just before and just after each driver call. */
    void (*begin)(void *state, tb_run *run);
    void (*end)(void *state, tb_run *run);
    /* Non-zero when any option was given: the record then carries the
     * extension's object and the human output its line. */
    int (*active)(const void *state);
    /* The share of the work this run computed (1: all of it; less when
     * some was loaded, e.g. from a checkpoint): the rate counts that. */
    double (*share_done)(const void *state);
    void (*json)(tb_json *j, const void *state, int validated); /* key and object */
    void (*print)(FILE *out, const void *state, int validated); /* one line */
    /* The error of a run whose answer is incomplete because of what the
     * extension saw (a lost process): a status with the message set; TB_OK
     * when the ordinary "did not validate" applies. */
    tb_status (*failed)(const void *state, int validated);
} tb_extension;

/* What a kernel measures: a scaling kernel does work that grows with the
 * problem (speedup and efficiency mean something); a micro-benchmark times
 * one operation (ping-pong, barrier, allreduce, halo exchange); a probe
 * calibrates the machine (e.g. its peak). */
typedef enum tb_kind { TB_KIND_SCALING, TB_KIND_MICRO, TB_KIND_PROBE } tb_kind;

/* How the size parameter grows with P PEs under weak scaling so that the
 * work per PE stays constant: fixed (it does not), size(1) * P^k (power),
 * or size(1) + k * log2(P) (log2). */
typedef enum tb_weak_rule { TB_WEAK_FIXED, TB_WEAK_POWER, TB_WEAK_LOG2 } tb_weak_rule;
typedef struct tb_weak {
    tb_weak_rule rule;
    double k; /* POWER: the exponent; LOG2: the step */
} tb_weak;

typedef struct tb_kernel {
    const char *name;
    const char *summary;
    const char *rate_unit; /* e.g. "MFLOP/s" */
    double rate_scale;     /* rate = work / time / rate_scale */
    int rate_uses_bytes;   /* 1: rate from work.bytes, 0: from work.flops,
                              TB_RATE_TIME: the median time / rate_scale */
    const tb_param_def *params;
    int nparams;
    int size_param; /* index that --size sets */
    /* Checks that need no data: returns TB_EINPUT with a message on failure. */
    tb_status (*check)(const tb_params *p, int nranks);
    tb_work (*work)(const tb_params *p);
    /* Largest bytes any one rank allocates (double, so it cannot overflow). */
    double (*bytes_per_rank)(const tb_params *p, int nranks, int nthreads);
    tb_driver_fn run;
    /* Optional. Called once the command line is parsed, to settle parameters
     * that depend on each other (e.g. an NPB class and the size it implies);
     * returns TB_EINPUT with a message when they conflict. */
    tb_status (*resolve)(tb_params *p);
    /* Optional. The iteration counts used when --iters / --warmup are not
     * given: 0 means the suite's defaults; TB_NO_WARMUP means no warm-up. */
    int default_iters, default_warmup;
    /* Optional. A series kernel (the micro-benchmarks) sweeps this INT
     * parameter over powers of two in one run: --min-<name> to --max-<name>
     * (default: the parameter's whole range), or one value with --<name>.
     * common/main.c runs the driver and writes one record per value.
     * NULL: one record per run. */
    const char *series;
    /* Optional. The MPI thread level a run with these parameters needs when
     * it is above the backend's own (e.g. MPI_THREAD_MULTIPLE). */
    tb_thread_need (*thread_need)(const tb_params *p);
    /* The catalogue's facts (--list --json, docs/results-schema.md); zero
     * values are the common case: a scaling kernel, 1 PE and 1 rank at
     * least, a fixed size under weak scaling, not memory-bound. */
    tb_kind kind;
    int min_pes, min_ranks; /* 0: 1; min_ranks: backends with ranks only */
    tb_weak weak;
    int memory_bound;                /* its rate is bounded by memory bandwidth */
    const char *const *sweep_params; /* NULL-terminated: what a sweep may vary */
    /* Optional. The extension the kernel owns: its extra options. */
    const tb_extension *ext;
    /* Optional. What one timed iteration does in each model and
     * decomposition, for the performance model (common/tb_model.h). */
    const struct tb_model *model;
} tb_kernel;

#define TB_NO_WARMUP (-1)

/* rate_uses_bytes of a kernel whose figure is a time per operation (the
 * overhead of a barrier or an allreduce, e.g. in us with rate_scale 1e-6). */
#define TB_RATE_TIME 2

/* Iteration `it` (counting the warm-up ones from 0) took `seconds`: keep it
 * if it is a timed iteration. Returns non-zero when it was kept. */
static inline int tb_run_record(tb_run *run, int it, double seconds)
{
    if (it < run->warmup) return 0;
    run->iter_time[it - run->warmup] = seconds;
    return 1;
}

/* The registry (common/registry.c). */
extern const tb_kernel *const tb_kernels[];
extern const int tb_nkernels;
const tb_kernel *tb_kernel_find(const char *name);

/* The record's "model_inputs": what one timed iteration of this run does,
 * from the kernel's model (common/tb_model.c; null without one). */
void tb_model_json(struct tb_json *j, const tb_run *run);

/* Record one verified quantity. */
void tb_run_verify(tb_run *run, const char *quantity, double computed, double reference,
                   double tolerance);

#endif
