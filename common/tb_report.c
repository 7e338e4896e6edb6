#include "tb_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tb_backend.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_json.h"
#include "tb_record.h"
#include "tb_summary.h"
#include "tb_threads.h"

/* Write `len` bytes with one write(2) (retrying short writes): 0, or -1
 * with errno set. */
static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) { /* a device that takes nothing: never retry forever */
            errno = EIO;
            return -1;
        }
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Append one record line. A file that cannot take all of it (a full disk)
 * is cut back to where the line began, so that it keeps whole records and
 * the next run's line does not continue this one's fragment. */
static tb_status append_record(int fd, const char *path, const char *text, size_t len)
{
    struct stat info;
    off_t start = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? lseek(fd, 0, SEEK_END) : -1;
    if (write_all(fd, text, len) == 0) return TB_OK;
    int err = errno;
    int cut = start >= 0 ? ftruncate(fd, start) : 0;
    (void)cut; /* the write's reason is the one to tell */
    if (fd == 1)
        return tb_error_set(TB_ERUNTIME, "cannot write the JSON record to stdout (--json -): %s",
                            strerror(err));
    return tb_error_set(TB_ERUNTIME, "cannot write the JSON record to '%s' (--json): %s", path,
                        strerror(err));
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

/* The human line (and the extension's, e.g. what happened to a fault). */
static void print_line(FILE *out, const tb_summary *s)
{
    const tb_run *run = s->run;
    const tb_kernel *k = s->kernel;
    char params_text[256];
    format_params(k, run->params, -1, params_text, sizeof params_text);
    int ms = s->time.median >= 1e-3; /* micro-benchmarks take microseconds */
    fprintf(out, "%-10s %-7s %3dx%-3d %-28s %12.1f %-8s %11.3f %s/iter  validated: %s\n", k->name,
            tb_this_backend.name, run->nranks, run->nthreads, params_text, s->rate, k->rate_unit,
            s->time.median * (ms ? 1e3 : 1e6), ms ? "ms" : "us", s->validated ? "yes" : "no");
    if (k->ext && k->ext->active(run->ext)) k->ext->print(out, run->ext, s->validated);
    fflush(out);
}

tb_status tb_report(const tb_options *opts, tb_run *run, int json_fd, int argc, char **argv)
{
    tb_summary s;
    tb_status st = tb_summary_build(&s, opts, run);
    if (st != TB_OK) return st;
    tb_status status = s.validated ? TB_OK : TB_EINVALID;
    if (run->rank != 0) {
        tb_summary_free(&s);
        return status;
    }
    tb_json j;
    tb_json_init(&j);
    tb_record_json(&j, &s, argc, argv);
    if (j.failed) {
        tb_json_free(&j);
        tb_summary_free(&s);
        return tb_error_set(TB_ERUNTIME, "out of memory while writing the JSON record");
    }
    tb_status write_status = TB_OK;
    if (json_fd >= 0) {
        j.text[j.len++] = '\n'; /* the writer always keeps one spare byte */
        write_status = append_record(json_fd, opts->json_path, j.text, j.len);
    }
    tb_json_free(&j);
    if (!opts->quiet && json_fd != 1) print_line(stdout, &s);
    const tb_extension *x = run->kernel->ext;
    tb_status failed = x ? x->failed(run->ext, s.validated) : TB_OK;
    if (failed != TB_OK) {
        /* The answer is incomplete because of what the extension saw (a
         * lost process): the caller's agreement prints the message. */
        status = failed;
    } else if (!s.validated) {
        fprintf(stderr,
                "%s: error: %s did not validate: largest relative error %.3g exceeds %.3g\n",
                tb_this_backend.program, run->kernel->name, s.worst_rel, s.worst_tol);
    }
    tb_summary_free(&s);
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
    tb_work work = tb_summary_work(run);
    int series = tb_series_index(k);
    printf("  %12" PRId64 " %12.3f %12.3f %12.3f %14.1f  %s\n", run->params->value[series],
           t.median * 1e6, t.min * 1e6, t.max * 1e6, tb_summary_rate(run, &work, t.median),
           status == TB_OK ? "yes" : "no");
    fflush(stdout);
}
