/* Unit tests of common/tb_fault.c and common/tb_checkpoint.c: fault specs,
 * the checks against the launch, and checkpoint files written, read back,
 * and refused when truncated, corrupted, of another version or written for
 * another computation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb_checkpoint.h"
#include "tb_error.h"
#include "tb_fault.h"
#include "tb_options.h"
#include "tb_parse.h"

#include "check.h"

/* The call was refused as bad input with a message holding `text`. */
static int refused(tb_status st, const char *text)
{
    int ok = st == TB_EINPUT && strstr(tb_error_message(), text) != NULL;
    if (!ok) fprintf(stderr, "status %d, message '%s'\n", (int)st, tb_error_message());
    tb_error_clear();
    return ok;
}

static void test_spec(void)
{
    tb_fault_opts o;
    tb_fault_opts_init(&o);
    tb_error_clear();
    CHECK(tb_fault_parse_spec("kill:rank=2,after=7", &o) == TB_OK);
    CHECK(o.kind == TB_FAULT_KILL && o.rank == 2 && o.thread == -1 && o.after == 7);
    CHECK(tb_fault_parse_spec("hang:thread=3", &o) == TB_OK);
    CHECK(o.kind == TB_FAULT_HANG && o.rank == -1 && o.thread == 3 && o.after == 0);
    CHECK(tb_fault_parse_spec("exit", &o) == TB_OK && o.kind == TB_FAULT_EXIT);
    CHECK(refused(tb_fault_parse_spec("boom:rank=1", &o), "unknown fault 'boom'"));
    CHECK(refused(tb_fault_parse_spec("kill:rank", &o), "'rank' is not key=value"));
    CHECK(refused(tb_fault_parse_spec("kill:rank=-1", &o), "out of range"));
    CHECK(refused(tb_fault_parse_spec("kill:after=x", &o), "not a whole number"));
    CHECK(refused(tb_fault_parse_spec("", &o), "needs a fault"));
    CHECK(tb_fault_parse_mode("reassign", &o) == TB_OK && o.ft == TB_FT_REASSIGN);
    CHECK(refused(tb_fault_parse_mode("retry", &o), "none, detect, reassign"));
    double s = 0;
    CHECK(tb_parse_seconds("--ft-timeout", "0.25", 0.01, 10, &s) == TB_OK && s == 0.25);
    CHECK(refused(tb_parse_seconds("--ft-timeout", "0", 0.01, 10, &s), "out of range"));
}

/* tb_fault_check with the launch (of kernel ep: the parser lets no other
 * kernel have the options, see parse_kernel below). */
static tb_status check_launch(const tb_fault_opts *o, int nranks, int nthreads, int mpi, int iters)
{
    tb_launch launch = {nranks, nthreads, mpi, nthreads > 1, iters, 0};
    return tb_fault_check(o, &launch);
}

/* The command line `<kernel> <option> <value>` through the option parser. */
static tb_status parse_kernel(const char *kernel, const char *option, const char *value)
{
    char *argv[] = {"triobench", (char *)kernel, (char *)option, (char *)value, NULL};
    tb_options opts;
    tb_status st = tb_options_parse(option ? (value ? 4 : 3) : 2, argv, &opts);
    tb_options_free(&opts);
    return st;
}

static void test_check(void)
{
    tb_fault_opts o;
    tb_fault_opts_init(&o);
    tb_error_clear();
    /* nothing asked: always fine, even for a kernel without tasks */
    CHECK(parse_kernel("stencil", NULL, NULL) == TB_OK);
    CHECK(check_launch(&o, 4, 1, 1, 10) == TB_OK);
    CHECK(refused(parse_kernel("stencil", "--inject-fault", "kill:rank=4,after=1"),
                  "kernel stencil has no pool of tasks"));
    CHECK(
        refused(parse_kernel("stencil", "--resume", NULL), "kernel stencil has no pool of tasks"));
    CHECK(parse_kernel("ep", "--inject-fault", "kill:rank=4,after=1") == TB_OK);
    tb_fault_parse_spec("kill:rank=4,after=1", &o);
    CHECK(refused(check_launch(&o, 4, 1, 1, 1),
                  "rank 4 does not exist: the run has 4 ranks (0 to 3)"));
    CHECK(check_launch(&o, 5, 1, 1, 1) == TB_OK);
    tb_fault_parse_spec("kill:thread=2", &o);
    CHECK(refused(check_launch(&o, 1, 2, 0, 1), "thread 2 does not exist"));
    CHECK(check_launch(&o, 1, 3, 0, 1) == TB_OK);
    o.ft = TB_FT_DETECT;
    CHECK(refused(check_launch(&o, 1, 3, 0, 1), "needs processes that can outlive each other"));
    tb_fault_opts_init(&o);
    o.resume = 1;
    CHECK(refused(check_launch(&o, 1, 1, 0, 1), "--resume needs --checkpoint FILE"));
    o.checkpoint = "x.ckpt";
    CHECK(refused(check_launch(&o, 1, 1, 0, 3), "run it with --iters 1 --warmup 0"));
}

/* tb_fault_point in a child process: its exit status (0 when an exit
 * fault fired, 7 when the call returned). */
static int point_in_child(const tb_fault_opts *o, int rank, int thread, int64_t done)
{
    pid_t pid = fork();
    if (pid == 0) {
        tb_fault_log log;
        tb_fault_begin(&log, 1);
        if (freopen("/dev/null", "w", stderr) == NULL) _exit(8);
        tb_fault_point(o, rank, thread, done);
        _exit(7);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Where and whether a fault fires, and how one that did not is told. */
static void test_firing(void)
{
    tb_fault_opts o;
    tb_fault_opts_init(&o);
    tb_fault_parse_spec("exit:after=3", &o);
    /* without thread=, any thread of the rank: a dynamic schedule may give
     * thread 0 no task at all (it fired in 17 of 20 OpenMP runs) */
    CHECK(point_in_child(&o, 0, 2, 3) == 0);
    CHECK(point_in_child(&o, 0, 0, 2) == 7);
    CHECK(point_in_child(&o, 1, 0, 5) == 7);
    tb_fault_parse_spec("exit:thread=1,after=0", &o);
    CHECK(point_in_child(&o, 0, 2, 0) == 7);
    CHECK(point_in_child(&o, 0, 1, 0) == 0);

    /* a run that reached its end without the fault: never "injected" */
    tb_fault_log log;
    tb_fault_parse_spec("kill:thread=1,after=40", &o);
    tb_fault_begin(&log, 1);
    log.tasks_total = 64;
    tb_fault_end(&log);
    CHECK(!log.fired && !strcmp(tb_fault_outcome(&o, &log, 1), "not fired"));
    tb_error_clear();
    CHECK(tb_fault_not_fired(&o, &log) == TB_ERUNTIME &&
          strstr(tb_error_message(), "did not fire: thread 1 of rank 0 started no task after "
                                     "its first 40 of the 64"));
    tb_error_clear();
    char line[256] = "";
    FILE *f = fmemopen(line, sizeof line, "w");
    tb_fault_print(f, &o, &log, 1);
    fclose(f);
    CHECK(strstr(line, "kill:thread=1,after=40 did not fire") && !strstr(line, "injected"));
    tb_json j;
    tb_json_init(&j);
    tb_json_begin_object(&j);
    tb_fault_json(&j, &o, &log, 1);
    tb_json_end_object(&j);
    CHECK(j.text && strstr(j.text, "\"fired\":false") &&
          strstr(j.text, "\"outcome\":\"not fired\""));
    tb_json_free(&j);
    /* one that could not fire: after=K at or above the tasks left to compute */
    log.from_checkpoint = 30;
    tb_fault_parse_spec("kill:after=34", &o);
    CHECK(refused(tb_fault_not_fired(&o, &log),
                  "'kill:after=34' cannot fire: the run has 34 tasks to compute"));
    /* a lost process is the fault's doing (it is gone, so cannot say) */
    log.nlost = 1;
    tb_fault_end(&log);
    CHECK(log.fired && strcmp(tb_fault_outcome(&o, &log, 0), "not fired") != 0);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void test_checkpoint(void)
{
    char dir[] = "/tmp/tb-ckpt-XXXXXX";
    if (!mkdtemp(dir)) {
        failed++;
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/c.ckpt", dir);
    const char *id = "ep m=20 chunk=3";
    tb_fault_opts o;
    tb_fault_opts_init(&o);
    o.checkpoint = path;
    o.interval = 0.0;
    double acc[3] = {0, 0, 0}, part[3] = {1.5, 2.0, 1.0};
    tb_ckpt *c = NULL;
    tb_error_clear();
    CHECK(tb_ckpt_open(&c, &o, id, 11, sizeof acc) == TB_OK && c);
    for (int t = 0; t < 11; t += 2) { /* tasks 0 2 4 6 8 10 */
        for (int i = 0; i < 3; i++) acc[i] += part[i];
        tb_ckpt_task_done(c, t, acc);
    }
    CHECK(tb_ckpt_saves(c) == 6);
    tb_ckpt_close(c);
    /* without --resume an existing checkpoint is not overwritten */
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof acc), "exists: add --resume"));
    o.resume = 1;
    double back[3] = {0, 0, 0};
    CHECK(tb_ckpt_open(&c, &o, id, 11, sizeof back) == TB_OK && c);
    CHECK(tb_ckpt_loaded(c) == 6 && tb_ckpt_was_done(c, 4) && !tb_ckpt_was_done(c, 5));
    tb_ckpt_load_result(c, back);
    CHECK(back[0] == 9.0 && back[1] == 12.0 && back[2] == 6.0);
    tb_ckpt_close(c);
    /* another computation */
    CHECK(
        refused(tb_ckpt_open(&c, &o, "ep m=20 chunk=4", 8, sizeof back),
                "was written for 'ep m=20 chunk=3' (11 tasks), but this run is 'ep m=20 chunk=4'"));
    /* a flipped byte, a truncation, another version, not a checkpoint, none */
    long size = file_size(path);
    FILE *f = fopen(path, "r+b");
    fseek(f, size - 12, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof back),
                  "is corrupted: its checksum does not match"));
    CHECK(truncate(path, size - 1) == 0);
    CHECK(
        refused(tb_ckpt_open(&c, &o, id, 11, sizeof back), "is damaged (truncated or corrupted)"));
    CHECK(truncate(path, 40) == 0);
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof back), "is truncated: 40 bytes"));
    unsigned char bits[2] = {0x05, 0x00};
    CHECK(tb_ckpt_write_file(path, id, 11, bits, sizeof back, back) == TB_OK);
    f = fopen(path, "r+b");
    fseek(f, 8, SEEK_SET);
    fputc(7, f); /* version 7 */
    fclose(f);
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof back), "has format version 7"));
    f = fopen(path, "wb");
    for (int i = 0; i < 40; i++) fputs("not a checkpoint ", f);
    fclose(f);
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof back), "is not a triobench checkpoint"));
    unlink(path);
    CHECK(refused(tb_ckpt_open(&c, &o, id, 11, sizeof back), "cannot read the checkpoint"));
    rmdir(dir);
}

int main(void)
{
    test_spec();
    test_check();
    test_firing();
    test_checkpoint();
    printf("%d checks passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
