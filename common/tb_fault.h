/* Failures on purpose, and what a run did about them.
 *
 * An extension of the kernels whose work is a pool of tasks (ep owns it:
 * its descriptor's .ext = &tb_fault_extension). The options below are
 * declared in the extension's table, so the generic option parser, --help
 * and --list learn them from there; tb_fault_check checks them against the
 * launch. A driver reaches the run's options and log as tb_ft_of(run):
 *
 *   --inject-fault SPEC   FOR DEMONSTRATION AND TESTS ONLY: a process or a
 *                         thread fails on purpose once it has completed
 *                         K tasks (after=K, default 0):
 *       kill:rank=R,after=K   it sends itself SIGKILL (dies at once)
 *       hang:rank=R,after=K   it stops communicating but stays alive
 *       exit:rank=R,after=K   it exits with status 0 without MPI_Finalize
 *       kill:thread=T,after=K OpenMP thread T does it (hybrid: with rank=R);
 *                             a signal ends the whole process, whichever
 *                             thread raises it
 *   --ft none|detect|reassign  what a master-worker run does about a lost
 *                         process: nothing (plain MPI), end with a clear
 *                         message, or hand its tasks to the others
 *   --ft-timeout S        seconds of silence after which a process is lost
 *   --checkpoint FILE     save the completed tasks to FILE at intervals
 *   --checkpoint-interval S   seconds between saves (0: after every task)
 *   --resume              start from FILE's saved tasks
 *
 * The log (tb_fault_log) is what the run observed; common/tb_report.c
 * writes it as the record's "fault" object. Times are seconds from the
 * start of the run (tb_fault_begin, just before the kernel's driver). */
#ifndef TB_FAULT_H
#define TB_FAULT_H

#include <stdint.h>
#include <stdio.h>

#include "tb_json.h"
#include "tb_kernel.h"
#include "tb_status.h"

typedef enum tb_fault_kind {
    TB_FAULT_NONE,
    TB_FAULT_KILL,
    TB_FAULT_HANG,
    TB_FAULT_EXIT
} tb_fault_kind;
typedef enum tb_ft_mode { TB_FT_NONE, TB_FT_DETECT, TB_FT_REASSIGN } tb_ft_mode;

#define TB_FT_DEFAULT_TIMEOUT    2.0
#define TB_CKPT_DEFAULT_INTERVAL 1.0
#define TB_FAULT_MAX_LOST        32
/* A hung process ends by itself after this many seconds, so that a
 * forgotten demonstration never leaves one behind. */
#define TB_FAULT_HANG_LIMIT 600

typedef struct tb_fault_opts {
    tb_fault_kind kind;
    int rank, thread; /* -1: not given */
    int64_t after;    /* tasks completed before the fault */
    char spec[80];    /* --inject-fault as given */
    tb_ft_mode ft;
    double timeout; /* --ft-timeout */
    int timeout_set;
    const char *checkpoint; /* --checkpoint FILE, NULL when none */
    double interval;        /* --checkpoint-interval */
    int interval_set;
    int resume;
} tb_fault_opts;

typedef struct tb_fault_loss {
    int rank;          /* MPI_COMM_WORLD rank */
    double at;         /* when it was declared lost */
    double silent;     /* seconds without a message by then */
    int64_t tasks_out; /* its tasks not done */
    int fenced;        /* the master killed it (it may have been alive) */
} tb_fault_loss;

typedef struct tb_fault_log {
    int nlost;
    tb_fault_loss lost[TB_FAULT_MAX_LOST];
    int master_lost;        /* a worker saw the master go silent */
    int launcher_keeps_job; /* -1 unknown (no MPI), 0 or 1 */
    int ranks_started;
    int64_t tasks_total;
    int64_t reassigned;      /* tasks handed out again */
    int64_t late_results;    /* results from a process already declared lost, ignored */
    int64_t from_checkpoint; /* tasks loaded from --checkpoint, not computed */
    int64_t checkpoint_saves;
    double recovered_at; /* the last reassigned task done; < 0: none */
    double finished_at;  /* the driver's computation ended */
    int fired;           /* the injected fault happened (rank 0's view, tb_fault_end) */
} tb_fault_log;

/* The extension's state for one run: the options and what the run saw. */
typedef struct tb_ft {
    tb_fault_opts opts;
    tb_fault_log log;
} tb_ft;

/* The extension (options --inject-fault, --ft, --ft-timeout, --checkpoint,
 * --checkpoint-interval, --resume) a task-farm kernel names in its
 * descriptor. */
extern const tb_extension tb_fault_extension;

/* The fault state of a run of a kernel that owns the extension. */
static inline tb_ft *tb_ft_of(const tb_run *run) { return (tb_ft *)run->ext; }

void tb_fault_opts_init(tb_fault_opts *o);

/* Parse --inject-fault and --ft; TB_EINPUT with the message set. */
tb_status tb_fault_parse_spec(const char *text, tb_fault_opts *o);
tb_status tb_fault_parse_mode(const char *text, tb_fault_opts *o);

/* Any of the options given (the record then carries a "fault" object). */
int tb_fault_active(const tb_fault_opts *o);

/* The checks that need the launch: the rank and thread exist, the model
 * can do what --ft asks, --checkpoint and --resume go together.
 * Deterministic: every rank reaches the same verdict. (A kernel without a
 * pool of tasks never gets here: the option parser refuses the options.) */
tb_status tb_fault_check(const tb_fault_opts *o, const tb_launch *launch);

/* Start the run's clock and clear the log. */
void tb_fault_begin(tb_fault_log *log, int nranks);
/* Seconds since tb_fault_begin. */
double tb_fault_elapsed(void);

/* A driver calls this when (rank, thread) is about to start a task, having
 * completed `done` tasks (as the spec counts them: the thread's, or the
 * rank's in a team that shares each task). When the spec names this rank
 * (and this thread, or names none: then the first thread of the rank to
 * get here) and done >= after, the fault happens here, once per process:
 * a line on stderr says what and when (seconds into the run, and since
 * the epoch), then the process dies, hangs or exits. No-op otherwise. */
void tb_fault_point(const tb_fault_opts *o, int rank, int thread, int64_t done);

/* After the driver: the end time, and whether the fault fired. */
void tb_fault_end(tb_fault_log *log);

/* Record a lost process (the master's view). */
void tb_fault_note_loss(tb_fault_log *log, int rank, double silent, int64_t tasks_out, int fenced);

/* "completed", "detected", "recovered", "resumed" or "not fired". */
const char *tb_fault_outcome(const tb_fault_opts *o, const tb_fault_log *log, int validated);

/* The record's "fault" object (key included). */
void tb_fault_json(tb_json *j, const tb_fault_opts *o, const tb_fault_log *log, int validated);

/* One human line, "fault: ...", for the line after the result. */
void tb_fault_print(FILE *out, const tb_fault_opts *o, const tb_fault_log *log, int validated);

/* The error of a run whose injected fault never fired: TB_EINPUT when it
 * could not (after=K at or above the tasks to compute), TB_ERUNTIME when
 * the schedule gave the named process or thread too few tasks. A fault
 * that did not fire is never reported as injected. */
tb_status tb_fault_not_fired(const tb_fault_opts *o, const tb_fault_log *log);

/* The error of a run that lost a process and did not recover: names the
 * lost process(es); TB_ERUNTIME with the message set. */
tb_status tb_fault_error(const tb_fault_opts *o, const tb_fault_log *log);

#endif
