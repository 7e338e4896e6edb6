/* The entry point of every executable: parse, check, run, report.
 * The backend is whatever the linker put behind tb_comm, tb_threads and the
 * kernel drivers; nothing here depends on it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tb_backend.h"
#include "tb_build.h"
#include "tb_catalogue.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_kernel.h"
#include "tb_mem.h"
#include "tb_options.h"
#include "tb_report.h"
#include "tb_threads.h"
#include "tb_topo.h"

/* Checks that need no data but do need the launch: threads, kernel
 * parameters against the rank count, memory, the JSON file. */
static tb_status prepare(const tb_options *o, int *json_fd)
{
    const char *prog = tb_this_backend.program;
    if (o->threads > 0) {
        if (!tb_threads_enabled() && o->threads > 1)
            return tb_error_set(TB_EINPUT,
                                "--threads %d: %s runs one thread per process; use "
                                "triobench-omp or triobench-hybrid for threads",
                                o->threads, prog);
        if (tb_threads_enabled()) tb_threads_set(o->threads);
    }
    /* A series run is checked at every value it will run, memory at the
     * last; any other run once (its series_min = series_max = 0). */
    tb_params p = o->params;
    tb_status st = TB_OK;
    for (int64_t v = o->series_min; st == TB_OK; v *= 2) {
        if (o->series >= 0) p.value[o->series] = v;
        if (o->kernel->check) st = o->kernel->check(&p, tb_comm_size());
        if (v >= o->series_max) break;
    }
    if (st != TB_OK) return st;
    if (o->kernel->ext) {
        tb_launch launch = {tb_comm_size(),       tb_threads_count(), tb_comm_library()[0] != '\0',
                            tb_threads_enabled(), o->iters,           o->warmup};
        st = o->kernel->ext->check(o->ext, &launch);
        if (st != TB_OK) return st;
    }
    double bytes = o->kernel->bytes_per_rank(&p, tb_comm_size(), tb_threads_count());
    /* Simulated, every rank's memory is in this one process of this machine. */
    st = tb_mem_check(bytes, tb_simulated() ? tb_comm_size() : tb_comm_node_size());
    if (st != TB_OK) return st;
    if (tb_comm_rank() == 0 && o->json_path) {
        if (strcmp(o->json_path, "-") == 0) {
            *json_fd = 1;
        } else {
            *json_fd = open(o->json_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
            if (*json_fd < 0)
                return tb_error_set(TB_EINPUT, "cannot write the --json file '%s': %s",
                                    o->json_path, strerror(errno));
        }
    }
    return TB_OK;
}

/* The record and the human line (rank 0), and the run's status on every
 * rank. Only rank 0 writes, so its error (a record it cannot write, a
 * process its extension saw lost) must end every rank: a series would
 * otherwise go on to its next size without rank 0 and wait forever. The
 * error wins over "did not validate" (TB_EINVALID, which every rank
 * already shares), although tb_comm_agree ranks EINVALID higher. */
static tb_status report(const tb_options *o, tb_run *run, int json_fd, int argc, char **argv)
{
    tb_status mine = tb_report(o, run, json_fd, argc, argv);
    tb_status error = tb_comm_agree(mine == TB_EINVALID ? TB_OK : mine, tb_this_backend.program);
    return error != TB_OK ? error : mine;
}

/* One driver call and its record; `row`: add a line to the series table
 * (2: the table's header first, once the kernel has accepted its input). */
static tb_status run_once(const tb_options *o, int json_fd, int argc, char **argv, int row)
{
    tb_run run;
    memset(&run, 0, sizeof run);
    run.kernel = o->kernel;
    run.params = &o->params;
    run.iters = o->iters;
    run.warmup = o->warmup;
    run.rank = tb_comm_rank();
    run.nranks = tb_comm_size();
    run.nthreads = tb_threads_count();
    run.ext = o->ext;
    run.iter_time = calloc((size_t)o->iters, sizeof(double));
    tb_status st =
        run.iter_time ? TB_OK
                      : tb_error_set(TB_ERUNTIME, "out of memory for %d iteration times", o->iters);
    st = tb_comm_agree(st, tb_this_backend.program);
    tb_mem_huge_reset();
    const tb_extension *x = o->kernel->ext;
    if (x) x->begin(o->ext, &run);
    if (st == TB_OK) st = tb_comm_agree(o->kernel->run(&run), tb_this_backend.program);
    if (x) x->end(o->ext, &run);
    if (st == TB_OK) st = report(o, &run, json_fd, argc, argv);
    if (row && (st == TB_OK || st == TB_EINVALID)) {
        if (row == 2) tb_report_series_header(o);
        tb_report_series_row(&run, st);
    }
    free(run.iter_time);
    return st;
}

/* One record per run, or one per value of the kernel's series parameter
 * (powers of two) with a compact table on stdout instead of the human lines. */
static tb_status run_kernel(const tb_options *o, int json_fd, int argc, char **argv)
{
    if (o->series < 0) return run_once(o, json_fd, argc, argv, 0);
    tb_options one = *o;
    one.quiet = 1;
    int table = tb_comm_rank() == 0 && !o->quiet && json_fd != 1;
    tb_status worst = TB_OK;
    for (int64_t v = o->series_min; v <= o->series_max; v *= 2) {
        one.params.value[o->series] = v;
        tb_status st = run_once(&one, json_fd, argc, argv, table ? 1 + (v == o->series_min) : 0);
        if (st != TB_OK && st != TB_EINVALID) return st;
        if (st > worst) worst = st;
    }
    return worst;
}

/* The thread level to ask the process layer for: the backend's, raised when
 * the kernel's parameters need more (from the parse made before the MPI
 * library starts; a bad command line is reported by the real parse). */
static tb_thread_need thread_need(tb_status parsed, const tb_options *o)
{
    tb_thread_need need = tb_this_backend.thread_need;
    if (need != TB_THREADS_SINGLE && parsed == TB_OK && o->kernel && o->kernel->thread_need &&
        o->kernel->thread_need(&o->params) > need)
        need = o->kernel->thread_need(&o->params);
    return need;
}

/* --list, --help and --version need no other process: answered before the
 * process layer starts (no MPI library), by the first process of a launch. */
static void answer(const tb_options *o)
{
    const char *prog = tb_this_backend.program;
    if (tb_comm_launch_rank() != 0) return;
    if (o->action == TB_ACTION_HELP) tb_options_print_help(stdout, prog);
    if (o->action == TB_ACTION_LIST) tb_catalogue_print(stdout, o->list_json);
    if (o->action == TB_ACTION_VERSION)
        printf("%s %s (%s, %s)\n", prog, tb_build()->version, tb_build()->git_commit,
               tb_build()->compiler);
}

int main(int argc, char **argv)
{
    const char *prog = tb_this_backend.program;
    tb_options opts;
    tb_status st = tb_options_parse(argc, argv, &opts);
    tb_error_clear();
    if (st == TB_OK && opts.action != TB_ACTION_RUN) {
        answer(&opts);
        tb_options_free(&opts);
        tb_topo_finalize();
        return TB_OK;
    }
    tb_thread_need need = thread_need(st, &opts);
    tb_options_free(&opts);
    st = tb_comm_init(&argc, &argv, need);
    st = tb_comm_agree(st, prog);
    if (st != TB_OK) {
        tb_comm_finalize(st);
        return st;
    }
    int root = tb_comm_rank() == 0;

    /* Again, now that every process can agree on the verdict. */
    st = tb_comm_agree(tb_options_parse(argc, argv, &opts), prog);
    if (st == TB_OK && opts.size_auto) {
        /* Every rank computed the size from its own machine: take one. */
        double size = (double)opts.params.value[opts.kernel->size_param];
        tb_comm_max_doubles(&size, 1);
        opts.params.value[opts.kernel->size_param] = (int64_t)size;
    }
    tb_mem_set_pages(opts.huge_pages ? TB_PAGES_HUGE : TB_PAGES_NORMAL);

    int json_fd = -1;
    if (st == TB_OK) {
        /* Simulated, all ranks are one process: rank 0 (which writes the
         * record) loads the machine's topology once, not once per rank. */
        if (!tb_simulated() || root) tb_topo_init();
        st = tb_comm_agree(prepare(&opts, &json_fd), prog);
    }
    if (st == TB_OK) st = run_kernel(&opts, json_fd, argc, argv);
    /* An MPI executable started without a launcher runs as a singleton:
     * legal (it is the 1-rank point of a sweep) but rarely what a student
     * meant. Said after a run that succeeded only: an error is one line. */
    if (st == TB_OK && root && !opts.quiet && tb_comm_size() == 1 && !tb_comm_launched() &&
        tb_comm_library()[0] != '\0')
        fprintf(stderr,
                "%s: note: ran as 1 rank; the MPI backends take their ranks from "
                "the launcher: mpirun -n N %s ...\n",
                prog, prog);

    if (json_fd > 2) close(json_fd);
    tb_options_free(&opts);
    tb_topo_finalize();
    tb_comm_finalize(st);
    return st;
}
