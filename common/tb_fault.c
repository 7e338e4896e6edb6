#include "tb_fault.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tb_backend.h"
#include "tb_error.h"
#include "tb_parse.h"
#include "tb_threads.h"
#include "tb_timer.h"

static const char *const kind_names[] = {"none", "kill", "hang", "exit"};
static const char *const mode_names[] = {"none", "detect", "reassign", NULL};

void tb_fault_opts_init(tb_fault_opts *o)
{
    memset(o, 0, sizeof *o);
    o->rank = o->thread = -1;
    o->timeout = TB_FT_DEFAULT_TIMEOUT;
    o->interval = TB_CKPT_DEFAULT_INTERVAL;
}

tb_status tb_fault_parse_spec(const char *text, tb_fault_opts *o)
{
    if (!text || !*text)
        return tb_error_set(TB_EINPUT, "--inject-fault needs a fault, e.g. kill:rank=1,after=3 "
                                       "(kill, hang or exit; rank=R, thread=T, after=K)");
    if (strlen(text) >= sizeof o->spec)
        return tb_error_set(TB_EINPUT, "--inject-fault: '%.40s...' is too long", text);
    strcpy(o->spec, text);
    char buf[sizeof o->spec];
    strcpy(buf, text);
    char *colon = strchr(buf, ':');
    if (colon) *colon = '\0';
    o->kind = TB_FAULT_NONE;
    for (int k = TB_FAULT_KILL; k <= TB_FAULT_EXIT; k++)
        if (!strcmp(buf, kind_names[k])) o->kind = (tb_fault_kind)k;
    if (o->kind == TB_FAULT_NONE)
        return tb_error_set(
            TB_EINPUT, "--inject-fault '%s': unknown fault '%s' (kill, hang or exit)", text, buf);
    o->rank = o->thread = -1;
    o->after = 0;
    for (char *item = colon ? colon + 1 : NULL, *next; item && *item; item = next) {
        next = strchr(item, ',');
        if (next) *next++ = '\0';
        char *eq = strchr(item, '=');
        if (!eq)
            return tb_error_set(TB_EINPUT,
                                "--inject-fault '%s': '%s' is not key=value "
                                "(rank=R, thread=T, after=K)",
                                text, item);
        *eq = '\0';
        int64_t v = 0;
        char name[48];
        snprintf(name, sizeof name, "--inject-fault %s", item);
        tb_status st;
        if (!strcmp(item, "rank")) {
            st = tb_parse_int(name, eq + 1, 0, 1 << 24, &v);
            o->rank = (int)v;
        } else if (!strcmp(item, "thread")) {
            st = tb_parse_int(name, eq + 1, 0, TB_MAX_THREADS - 1, &v);
            o->thread = (int)v;
        } else if (!strcmp(item, "after")) {
            st = tb_parse_int(name, eq + 1, 0, INT64_C(1) << 40, &v);
            o->after = v;
        } else {
            return tb_error_set(TB_EINPUT,
                                "--inject-fault '%s': unknown key '%s' (rank, thread, after)", text,
                                item);
        }
        if (st != TB_OK) return st;
    }
    return TB_OK;
}

tb_status tb_fault_parse_mode(const char *text, tb_fault_opts *o)
{
    for (int m = TB_FT_NONE; m <= TB_FT_REASSIGN; m++)
        if (text && !strcmp(text, mode_names[m])) {
            o->ft = (tb_ft_mode)m;
            return TB_OK;
        }
    return tb_error_set(TB_EINPUT, "--ft: '%s' is not one of none, detect, reassign",
                        text ? text : "");
}

int tb_fault_active(const tb_fault_opts *o)
{
    return o->kind != TB_FAULT_NONE || o->ft != TB_FT_NONE || o->checkpoint != NULL;
}

tb_status tb_fault_check(const tb_fault_opts *o, const tb_launch *launch)
{
    const char *prog = tb_this_backend.program;
    const int nranks = launch->nranks, nthreads = launch->nthreads;
    const int has_mpi = launch->has_mpi, has_threads = launch->has_threads;
    const int iters = launch->iters, warmup = launch->warmup;
    if (o->resume && !o->checkpoint)
        return tb_error_set(TB_EINPUT,
                            "--resume needs --checkpoint FILE (the file to resume from)");
    if (o->interval_set && !o->checkpoint)
        return tb_error_set(TB_EINPUT, "--checkpoint-interval needs --checkpoint FILE");
    if (o->timeout_set && o->ft == TB_FT_NONE)
        return tb_error_set(TB_EINPUT, "--ft-timeout needs --ft detect or --ft reassign");
    if (!tb_fault_active(o)) return TB_OK;
    if (o->ft != TB_FT_NONE && !has_mpi)
        return tb_error_set(TB_EINPUT,
                            "--ft %s needs processes that can outlive each other (triobench-mpi or "
                            "triobench-hybrid): %s%s; use --checkpoint FILE and --resume instead",
                            mode_names[o->ft], prog,
                            has_threads ? "'s threads share one process, so a crash ends them all"
                                        : " runs one process");
    if (o->checkpoint && (iters != 1 || warmup != 0))
        return tb_error_set(TB_EINPUT,
                            "--checkpoint saves one computation: run it with --iters 1 "
                            "--warmup 0 (%d and %d given)",
                            iters, warmup);
    if (o->kind == TB_FAULT_NONE) return TB_OK;
    if (o->rank < 0 && has_mpi)
        return tb_error_set(TB_EINPUT,
                            "--inject-fault '%s': name the rank that fails (rank=R, "
                            "0 to %d)",
                            o->spec, nranks - 1);
    if (o->rank >= nranks) {
        if (!has_mpi)
            return tb_error_set(TB_EINPUT, "--inject-fault '%s': %s runs one process (rank 0)%s",
                                o->spec, prog, has_threads ? "; thread=T names a thread" : "");
        return tb_error_set(TB_EINPUT,
                            "--inject-fault '%s': rank %d does not exist: the run has "
                            "%d rank%s (0 to %d)",
                            o->spec, o->rank, nranks, nranks == 1 ? "" : "s", nranks - 1);
    }
    if (o->thread >= 0 && !has_threads)
        return tb_error_set(TB_EINPUT,
                            "--inject-fault '%s': %s runs one thread per process "
                            "(thread=T needs triobench-omp or triobench-hybrid)",
                            o->spec, prog);
    if (o->thread >= nthreads)
        return tb_error_set(TB_EINPUT,
                            "--inject-fault '%s': thread %d does not exist: the run has "
                            "%d thread%s per process (0 to %d)",
                            o->spec, o->thread, nthreads, nthreads == 1 ? "" : "s", nthreads - 1);
    return TB_OK;
}

static double run_start;
static int fired_here; /* this process reached its fault (set once, by one thread) */

void tb_fault_begin(tb_fault_log *log, int nranks)
{
    memset(log, 0, sizeof *log);
    __atomic_store_n(&fired_here, 0, __ATOMIC_SEQ_CST);
    log->launcher_keeps_job = -1;
    log->ranks_started = nranks;
    log->recovered_at = -1.0;
    run_start = tb_now();
}

double tb_fault_elapsed(void) { return tb_now() - run_start; }

static double epoch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tb_fault_point(const tb_fault_opts *o, int rank, int thread, int64_t done)
{
    if (o->kind == TB_FAULT_NONE || done < o->after) return;
    if (rank != (o->rank < 0 ? 0 : o->rank) || (o->thread >= 0 && thread != o->thread)) return;
    /* Without thread=, whichever thread gets there first: thread 0 alone
     * may be given no task at all by a dynamic schedule. */
    if (__atomic_exchange_n(&fired_here, 1, __ATOMIC_SEQ_CST)) return;
    static const char *const action[] = {"", "sends itself SIGKILL", "hangs (stays alive, silent)",
                                         "exits with status 0 without finalising"};
    char who[64];
    if (o->thread >= 0)
        snprintf(who, sizeof who, "rank %d thread %d", rank, thread);
    else
        snprintf(who, sizeof who, "rank %d", rank);
    fprintf(stderr,
            "%s: fault injected: %s %s after %" PRId64 " task%s, %.3f s into the run "
            "(at %.6f s since the epoch)\n",
            tb_this_backend.program, who, action[o->kind], done, done == 1 ? "" : "s",
            tb_fault_elapsed(), epoch_now());
    fflush(stderr);
    switch (o->kind) {
    case TB_FAULT_KILL:
        kill(getpid(), SIGKILL); /* the whole process, whichever thread asks */
        break;
    case TB_FAULT_HANG: {
        double end = tb_now() + TB_FAULT_HANG_LIMIT;
        while (tb_now() < end) sleep(1);
        _exit(1);
    }
    case TB_FAULT_EXIT: _exit(0);
    default: break;
    }
}

void tb_fault_note_loss(tb_fault_log *log, int rank, double silent, int64_t tasks_out, int fenced)
{
    if (log->nlost >= TB_FAULT_MAX_LOST) return;
    tb_fault_loss *l = &log->lost[log->nlost++];
    l->rank = rank;
    l->at = tb_fault_elapsed();
    l->silent = silent;
    l->tasks_out = tasks_out;
    l->fenced = fenced;
}

void tb_fault_end(tb_fault_log *log)
{
    log->finished_at = tb_fault_elapsed();
    /* A process that fired is gone (or hung), so only rank 0's own flag and
     * the processes it lost can tell that the fault happened. */
    log->fired =
        __atomic_load_n(&fired_here, __ATOMIC_SEQ_CST) || log->nlost > 0 || log->master_lost;
}

const char *tb_fault_outcome(const tb_fault_opts *o, const tb_fault_log *log, int validated)
{
    if (o->kind != TB_FAULT_NONE && !log->fired) return "not fired";
    if (log->nlost > 0 || log->master_lost)
        return validated && o->ft == TB_FT_REASSIGN ? "recovered" : "detected";
    if (log->from_checkpoint > 0) return "resumed";
    return "completed";
}

static void kv_number_or_null(tb_json *j, const char *key, int present, double value)
{
    tb_json_key(j, key);
    if (present)
        tb_json_number(j, value);
    else
        tb_json_null(j);
}

void tb_fault_json(tb_json *j, const tb_fault_opts *o, const tb_fault_log *log, int validated)
{
    tb_json_key(j, "fault");
    tb_json_begin_object(j);
    tb_json_key(j, "injected");
    if (o->kind == TB_FAULT_NONE) {
        tb_json_null(j);
    } else {
        tb_json_begin_object(j);
        tb_json_kv_string(j, "spec", o->spec);
        tb_json_kv_string(j, "kind", kind_names[o->kind]);
        tb_json_kv_int(j, "rank", o->rank < 0 ? 0 : o->rank);
        kv_number_or_null(j, "thread", o->thread >= 0, o->thread);
        tb_json_kv_int(j, "after", o->after);
        tb_json_kv_bool(j, "fired", log->fired);
        tb_json_end_object(j);
    }
    tb_json_kv_string(j, "ft", mode_names[o->ft]);
    kv_number_or_null(j, "timeout", o->ft != TB_FT_NONE, o->timeout);
    tb_json_key(j, "launcher_keeps_job");
    if (log->launcher_keeps_job < 0)
        tb_json_null(j);
    else
        tb_json_bool(j, log->launcher_keeps_job);
    tb_json_kv_int(j, "ranks_started", log->ranks_started);
    tb_json_key(j, "lost");
    tb_json_begin_array(j);
    static const tb_json_field loss_fields[] = {
        {"rank", TB_JF_INT, offsetof(tb_fault_loss, rank)},
        {"detected_at", TB_JF_NUMBER, offsetof(tb_fault_loss, at)},
        {"silent_for", TB_JF_NUMBER, offsetof(tb_fault_loss, silent)},
        {"tasks_out", TB_JF_INT64, offsetof(tb_fault_loss, tasks_out)},
        {"fenced", TB_JF_BOOL, offsetof(tb_fault_loss, fenced)},
    };
    for (int i = 0; i < log->nlost; i++)
        tb_json_object_of(j, &log->lost[i], loss_fields,
                          (int)(sizeof loss_fields / sizeof loss_fields[0]));
    tb_json_end_array(j);
    tb_json_kv_bool(j, "master_lost", log->master_lost);
    kv_number_or_null(j, "detected_at", log->nlost > 0, log->nlost > 0 ? log->lost[0].at : 0.0);
    kv_number_or_null(j, "recovered_at", log->recovered_at >= 0.0 && validated, log->recovered_at);
    tb_json_kv_number(j, "finished_at", log->finished_at);
    static const tb_json_field task_fields[] = {
        {"total", TB_JF_INT64, offsetof(tb_fault_log, tasks_total)},
        {"reassigned", TB_JF_INT64, offsetof(tb_fault_log, reassigned)},
        {"from_checkpoint", TB_JF_INT64, offsetof(tb_fault_log, from_checkpoint)},
        {"late_results_ignored", TB_JF_INT64, offsetof(tb_fault_log, late_results)},
    };
    tb_json_key(j, "tasks");
    tb_json_object_of(j, log, task_fields, (int)(sizeof task_fields / sizeof task_fields[0]));
    tb_json_key(j, "checkpoint");
    if (!o->checkpoint) {
        tb_json_null(j);
    } else {
        tb_json_begin_object(j);
        tb_json_kv_string(j, "path", o->checkpoint);
        tb_json_kv_number(j, "interval", o->interval);
        tb_json_kv_bool(j, "resumed", o->resume);
        tb_json_kv_int(j, "saves", log->checkpoint_saves);
        tb_json_end_object(j);
    }
    tb_json_kv_string(j, "outcome", tb_fault_outcome(o, log, validated));
    tb_json_kv_bool(j, "validated", validated);
    tb_json_end_object(j);
}

void tb_fault_print(FILE *out, const tb_fault_opts *o, const tb_fault_log *log, int validated)
{
    fprintf(out, "fault: %s", tb_fault_outcome(o, log, validated));
    if (o->kind != TB_FAULT_NONE)
        fprintf(out, log->fired ? "; injected %s" : "; %s did not fire", o->spec);
    if (o->ft != TB_FT_NONE)
        fprintf(out, "; --ft %s (timeout %g s)", mode_names[o->ft], o->timeout);
    for (int i = 0; i < log->nlost; i++)
        fprintf(out, "; rank %d lost at %.3f s (silent %.2f s, %" PRId64 " task%s out%s)",
                log->lost[i].rank, log->lost[i].at, log->lost[i].silent, log->lost[i].tasks_out,
                log->lost[i].tasks_out == 1 ? "" : "s", log->lost[i].fenced ? ", killed" : "");
    if (log->reassigned > 0)
        fprintf(out, "; %" PRId64 " task%s reassigned", log->reassigned,
                log->reassigned == 1 ? "" : "s");
    if (log->recovered_at >= 0.0 && validated)
        fprintf(out, ", recovered at %.3f s", log->recovered_at);
    if (o->checkpoint)
        fprintf(out, "; checkpoint %s: %" PRId64 " of %" PRId64 " tasks loaded, %" PRId64 " save%s",
                o->checkpoint, log->from_checkpoint, log->tasks_total, log->checkpoint_saves,
                log->checkpoint_saves == 1 ? "" : "s");
    fprintf(out, "; answer %s\n", validated ? "validated" : "NOT validated");
}

tb_status tb_fault_not_fired(const tb_fault_opts *o, const tb_fault_log *log)
{
    const int64_t todo = log->tasks_total - log->from_checkpoint;
    if (todo <= o->after)
        return tb_error_set(TB_EINPUT,
                            "--inject-fault '%s' cannot fire: the run has %" PRId64
                            " task%s to compute; after=K must be below that",
                            o->spec, todo, todo == 1 ? "" : "s");
    char who[64];
    if (o->thread >= 0)
        snprintf(who, sizeof who, "thread %d of rank %d", o->thread, o->rank < 0 ? 0 : o->rank);
    else
        snprintf(who, sizeof who, "rank %d", o->rank < 0 ? 0 : o->rank);
    return tb_error_set(TB_ERUNTIME,
                        "--inject-fault '%s' did not fire: %s started no task after its "
                        "first %" PRId64 " of the %" PRId64 " (the schedule gave them to "
                        "others); the run went on without a fault",
                        o->spec, who, o->after, todo);
}

tb_status tb_fault_error(const tb_fault_opts *o, const tb_fault_log *log)
{
    if (log->nlost == 0)
        return tb_error_set(TB_ERUNTIME, "the master (rank 0) was lost; the job cannot go on");
    char ranks[128] = "";
    size_t used = 0;
    int64_t out = 0;
    for (int i = 0; i < log->nlost && used < sizeof ranks; i++) {
        used += (size_t)snprintf(ranks + used, sizeof ranks - used, "%s%d", i ? ", " : "",
                                 log->lost[i].rank);
        out += log->lost[i].tasks_out;
    }
    return tb_error_set(TB_ERUNTIME,
                        "worker rank%s %s lost: no message for %g s (--ft-timeout), %" PRId64
                        " task%s not done; the answer is incomplete, so the job ends here%s",
                        log->nlost > 1 ? "s" : "", ranks, o->timeout, out, out == 1 ? "" : "s",
                        o->ft == TB_FT_DETECT ? " (--ft reassign would give them to the others)"
                                              : "");
}

/* ---- The extension: the options' table and the calls at fixed points ---- */

#define TB_FAULT_TEXT_(x) #x
#define TB_FAULT_TEXT(x)  TB_FAULT_TEXT_(x) /* a default's macro as text */

enum { OPT_INJECT, OPT_FT, OPT_FT_TIMEOUT, OPT_CHECKPOINT, OPT_INTERVAL, OPT_RESUME };

static const tb_option_def fault_options[] = {
    [OPT_INJECT] = {"inject-fault", TB_OPT_STRING, "SPEC", NULL, NULL,
                    "FOR DEMONSTRATION AND TESTS ONLY: fail on purpose once K tasks are done: "
                    "kill:rank=R,after=K (SIGKILL), hang:rank=R,after=K (stays alive, silent), "
                    "exit:rank=R (exits 0 without finalising), kill:thread=T,after=K (an OpenMP "
                    "thread; hybrid: with rank=R)"},
    [OPT_FT] =
        {"ft", TB_OPT_CHOICE, "MODE", "none", mode_names,
         "what the MPI master does about a lost worker: none (plain MPI), detect (never "
         "wait forever: end with a clear message), reassign (give its tasks to the others; "
         "Open MPI 4 also needs mpirun --mca orte_enable_recovery 1 for a worker that dies)"},
    [OPT_FT_TIMEOUT] = {"ft-timeout", TB_OPT_NUMBER, "S", TB_FAULT_TEXT(TB_FT_DEFAULT_TIMEOUT),
                        NULL, "seconds of silence before a process counts as lost"},
    [OPT_CHECKPOINT] = {"checkpoint", TB_OPT_STRING, "FILE", NULL, NULL,
                        "save the completed tasks to FILE at intervals (atomically)"},
    [OPT_INTERVAL] = {"checkpoint-interval", TB_OPT_NUMBER, "S",
                      TB_FAULT_TEXT(TB_CKPT_DEFAULT_INTERVAL), NULL,
                      "seconds between saves (0: every task)"},
    [OPT_RESUME] = {"resume", TB_OPT_FLAG, NULL, NULL, NULL,
                    "continue from --checkpoint FILE: saved tasks are not computed again"},
};

static void *ft_create(void)
{
    tb_ft *ft = calloc(1, sizeof *ft);
    if (ft) tb_fault_opts_init(&ft->opts);
    return ft;
}

static void ft_destroy(void *state) { free(state); }

static tb_status ft_parse(void *state, int index, const char *value)
{
    tb_fault_opts *o = &((tb_ft *)state)->opts;
    switch (index) {
    case OPT_INJECT: return tb_fault_parse_spec(value, o);
    case OPT_FT: return tb_fault_parse_mode(value, o);
    case OPT_FT_TIMEOUT:
        o->timeout_set = 1;
        return tb_parse_seconds("--ft-timeout", value, 0.01, 3600.0, &o->timeout);
    case OPT_CHECKPOINT:
        if (!value || !*value) return tb_error_set(TB_EINPUT, "--checkpoint needs a file name");
        o->checkpoint = value;
        return TB_OK;
    case OPT_INTERVAL:
        o->interval_set = 1;
        return tb_parse_seconds("--checkpoint-interval", value, 0.0, 86400.0, &o->interval);
    default: o->resume = 1; return TB_OK;
    }
}

static tb_status ft_check(const void *state, const tb_launch *launch)
{
    return tb_fault_check(&((const tb_ft *)state)->opts, launch);
}

static void ft_begin(void *state, tb_run *run)
{
    tb_fault_begin(&((tb_ft *)state)->log, run->nranks);
}

static void ft_end(void *state, tb_run *run)
{
    (void)run;
    tb_fault_end(&((tb_ft *)state)->log);
}

static int ft_active(const void *state) { return tb_fault_active(&((const tb_ft *)state)->opts); }

static double ft_share_done(const void *state)
{
    const tb_fault_log *l = &((const tb_ft *)state)->log;
    if (l->from_checkpoint <= 0 || l->tasks_total <= 0) return 1.0;
    return (double)(l->tasks_total - l->from_checkpoint) / (double)l->tasks_total;
}

static void ft_json(tb_json *j, const void *state, int validated)
{
    const tb_ft *ft = state;
    tb_fault_json(j, &ft->opts, &ft->log, validated);
}

static void ft_print(FILE *out, const void *state, int validated)
{
    const tb_ft *ft = state;
    tb_fault_print(out, &ft->opts, &ft->log, validated);
}

static tb_status ft_failed(const void *state, int validated)
{
    const tb_ft *ft = state;
    if (ft->opts.kind != TB_FAULT_NONE && !ft->log.fired)
        return tb_fault_not_fired(&ft->opts, &ft->log);
    if (validated || (ft->log.nlost == 0 && !ft->log.master_lost)) return TB_OK;
    return tb_fault_error(&ft->opts, &ft->log);
}

const tb_extension tb_fault_extension = {
    .title = "failures",
    .doc = "docs/failures.md",
    .lacks = "has no pool of tasks to fail, reassign or checkpoint",
    .options = fault_options,
    .noptions = (int)(sizeof fault_options / sizeof fault_options[0]),
    .create = ft_create,
    .destroy = ft_destroy,
    .parse = ft_parse,
    .check = ft_check,
    .begin = ft_begin,
    .end = ft_end,
    .active = ft_active,
    .share_done = ft_share_done,
    .json = ft_json,
    .print = ft_print,
    .failed = ft_failed,
};
