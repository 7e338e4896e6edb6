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

#include "tb_fault.h"
#include "tb_comm.h"
#include "tb_status.h"

#define TB_MAX_PARAMS 8
#define TB_MAX_VERIFY 16

typedef enum tb_param_type { TB_PARAM_INT, TB_PARAM_CHOICE } tb_param_type;

typedef struct tb_param_def {
    const char *name;     /* option is --<name> */
    tb_param_type type;
    int64_t def, min, max;   /* TB_PARAM_INT; for CHOICE def is an index */
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
    double flops;   /* per iteration, whole problem */
    double bytes;   /* per iteration, whole problem */
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

typedef struct tb_run {
    /* inputs */
    const struct tb_kernel *kernel;
    const tb_params *params;
    int iters, warmup;
    int rank, nranks, nthreads;
    const tb_fault_opts *fault; /* --inject-fault, --ft, --checkpoint (kernels with tasks) */
    /* outputs */
    double *iter_time;        /* [iters], local wall seconds of each timed iteration */
    tb_breakdown breakdown;   /* local, summed over timed iterations */
    tb_verification verify[TB_MAX_VERIFY];
    int nverify;
    double max_abs_error;     /* largest absolute pointwise error, if the kernel has one */
    /* What the run saw of failures (rank 0's view); a driver that loses
     * processes also sets rank and nranks to its place among the survivors. */
    tb_fault_log fault_log;
    double work_bytes;        /* optional: bytes per iteration when they depend on the
                                 decomposition (halo); 0: work() says */
    /* Optional: members a driver adds to its record (ping-pong's "variant",
     * halo's "exchange"), written on rank 0 by record_extra from the values
     * the driver left in `extra` (agreed over ranks). */
    void (*record_extra)(struct tb_json *j, const struct tb_run *run);
    double extra[8];
} tb_run;

typedef tb_status (*tb_driver_fn)(tb_run *run);

typedef struct tb_kernel {
    const char *name;
    const char *summary;
    const char *rate_unit;      /* e.g. "MFLOP/s" */
    double rate_scale;          /* rate = work / time / rate_scale */
    int rate_uses_bytes;        /* 1: rate from work.bytes, 0: from work.flops,
                                   TB_RATE_TIME: the median time / rate_scale */
    const tb_param_def *params;
    int nparams;
    int size_param;             /* index that --size sets */
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
    /* Optional. Non-zero when the work is a pool of tasks whose drivers
     * honour --inject-fault, --ft and --checkpoint (common/tb_fault.h). */
    int has_tasks;
    /* Optional. A series kernel (the micro-benchmarks) sweeps this INT
     * parameter over powers of two in one run: --min-<name> to --max-<name>
     * (default: the parameter's whole range), or one value with --<name>.
     * common/main.c runs the driver and writes one record per value.
     * NULL: one record per run. */
    const char *series;
    /* Optional. The MPI thread level a run with these parameters needs when
     * it is above the backend's own (e.g. MPI_THREAD_MULTIPLE). */
    tb_thread_need (*thread_need)(const tb_params *p);
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

/* Record one verified quantity. */
void tb_run_verify(tb_run *run, const char *quantity, double computed, double reference,
                   double tolerance);

#endif
