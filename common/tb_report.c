#include "tb_report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tb_backend.h"
#include "tb_build.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_fault.h"
#include "tb_json.h"
#include "tb_mem.h"
#include "tb_threads.h"
#include "tb_timer.h"
#include "tb_topo.h"

/* What one rank contributes, gathered to rank 0 in one message. */
typedef struct rank_info {
    char host[64];
    long pid;
    long peak_rss;
    int nthreads;
} rank_info;

typedef struct binding_ctx {
    tb_thread_binding *slots;
} binding_ctx;

static void capture_binding(int thread, int nthreads, void *arg)
{
    (void)nthreads;
    binding_ctx *ctx = arg;
    tb_topo_thread_binding(thread, &ctx->slots[thread]);
}

tb_status tb_write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return tb_error_set(TB_ERUNTIME, "cannot write the JSON record: %s", strerror(errno));
        }
        text += n;
        len -= (size_t)n;
    }
    return TB_OK;
}

static double relative_error(double computed, double reference)
{
    double diff = fabs(computed - reference);
    return reference != 0.0 ? diff / fabs(reference) : diff;
}

/* "name=value ..." for every parameter but the one at index `skip`. */
static void format_params(const tb_kernel *k, const tb_params *p, int skip, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < k->nparams && used < size; i++) {
        const tb_param_def *d = &k->params[i];
        const char *sep = used ? " " : "";
        if (i == skip) continue;
        if (d->type == TB_PARAM_CHOICE)
            used += (size_t)snprintf(out + used, size - used, "%s%s=%s", sep, d->name,
                                     d->choices[p->value[i]]);
        else
            used += (size_t)snprintf(out + used, size - used, "%s%s=%" PRId64, sep, d->name,
                                     p->value[i]);
    }
}

/* The kernel's work per iteration, with the driver's bytes when they depend
 * on the decomposition; the rate is that work over the median time. */
static tb_work work_of(const tb_run *run)
{
    tb_work w = run->kernel->work(run->params);
    if (run->work_bytes > 0) w.bytes = run->work_bytes;
    return w;
}

static double rate_of(const tb_run *run, const tb_work *w, double median)
{
    const tb_kernel *k = run->kernel;
    if (k->rate_uses_bytes == TB_RATE_TIME) return median / k->rate_scale;
    return (k->rate_uses_bytes ? w->bytes : w->flops) / median / k->rate_scale;
}

static void json_params(tb_json *j, const tb_kernel *k, const tb_params *p)
{
    tb_json_key(j, "params");
    tb_json_begin_object(j);
    for (int i = 0; i < k->nparams; i++) {
        const tb_param_def *d = &k->params[i];
        if (d->type == TB_PARAM_CHOICE) tb_json_kv_string(j, d->name, d->choices[p->value[i]]);
        else tb_json_kv_int(j, d->name, p->value[i]);
    }
    tb_json_end_object(j);
}

static void json_launch(tb_json *j, int argc, char **argv)
{
    static const char *const vars[] = {
        "OMP_NUM_THREADS", "OMP_PLACES", "OMP_PROC_BIND", "OMP_SCHEDULE", "OMP_WAIT_POLICY",
        "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE", "PMI_SIZE", "SLURM_JOB_ID",
        "SLURM_NTASKS", "SLURM_CPUS_PER_TASK", NULL};
    tb_json_key(j, "launch");
    tb_json_begin_object(j);
    tb_json_key(j, "argv");
    tb_json_begin_array(j);
    for (int i = 0; i < argc; i++) tb_json_string(j, argv[i]);
    tb_json_end_array(j);
    tb_json_key(j, "env");
    tb_json_begin_object(j);
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v) tb_json_kv_string(j, vars[i], v);
    }
    tb_json_end_object(j);
    tb_json_end_object(j);
}

static void timestamp_now(char *out, size_t size)
{
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

tb_status tb_report(const tb_options *opts, tb_run *run, int json_fd, int argc, char **argv)
{
    const tb_kernel *k = run->kernel;
    const int nranks = run->nranks, rank = run->rank, iters = run->iters;

    /* An iteration lasts as long as its slowest rank. */
    tb_comm_max_doubles(run->iter_time, iters);
    tb_stats t = tb_stats_of(run->iter_time, iters);

    double bd[3] = {run->breakdown.compute, run->breakdown.comm, run->breakdown.sync};
    tb_comm_sum_doubles(bd, 3);
    for (int i = 0; i < 3; i++) bd[i] /= (double)nranks * iters;

    /* Binding: every rank reports max_threads slots so the gather is regular. */
    long max_threads = run->nthreads;
    tb_comm_max_longs(&max_threads, 1);
    tb_thread_binding *mine = calloc((size_t)max_threads, sizeof *mine);
    tb_thread_binding *all_bind = NULL;
    rank_info me, *all_info = NULL;
    memset(&me, 0, sizeof me);
    gethostname(me.host, sizeof me.host - 1);
    me.pid = (long)getpid();
    me.peak_rss = tb_mem_peak_rss();
    me.nthreads = run->nthreads;
    if (rank == 0) {
        all_bind = calloc((size_t)max_threads * nranks, sizeof *all_bind);
        all_info = calloc((size_t)nranks, sizeof *all_info);
    }
    int have_memory = mine != NULL && (rank != 0 || (all_bind && all_info));
    long memory_ok = have_memory;
    /* A rank without memory here must not leave the others in the gather. */
    long fail_count = !memory_ok;
    tb_comm_sum_longs(&fail_count, 1);
    if (fail_count) {
        free(mine); free(all_bind); free(all_info);
        return tb_error_set(TB_ERUNTIME, "out of memory while writing the report");
    }
    binding_ctx ctx = {mine};
    tb_threads_each(capture_binding, &ctx);
    tb_comm_gather_bytes(mine, sizeof *mine * (size_t)max_threads, all_bind);
    tb_comm_gather_bytes(&me, sizeof me, all_info);
    free(mine);

    /* Validation: every quantity within its tolerance. */
    int validated = run->nverify > 0;
    double worst_rel = 0.0, worst_abs = 0.0, worst_tol = 0.0;
    for (int i = 0; i < run->nverify; i++) {
        const tb_verification *v = &run->verify[i];
        double rel = relative_error(v->computed, v->reference);
        if (!(rel <= v->tolerance)) validated = 0; /* NaN fails too */
        if (!(rel <= worst_rel)) { worst_rel = rel; worst_tol = v->tolerance; }
        double abs_err = fabs(v->computed - v->reference);
        if (!(abs_err <= worst_abs)) worst_abs = abs_err;
    }
    if (run->max_abs_error > worst_abs || isnan(run->max_abs_error)) worst_abs = run->max_abs_error;
    if (run->nverify > 0 && worst_tol == 0.0) worst_tol = run->verify[0].tolerance;

    tb_status status = validated ? TB_OK : TB_EINVALID;
    if (rank != 0) return status;

    tb_work work = work_of(run);
    double rate = rate_of(run, &work, t.median);
    const tb_fault_log *fl = &run->fault_log;
    if (fl->from_checkpoint > 0 && fl->tasks_total > 0) /* the rate of the work done here */
        rate *= (double)(fl->tasks_total - fl->from_checkpoint) / (double)fl->tasks_total;
    char params_text[256];
    format_params(k, run->params, -1, params_text, sizeof params_text);

    tb_host_info host;
    tb_topo_host(&host);
    const tb_build_info *b = tb_build();
    char when[32];
    timestamp_now(when, sizeof when);

    long rss_max = 0, rss_sum = 0;
    for (int r = 0; r < nranks; r++) {
        if (all_info[r].peak_rss > rss_max) rss_max = all_info[r].peak_rss;
        rss_sum += all_info[r].peak_rss;
    }

    tb_json j;
    tb_json_init(&j);
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "schema", "triobench.result/1");
    tb_json_kv_string(&j, "suite_version", b->version);
    tb_json_kv_string(&j, "kernel", k->name);
    tb_json_kv_string(&j, "backend", tb_this_backend.name);
    tb_json_kv_int(&j, "ranks", nranks);
    tb_json_kv_int(&j, "threads", run->nthreads);
    tb_json_kv_int(&j, "pes", (int64_t)nranks * run->nthreads);
    json_params(&j, k, run->params);
    tb_json_kv_int(&j, "iterations", iters);
    tb_json_kv_int(&j, "warmup", run->warmup);
    if (run->record_extra) run->record_extra(&j, run);

    tb_json_key(&j, "time");
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "unit", "s");
    tb_json_kv_number(&j, "min", t.min);
    tb_json_kv_number(&j, "median", t.median);
    tb_json_kv_number(&j, "max", t.max);
    tb_json_kv_number(&j, "mean", t.mean);
    tb_json_kv_number(&j, "total", t.total);
    tb_json_end_object(&j);

    tb_json_key(&j, "rate");
    tb_json_begin_object(&j);
    tb_json_kv_number(&j, "value", rate);
    tb_json_kv_string(&j, "unit", k->rate_unit);
    tb_json_kv_string(&j, "basis", "median");
    tb_json_end_object(&j);

    tb_json_key(&j, "work");
    tb_json_begin_object(&j);
    tb_json_kv_number(&j, "flops", work.flops);
    tb_json_kv_number(&j, "bytes", work.bytes);
    tb_json_kv_string(&j, "flops_formula", work.flops_formula);
    tb_json_kv_string(&j, "bytes_formula", work.bytes_formula);
    tb_json_end_object(&j);

    tb_json_kv_bool(&j, "validated", validated);
    tb_json_key(&j, "error");
    tb_json_begin_object(&j);
    tb_json_kv_number(&j, "abs", worst_abs);
    tb_json_kv_number(&j, "rel", worst_rel);
    tb_json_kv_number(&j, "tolerance", worst_tol);
    tb_json_end_object(&j);

    tb_json_key(&j, "verification");
    tb_json_begin_array(&j);
    for (int i = 0; i < run->nverify; i++) {
        const tb_verification *v = &run->verify[i];
        double rel = relative_error(v->computed, v->reference);
        tb_json_begin_object(&j);
        tb_json_kv_string(&j, "quantity", v->quantity);
        tb_json_kv_number(&j, "computed", v->computed);
        tb_json_kv_number(&j, "reference", v->reference);
        tb_json_kv_number(&j, "rel_error", rel);
        tb_json_kv_number(&j, "tolerance", v->tolerance);
        tb_json_kv_bool(&j, "ok", rel <= v->tolerance);
        tb_json_end_object(&j);
    }
    tb_json_end_array(&j);

    tb_json_key(&j, "breakdown");
    tb_json_begin_object(&j);
    tb_json_kv_number(&j, "compute", bd[0]);
    tb_json_kv_number(&j, "comm", bd[1]);
    tb_json_kv_number(&j, "sync", bd[2]);
    tb_json_kv_string(&j, "unit", "s per iteration");
    tb_json_kv_string(&j, "method", tb_this_backend.breakdown_method);
    tb_json_end_object(&j);

    tb_json_key(&j, "memory");
    tb_json_begin_object(&j);
    tb_json_kv_int(&j, "peak_rss_max", rss_max);
    tb_json_kv_int(&j, "peak_rss_sum", rss_sum);
    tb_json_key(&j, "per_rank");
    tb_json_begin_array(&j);
    for (int r = 0; r < nranks; r++) tb_json_int(&j, all_info[r].peak_rss);
    tb_json_end_array(&j);
    tb_json_end_object(&j);

    tb_json_key(&j, "binding");
    tb_json_begin_array(&j);
    for (int r = 0; r < nranks; r++) {
        tb_json_begin_object(&j);
        tb_json_kv_int(&j, "rank", r);
        tb_json_kv_string(&j, "host", all_info[r].host);
        tb_json_kv_int(&j, "pid", all_info[r].pid);
        tb_json_key(&j, "threads");
        tb_json_begin_array(&j);
        for (int th = 0; th < all_info[r].nthreads && th < max_threads; th++) {
            const tb_thread_binding *tb = &all_bind[(size_t)r * max_threads + th];
            tb_json_begin_object(&j);
            tb_json_kv_int(&j, "thread", tb->thread);
            tb_json_kv_string(&j, "cpuset", tb->cpuset);
            tb_json_kv_string(&j, "cpus", tb->cpus);
            tb_json_kv_int(&j, "last_cpu", tb->last_cpu);
            tb_json_end_object(&j);
        }
        tb_json_end_array(&j);
        tb_json_end_object(&j);
    }
    tb_json_end_array(&j);

    tb_json_key(&j, "host");
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "name", host.name);
    tb_json_kv_string(&j, "cpu_model", host.cpu_model);
    tb_json_kv_int(&j, "packages", host.packages);
    tb_json_kv_int(&j, "cores", host.cores);
    tb_json_kv_int(&j, "pus", host.pus);
    tb_json_kv_int(&j, "numa_nodes", host.numa_nodes);
    tb_json_key(&j, "hosts");
    tb_json_begin_array(&j);
    for (int r = 0; r < nranks; r++) {
        int seen = 0;
        for (int q = 0; q < r && !seen; q++) seen = !strcmp(all_info[q].host, all_info[r].host);
        if (!seen) tb_json_string(&j, all_info[r].host);
    }
    tb_json_end_array(&j);
    tb_json_end_object(&j);

    tb_json_key(&j, "build");
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "compiler", b->compiler);
    tb_json_kv_string(&j, "flags", b->flags);
    tb_json_kv_string(&j, "build_type", b->build_type);
    tb_json_kv_bool(&j, "march_native", b->march_native);
    tb_json_kv_string(&j, "mpi_library", tb_comm_library()[0] ? tb_comm_library() : NULL);
    tb_json_kv_string(&j, "mpi_version",
                      tb_comm_standard_version()[0] ? tb_comm_standard_version() : NULL);
    tb_json_kv_string(&j, "mpi_thread_level",
                      tb_comm_thread_level()[0] ? tb_comm_thread_level() : NULL);
    tb_json_kv_string(&j, "openmp", tb_threads_runtime());
    tb_json_kv_string(&j, "git_commit", b->git_commit);
    tb_json_end_object(&j);

    json_launch(&j, argc, argv);
    if (tb_fault_active(&opts->fault)) tb_fault_json(&j, &opts->fault, &run->fault_log, validated);
    tb_json_kv_string(&j, "timestamp", when);
    tb_json_kv_string(&j, "status", validated ? "ok" : "invalid");
    tb_json_end_object(&j);

    free(all_bind);
    free(all_info);

    if (j.failed) {
        tb_json_free(&j);
        return tb_error_set(TB_ERUNTIME, "out of memory while writing the JSON record");
    }
    tb_status write_status = TB_OK;
    if (json_fd >= 0) {
        j.text[j.len++] = '\n'; /* the writer always keeps one spare byte */
        write_status = tb_write_all(json_fd, j.text, j.len);
    }
    tb_json_free(&j);

    int json_on_stdout = json_fd == 1;
    if (!opts->quiet && !json_on_stdout) {
        int ms = t.median >= 1e-3; /* micro-benchmarks take microseconds */
        printf("%-10s %-7s %3dx%-3d %-28s %12.1f %-8s %11.3f %s/iter  validated: %s\n", k->name,
               tb_this_backend.name, nranks, run->nthreads, params_text, rate, k->rate_unit,
               t.median * (ms ? 1e3 : 1e6), ms ? "ms" : "us", validated ? "yes" : "no");
        if (tb_fault_active(&opts->fault))
            tb_fault_print(stdout, &opts->fault, &run->fault_log, validated);
        fflush(stdout);
    }
    if (!validated && (run->fault_log.nlost > 0 || run->fault_log.master_lost)) {
        /* The answer is incomplete because a process was lost: say that. */
        status = tb_fault_error(&opts->fault, &run->fault_log);
        tb_error_print(tb_this_backend.program, tb_error_message());
    } else if (!validated) {
        fprintf(stderr, "%s: error: %s did not validate: largest relative error %.3g exceeds %.3g\n",
                tb_this_backend.program, k->name, worst_rel, worst_tol);
    }
    if (write_status != TB_OK) return write_status;
    return status;
}

void tb_report_series_header(const tb_options *o)
{
    const tb_kernel *k = o->kernel;
    char text[256];
    format_params(k, &o->params, o->series, text, sizeof text);
    printf("# %s  %s  %dx%d  %s\n", k->name, tb_this_backend.name, tb_comm_size(),
           tb_threads_count(), text);
    printf("# %12s %12s %12s %12s %14s  %s\n", k->series, "median us", "min us", "max us",
           k->rate_unit, "validated");
    fflush(stdout);
}

void tb_report_series_row(const tb_run *run, tb_status status)
{
    const tb_kernel *k = run->kernel;
    tb_stats t = tb_stats_of(run->iter_time, run->iters);
    tb_work work = work_of(run);
    int series = tb_series_index(k);
    printf("  %12" PRId64 " %12.3f %12.3f %12.3f %14.1f  %s\n", run->params->value[series],
           t.median * 1e6, t.min * 1e6, t.max * 1e6, rate_of(run, &work, t.median),
           status == TB_OK ? "yes" : "no");
    fflush(stdout);
}
