#include "tb_record.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tb_backend.h"
#include "tb_build.h"
#include "tb_catalogue.h"
#include "tb_comm.h"
#include "tb_mem.h"
#include "tb_size.h"
#include "tb_threads.h"

static void json_params(tb_json *j, const tb_kernel *k, const tb_params *p)
{
    tb_json_key(j, "params");
    tb_json_begin_object(j);
    for (int i = 0; i < k->nparams; i++) {
        const tb_param_def *d = &k->params[i];
        if (d->type == TB_PARAM_CHOICE)
            tb_json_kv_string(j, d->name, d->choices[p->value[i]]);
        else
            tb_json_kv_int(j, d->name, p->value[i]);
    }
    tb_json_end_object(j);
}

static void json_launch(tb_json *j, int argc, char **argv)
{
    static const char *const vars[] = {"OMP_NUM_THREADS",
                                       "OMP_PLACES",
                                       "OMP_PROC_BIND",
                                       "OMP_SCHEDULE",
                                       "OMP_WAIT_POLICY",
                                       "OMPI_COMM_WORLD_SIZE",
                                       "OMPI_COMM_WORLD_LOCAL_SIZE",
                                       "PMI_SIZE",
                                       "SLURM_JOB_ID",
                                       "SLURM_NTASKS",
                                       "SLURM_CPUS_PER_TASK",
                                       NULL};
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

/* The problem against the machine's last-level cache (null for a
 * micro-benchmark: its size is a message or a delay, not a working set). */
static void json_working_set(tb_json *j, const tb_options *o, const tb_run *run)
{
    const tb_kernel *k = run->kernel;
    tb_json_key(j, "working_set");
    if (k->kind == TB_KIND_MICRO) {
        tb_json_null(j);
        return;
    }
    const tb_machine *m = tb_machine_get();
    double bytes = tb_working_set(k, run->params), llc = m->llc_bytes;
    double ratio = llc > 0.0 ? bytes / llc : NAN;
    tb_json_begin_object(j);
    tb_json_kv_number(j, "bytes", bytes);
    tb_json_kv_number(j, "llc_bytes", llc > 0.0 ? llc : NAN);
    tb_json_kv_string(j, "llc_source", m->llc_source);
    tb_json_kv_number(j, "ratio", ratio);
    tb_json_kv_string(j, "regime", tb_regime(ratio));
    tb_json_kv_string(j, "size_rule",
                      o->size_auto                      ? "auto"
                      : run->params->set[k->size_param] ? "given"
                                                        : "default");
    tb_json_end_object(j);
}

static void timestamp_now(char *out, size_t size)
{
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* Per-rank facts. Simulated (SMPI), every rank is a part of one process of
 * this machine: memory and huge pages are that process's, once, and no rank
 * has a binding or a pid of its own; each binding entry names the rank's
 * simulated host only (docs/results-schema.md). */
static const char *const simulated_note =
    "simulated (SMPI): every rank runs inside one process of this machine, so there are no "
    "per-rank figures; the process's own, all ranks together";

static const char *const simulated_time_note =
    "simulated (SMPI): each rank's compute blocks are timed on this machine, so its noise (a "
    "block interrupted) delays a simulated rank and then its neighbours; an iteration lasts as "
    "long as its slowest rank. rank_median: the median over iterations of each iteration's "
    "median rank";

static void json_process(tb_json *j, const tb_summary *s, int simulated)
{
    const tb_run *run = s->run;
    tb_json_key(j, "pages");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "policy", tb_mem_pages_name());
    tb_json_kv_int(j, "anon_huge_bytes", s->huge_bytes);
    tb_json_kv_string(j, "scope", simulated ? "process" : "ranks");
    tb_json_end_object(j);

    tb_json_key(j, "memory");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "scope", simulated ? "process" : "ranks");
    if (simulated) {
        tb_json_kv_int(j, "process_peak_rss", s->rss_process);
        tb_json_kv_string(j, "note", simulated_note);
        tb_json_key(j, "peak_rss_max");
        tb_json_null(j);
        tb_json_key(j, "peak_rss_sum");
        tb_json_null(j);
        tb_json_key(j, "per_rank");
        tb_json_null(j);
    } else {
        tb_json_kv_int(j, "peak_rss_max", s->rss_max);
        tb_json_kv_int(j, "peak_rss_sum", s->rss_sum);
        tb_json_key(j, "per_rank");
        tb_json_begin_array(j);
        for (int r = 0; r < run->nranks; r++) tb_json_int(j, s->info[r].peak_rss);
        tb_json_end_array(j);
    }
    tb_json_end_object(j);

    tb_json_key(j, "binding");
    tb_json_begin_array(j);
    for (int r = 0; r < run->nranks; r++) {
        tb_json_begin_object(j);
        tb_json_kv_int(j, "rank", r);
        tb_json_kv_string(j, "host", s->info[r].host);
        if (!simulated) {
            tb_json_kv_int(j, "pid", s->info[r].pid);
            tb_json_key(j, "threads");
            tb_json_begin_array(j);
            static const tb_json_field thread_fields[] = {
                {"thread", TB_JF_INT, offsetof(tb_thread_binding, thread)},
                {"cpuset", TB_JF_CHARS, offsetof(tb_thread_binding, cpuset)},
                {"cpus", TB_JF_CHARS, offsetof(tb_thread_binding, cpus)},
                {"last_cpu", TB_JF_INT, offsetof(tb_thread_binding, last_cpu)},
            };
            for (int th = 0; th < s->info[r].nthreads && th < s->max_threads; th++)
                tb_json_object_of(j, &s->bind[(size_t)r * s->max_threads + th], thread_fields,
                                  (int)(sizeof thread_fields / sizeof thread_fields[0]));
            tb_json_end_array(j);
        }
        tb_json_end_object(j);
    }
    tb_json_end_array(j);
}

void tb_record_json(tb_json *j, const tb_summary *s, int argc, char **argv)
{
    const tb_run *run = s->run;
    const tb_kernel *k = s->kernel;
    const tb_extension *x = k->ext;
    tb_host_info host;
    tb_topo_host(&host);
    const tb_build_info *b = tb_build();
    char when[32];
    timestamp_now(when, sizeof when);

    tb_json_begin_object(j);
    tb_json_kv_string(j, "schema", "triobench.result/1");
    tb_json_kv_string(j, "suite_version", b->version);
    tb_json_kv_string(j, "kernel", k->name);
    tb_json_kv_string(j, "backend", tb_this_backend.name);
    tb_json_kv_string(j, "kind", tb_kind_name(k->kind));
    tb_json_kv_int(j, "ranks", run->nranks);
    tb_json_kv_int(j, "threads", run->nthreads);
    tb_json_kv_int(j, "pes", (int64_t)run->nranks * run->nthreads);
    json_params(j, k, run->params);
    tb_json_kv_int(j, "iterations", run->iters);
    tb_json_kv_int(j, "warmup", run->warmup);
    if (run->record_extra) run->record_extra(j, run);

    tb_json_key(j, "time");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "unit", "s");
    tb_json_kv_number(j, "min", s->time.min);
    tb_json_kv_number(j, "median", s->time.median);
    tb_json_kv_number(j, "max", s->time.max);
    tb_json_kv_number(j, "mean", s->time.mean);
    tb_json_kv_number(j, "total", s->time.total);
    if (b->simulated) {
        tb_json_kv_number(j, "rank_median", s->rank_median > 0.0 ? s->rank_median : NAN);
        tb_json_kv_string(j, "note", simulated_time_note);
    }
    tb_json_end_object(j);

    tb_json_key(j, "rate");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "value", s->rate);
    tb_json_kv_string(j, "unit", k->rate_unit);
    tb_json_kv_string(j, "basis", "median");
    tb_json_end_object(j);

    tb_json_key(j, "work");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "flops", s->work.flops);
    tb_json_kv_number(j, "bytes", s->work.bytes);
    tb_json_kv_string(j, "flops_formula", s->work.flops_formula);
    tb_json_kv_string(j, "bytes_formula", s->work.bytes_formula);
    tb_json_end_object(j);

    tb_json_kv_bool(j, "validated", s->validated);
    tb_json_key(j, "error");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "abs", s->worst_abs);
    tb_json_kv_number(j, "rel", s->worst_rel);
    tb_json_kv_number(j, "tolerance", s->worst_tol);
    tb_json_end_object(j);

    tb_json_key(j, "verification");
    tb_json_begin_array(j);
    for (int i = 0; i < run->nverify; i++) {
        const tb_verification *v = &run->verify[i];
        double rel = tb_relative_error(v->computed, v->reference);
        tb_json_begin_object(j);
        tb_json_kv_string(j, "quantity", v->quantity);
        tb_json_kv_number(j, "computed", v->computed);
        tb_json_kv_number(j, "reference", v->reference);
        tb_json_kv_number(j, "rel_error", rel);
        tb_json_kv_number(j, "tolerance", v->tolerance);
        tb_json_kv_bool(j, "ok", rel <= v->tolerance);
        tb_json_end_object(j);
    }
    tb_json_end_array(j);

    tb_json_key(j, "breakdown");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "compute", s->breakdown[0]);
    tb_json_kv_number(j, "comm", s->breakdown[1]);
    tb_json_kv_number(j, "sync", s->breakdown[2]);
    tb_json_kv_string(j, "unit", "s per iteration");
    tb_json_kv_string(j, "method", tb_this_backend.breakdown_method);
    tb_json_end_object(j);
    tb_model_json(j, run);

    json_working_set(j, s->opts, run);
    json_process(j, s, b->simulated);
    tb_json_key(j, "host");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "name", s->info[0].host); /* rank 0's: simulated in an SMPI build */
    tb_json_kv_string(j, "cpu_model", host.cpu_model);
    tb_json_kv_int(j, "packages", host.packages);
    tb_json_kv_int(j, "cores", host.cores);
    tb_json_kv_int(j, "pus", host.pus);
    tb_json_kv_int(j, "numa_nodes", host.numa_nodes);
    tb_json_key(j, "hosts");
    tb_json_begin_array(j);
    for (int r = 0; r < run->nranks; r++) {
        int seen = 0;
        for (int q = 0; q < r && !seen; q++) seen = !strcmp(s->info[q].host, s->info[r].host);
        if (!seen) tb_json_string(j, s->info[r].host);
    }
    tb_json_end_array(j);
    tb_json_end_object(j);

    tb_json_key(j, "build");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "compiler", b->compiler);
    tb_json_kv_string(j, "flags", b->flags);
    tb_json_kv_string(j, "build_type", b->build_type);
    tb_json_kv_bool(j, "march_native", b->march_native);
    tb_json_kv_bool(j, "simulated", b->simulated);
    tb_json_kv_string(j, "mpi_library", tb_comm_library()[0] ? tb_comm_library() : NULL);
    tb_json_kv_string(j, "mpi_version",
                      tb_comm_standard_version()[0] ? tb_comm_standard_version() : NULL);
    tb_json_kv_string(j, "mpi_thread_level",
                      tb_comm_thread_level()[0] ? tb_comm_thread_level() : NULL);
    tb_json_kv_string(j, "openmp", tb_threads_runtime());
    tb_json_kv_string(j, "git_commit", b->git_commit);
    tb_json_end_object(j);

    json_launch(j, argc, argv);
    if (x && x->active(run->ext)) x->json(j, run->ext, s->validated);
    tb_json_kv_string(j, "timestamp", when);
    tb_json_kv_string(j, "status", s->validated ? "ok" : "invalid");
    tb_json_end_object(j);
}
