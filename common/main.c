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
#include "tb_comm.h"
#include "tb_error.h"
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
    tb_status st = o->kernel->check ? o->kernel->check(&o->params, tb_comm_size()) : TB_OK;
    if (st != TB_OK) return st;
    double bytes = o->kernel->bytes_per_rank(&o->params, tb_comm_size(), tb_threads_count());
    st = tb_mem_check(bytes, tb_comm_node_size());
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

static tb_status run_kernel(const tb_options *o, int json_fd, int argc, char **argv)
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
    run.iter_time = calloc((size_t)o->iters, sizeof(double));
    tb_status st = run.iter_time ? TB_OK
                                 : tb_error_set(TB_ERUNTIME, "out of memory for %d iteration times",
                                                o->iters);
    st = tb_comm_agree(st, tb_this_backend.program);
    if (st == TB_OK) st = tb_comm_agree(o->kernel->run(&run), tb_this_backend.program);
    if (st == TB_OK) st = tb_report(o, &run, json_fd, argc, argv);
    free(run.iter_time);
    return st;
}

int main(int argc, char **argv)
{
    const char *prog = tb_this_backend.program;
    tb_status st = tb_comm_init(&argc, &argv, tb_this_backend.thread_need);
    st = tb_comm_agree(st, prog);
    if (st != TB_OK) {
        tb_comm_finalize();
        return st;
    }
    int root = tb_comm_rank() == 0;

    tb_options opts;
    st = tb_comm_agree(tb_options_parse(argc, argv, &opts), prog);
    if (st == TB_OK && opts.action != TB_ACTION_RUN) {
        if (root && opts.action == TB_ACTION_HELP) tb_options_print_help(stdout, prog);
        if (root && opts.action == TB_ACTION_LIST) tb_options_print_list(stdout, opts.list_json);
        if (root && opts.action == TB_ACTION_VERSION)
            printf("%s %s (%s, %s)\n", prog, tb_build()->version, tb_build()->git_commit,
                   tb_build()->compiler);
        tb_comm_finalize();
        return TB_OK;
    }

    int json_fd = -1;
    if (st == TB_OK) {
        tb_topo_init();
        st = tb_comm_agree(prepare(&opts, &json_fd), prog);
    }
    /* An MPI executable started without a launcher runs as a singleton:
     * legal (it is the 1-rank point of a sweep) but rarely what a student meant. */
    if (st == TB_OK && root && !opts.quiet && tb_comm_size() == 1 && !tb_comm_launched() &&
        tb_comm_library()[0] != '\0')
        fprintf(stderr, "%s: note: running as 1 rank; the MPI backends take their ranks from "
                        "the launcher: mpirun -n N %s ...\n", prog, prog);
    if (st == TB_OK) st = run_kernel(&opts, json_fd, argc, argv);

    if (json_fd > 2) close(json_fd);
    tb_topo_finalize();
    tb_comm_finalize();
    return st;
}
