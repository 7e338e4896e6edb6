#include "task_farm.h"

#include <mpi.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h> /* ULFM's MPIX_ functions, when the library has them */
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "comm_ft.h"
#include "tb_backend.h"
#include "tb_build.h"
#include "tb_checkpoint.h"
#include "tb_error.h"
#include "tb_timer.h"

#if defined(MPIX_ERR_PROC_FAILED)
#define TB_HAVE_ULFM 1
#else
#define TB_HAVE_ULFM 0
#endif

enum { TASK_PENDING, TASK_OUT, TASK_DONE };

/* The master's view of one worker (--ft). */
typedef struct peer {
    double heard, told; /* last message from it, to it */
    int lost;
    int deferred; /* its requests the master has not answered yet */
    int stops;    /* TB_FARM_STOP sent to it this round */
    int ended;    /* its TB_FARM_TAG_END came this round */
    int nout;
    int64_t out[TB_FARM_DEPTH]; /* its tasks not done */
    long pid;
    unsigned long long start; /* process start time (/proc), to fence the right process */
    char host[64];
} peer;

/* What each process tells the master at creation, for fencing. */
typedef struct whoami {
    long pid;
    unsigned long long start;
    char host[64];
} whoami;

struct tb_farm {
    MPI_Comm comm;
    int rank, size;
    int64_t ntasks;
    size_t result_bytes;
    tb_farm_combine_fn combine;
    void *acc;
    unsigned char *msg; /* task id + result; FINAL: lost ranks + result */
    tb_farm_ft ft;      /* mode TB_FT_NONE: plain MPI */
    /* master */
    unsigned char *state; /* per task: TASK_PENDING, TASK_OUT or TASK_DONE */
    int64_t next;         /* tasks below it have been handed out (or were done) */
    int64_t *requeue;     /* tasks of lost workers, pending again */
    int nrequeue;
    int64_t ndone;
    int64_t stops_sent;
    int64_t anomalies;
    double last_done_at;
    int stopping; /* --ft detect after a loss: every answer is a stop */
    peer *peers;
    /* every survivor */
    int *lost; /* world ranks lost so far */
    int nlost, nexcluded;
    /* worker */
    int open; /* requests not answered yet */
    double heard_master, told_master;
    double comm_time, sync_time;
};

static int ft_on(const tb_farm *f) { return f->ft.mode != TB_FT_NONE; }

/* ------------------------------------------------------------------ set-up */

static unsigned long long proc_start(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command may contain spaces */
    unsigned long long start = 0;
    /* fields after ')' start at 3 (state); starttime is field 22 */
    for (int field = 3; p && field <= 22; field++) {
        p = strchr(p + 1, ' ');
        if (p && field == 22) start = strtoull(p + 1, NULL, 10);
    }
    return start;
}

tb_farm *tb_farm_create(int64_t ntasks, size_t result_bytes, tb_farm_combine_fn combine,
                        const tb_farm_ft *ft)
{
    tb_farm *f = calloc(1, sizeof *f);
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm); /* collective: every rank calls create */
    int size = 1, rank = 0;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    const int fault_tolerant = ft && ft->mode != TB_FT_NONE;
    if (tb_simulated() && !fault_tolerant) {
        /* SimGrid's MPICH selector sets up its two-level (SMP) algorithms at
         * the first MPI_Bcast on a communicator, with a ring allgather over
         * all ranks (simulated time as well): here, untimed, rather than in
         * tb_farm_end's broadcast of the result, inside the timed pass. */
        char byte = 0;
        MPI_Bcast(&byte, 1, MPI_BYTE, 0, comm);
    }
    whoami me, *all = NULL;
    if (fault_tolerant) { /* collective too, so before any check that may fail */
        memset(&me, 0, sizeof me);
        me.pid = (long)getpid();
        me.start = proc_start(me.pid);
        gethostname(me.host, sizeof me.host - 1);
        all = rank == 0 ? calloc((size_t)size, sizeof *all) : NULL;
        MPI_Gather(&me, (int)sizeof me, MPI_BYTE, all, (int)sizeof me, MPI_BYTE, 0, comm);
        /* Errors are answers here: a send to a dead process must not end the job. */
        MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    }
    if (!f) {
        MPI_Comm_free(&comm);
        free(all);
        return NULL;
    }
    f->comm = comm;
    f->rank = rank;
    f->size = size;
    f->ntasks = ntasks;
    f->result_bytes = result_bytes;
    f->combine = combine;
    if (ft) f->ft = *ft;
    size_t msg_bytes = sizeof(int64_t) + result_bytes;
    if (fault_tolerant && sizeof(int) * (size_t)(size + 1) + result_bytes > msg_bytes)
        msg_bytes = sizeof(int) * (size_t)(size + 1) + result_bytes;
    f->msg = malloc(msg_bytes);
    f->lost = fault_tolerant ? calloc((size_t)size, sizeof *f->lost) : NULL;
    if (rank == 0) {
        f->state = malloc((size_t)ntasks > 0 ? (size_t)ntasks : 1);
        if (fault_tolerant) {
            f->peers = calloc((size_t)size, sizeof *f->peers);
            f->requeue = malloc(sizeof *f->requeue * (size_t)size * TB_FARM_DEPTH);
        }
    }
    if (!f->msg || (fault_tolerant && !f->lost) ||
        (rank == 0 && (!f->state || (fault_tolerant && (!f->peers || !f->requeue || !all))))) {
        free(all);
        tb_farm_free(f);
        return NULL;
    }
    if (f->peers)
        for (int r = 0; r < size; r++) {
            f->peers[r].pid = all[r].pid;
            f->peers[r].start = all[r].start;
            memcpy(f->peers[r].host, all[r].host, sizeof f->peers[r].host);
        }
    free(all);
    if (rank == 0 && f->ft.log && fault_tolerant)
        f->ft.log->launcher_keeps_job = tb_comm_launcher_keeps_job();
    return f;
}

void tb_farm_free(tb_farm *f)
{
    if (!f) return;
    MPI_Comm_free(&f->comm);
    free(f->msg);
    free(f->state);
    free(f->peers);
    free(f->requeue);
    free(f->lost);
    free(f);
}

void tb_farm_begin(tb_farm *f, void *acc)
{
    f->acc = acc;
    f->comm_time = f->sync_time = 0.0;
    double now = tb_now();
    if (f->rank == 0) {
        memset(f->state, TASK_PENDING, (size_t)f->ntasks);
        f->next = 0;
        f->ndone = 0;
        f->nrequeue = 0;
        f->stops_sent = 0;
        f->anomalies = 0;
        /* --ft detect ends the computation at the first loss: later rounds stop at once. */
        f->stopping = f->ft.mode == TB_FT_DETECT && f->nlost > 0;
        f->last_done_at = -1.0;
        for (int64_t t = 0; t < f->ntasks; t++)
            if (tb_ckpt_was_done(f->ft.ckpt, t)) {
                f->state[t] = TASK_DONE;
                f->ndone++;
            }
        tb_ckpt_load_result(f->ft.ckpt, acc);
        if (f->peers)
            for (int r = 1; r < f->size; r++) {
                peer *p = &f->peers[r];
                p->heard = p->told = now;
                p->deferred = p->stops = p->ended = p->nout = 0;
            }
        return;
    }
    double t0 = tb_now();
    f->heard_master = f->told_master = now;
    for (f->open = 0; f->open < TB_FARM_DEPTH; f->open++)
        MPI_Send(NULL, 0, MPI_BYTE, 0, TB_FARM_TAG_REQUEST, f->comm);
    f->comm_time += tb_now() - t0;
}

/* ------------------------------------------------------------------ master */

/* A pending task (a lost worker's first), marked out; or TB_FARM_STOP. */
static int64_t take_pending(tb_farm *f)
{
    int64_t task = TB_FARM_STOP;
    if (f->nrequeue > 0) {
        task = f->requeue[--f->nrequeue];
    } else {
        while (f->next < f->ntasks && f->state[f->next] == TASK_DONE) f->next++;
        if (f->next < f->ntasks) task = f->next++;
    }
    if (task != TB_FARM_STOP) f->state[task] = TASK_OUT;
    return task;
}

static void send_task(tb_farm *f, int w, int64_t reply)
{
    MPI_Send(&reply, 1, MPI_INT64_T, w, TB_FARM_TAG_TASK, f->comm);
    if (f->peers) f->peers[w].told = tb_now();
}

/* The answer to one request of worker w. */
static void answer(tb_farm *f, int w)
{
    if (!ft_on(f)) {
        int64_t reply = take_pending(f);
        if (reply == TB_FARM_STOP) f->stops_sent++;
        send_task(f, w, reply);
        return;
    }
    peer *p = &f->peers[w];
    int64_t task = f->stopping ? TB_FARM_STOP : take_pending(f);
    if (task != TB_FARM_STOP) {
        p->out[p->nout++] = task;
    } else if (!f->stopping && f->ndone < f->ntasks) {
        p->deferred++; /* tasks are still out: one may come back */
        return;
    } else {
        p->stops++;
    }
    p->heard = tb_now(); /* it has work (or its END) to come: the clock starts now */
    send_task(f, w, task);
}

/* Answer the requests kept open, as far as possible now. */
static void flush_deferred(tb_farm *f)
{
    for (int w = 1; w < f->size; w++) {
        peer *p = &f->peers[w];
        int n = p->deferred;
        p->deferred = 0;
        for (int i = 0; i < n && !p->lost; i++) answer(f, w);
    }
}

static void task_done(tb_farm *f, int64_t task, const void *part)
{
    f->state[task] = TASK_DONE;
    f->ndone++;
    f->combine(f->acc, part);
    tb_ckpt_task_done(f->ft.ckpt, task, f->acc);
    f->last_done_at = tb_fault_elapsed();
    if (ft_on(f) && f->ndone == f->ntasks) flush_deferred(f); /* the stops */
}

/* Kill a lost process where that is safe and useful: the launcher keeps
 * the job (so the death does not end it), the process is on this node and
 * still the one that started (/proc start time). */
static int fence(tb_farm *f, int w)
{
    const peer *p = &f->peers[w];
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    if (!tb_comm_launcher_keeps_job() || strcmp(host, p->host) != 0 || p->pid <= 0) return 0;
    if (p->start == 0 || proc_start(p->pid) != p->start) return 0; /* gone already */
    return kill((pid_t)p->pid, SIGKILL) == 0;
}

static void lose(tb_farm *f, int w, double silent)
{
    peer *p = &f->peers[w];
    p->lost = 1;
    f->lost[f->nlost++] = w;
    int fenced = fence(f, w);
    if (f->ft.log) tb_fault_note_loss(f->ft.log, w, silent, p->nout, fenced);
    for (int i = 0; i < p->nout; i++) {
        if (f->ft.mode == TB_FT_REASSIGN) {
            f->state[p->out[i]] = TASK_PENDING;
            f->requeue[f->nrequeue++] = p->out[i];
            if (f->ft.log) f->ft.log->reassigned++;
        }
    }
    p->nout = p->deferred = 0;
    if (f->ft.mode == TB_FT_DETECT) f->stopping = 1;
    flush_deferred(f);
}

/* The message in f->msg came from `source` with `tag`; handle it. */
static void handle(tb_farm *f, int source, int tag)
{
    peer *p = f->peers ? &f->peers[source] : NULL;
    if (p) {
        if (p->lost) { /* declared lost, then heard from: too late */
            if (tag == TB_FARM_TAG_RESULT && f->ft.log) f->ft.log->late_results++;
            return;
        }
        p->heard = tb_now();
        if (tag == TB_FARM_TAG_HEARTBEAT) return;
        if (tag == TB_FARM_TAG_END) {
            p->ended = 1;
            return;
        }
    }
    if (tag == TB_FARM_TAG_RESULT) {
        int64_t task;
        memcpy(&task, f->msg, sizeof task);
        int owned = !p;
        for (int i = 0; p && i < p->nout; i++)
            if (p->out[i] == task) {
                p->out[i] = p->out[--p->nout];
                owned = 1;
                break;
            }
        if (task < 0 || task >= f->ntasks || f->state[task] != TASK_OUT || !owned)
            f->anomalies++;
        else
            task_done(f, task, f->msg + sizeof task);
    }
    answer(f, source);
}

static void receive_and_handle(tb_farm *f, int source)
{
    MPI_Status st;
    MPI_Recv(f->msg, (int)(sizeof(int64_t) + f->result_bytes), MPI_BYTE, source, MPI_ANY_TAG,
             f->comm, &st);
    handle(f, st.MPI_SOURCE, st.MPI_TAG);
}

#if TB_HAVE_ULFM
/* The library reports failed processes: lose each one not lost yet. */
static void ulfm_failures(tb_farm *f)
{
    MPI_Group failed, mine;
    int n = 0;
    MPIX_Comm_failure_ack(f->comm);
    MPIX_Comm_failure_get_acked(f->comm, &failed);
    MPI_Group_size(failed, &n);
    MPI_Comm_group(f->comm, &mine);
    for (int i = 0; i < n; i++) {
        int r = -1;
        MPI_Group_translate_ranks(failed, 1, &i, mine, &r);
        if (r > 0 && !f->peers[r].lost) lose(f, r, tb_now() - f->peers[r].heard);
    }
    MPI_Group_free(&failed);
    MPI_Group_free(&mine);
}
#endif

/* Master, --ft: handle one message if there is one (returns 1); otherwise
 * enforce the deadlines and keep waiting workers informed (returns 0). */
static int master_poll(tb_farm *f)
{
    int flag = 0;
    MPI_Status st;
    int rc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, f->comm, &flag, &st);
#if TB_HAVE_ULFM
    if (rc != MPI_SUCCESS) {
        ulfm_failures(f);
        return 1;
    }
#else
    (void)rc;
#endif
    if (flag) {
        receive_and_handle(f, st.MPI_SOURCE);
        return 1;
    }
    double now = tb_now();
    for (int w = 1; w < f->size; w++) {
        peer *p = &f->peers[w];
        if (p->lost) continue;
        int waiting_on_master =
            p->ended || (p->stops < TB_FARM_DEPTH && p->deferred == TB_FARM_DEPTH - p->stops);
        if (!waiting_on_master && now - p->heard > f->ft.timeout) {
            lose(f, w, now - p->heard);
        } else if (waiting_on_master && now - p->told > f->ft.timeout / 4) {
            send_task(f, w, TB_FARM_HEARTBEAT);
        }
    }
    return 0;
}

/* A short pause between polls: waiting for a message should not take a
 * core from a rank that computes. */
static void pause_briefly(int idle_polls)
{
    struct timespec ts = {0, idle_polls < 100 ? 20000 : 200000};
    nanosleep(&ts, NULL);
}

int64_t tb_farm_take(tb_farm *f)
{
    if (!ft_on(f)) return take_pending(f);
    double t0 = tb_now();
    int64_t task;
    int idle = 0;
    while ((task = f->stopping ? TB_FARM_STOP : take_pending(f)) == TB_FARM_STOP && !f->stopping &&
           f->ndone < f->ntasks) {
        if (master_poll(f))
            idle = 0;
        else
            pause_briefly(idle++);
    }
    f->sync_time += tb_now() - t0;
    return task;
}

void tb_farm_complete(tb_farm *f, int64_t task, const void *part)
{
    if (task < 0 || task >= f->ntasks || f->state[task] != TASK_OUT) {
        f->anomalies++;
        return;
    }
    task_done(f, task, part);
}

void tb_farm_service(tb_farm *f)
{
    double t0 = tb_now();
    if (ft_on(f)) {
        while (master_poll(f)) {
        }
    } else {
        for (;;) {
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, f->comm, &flag, &st);
            if (!flag) break;
            receive_and_handle(f, st.MPI_SOURCE);
        }
    }
    f->comm_time += tb_now() - t0;
}

/* ------------------------------------------------------------------ worker */

/* Worker, --ft: the master has been silent for the timeout. It cannot be
 * replaced: say so (one worker speaks) and end this process. */
static void master_lost(tb_farm *f)
{
    if (f->rank == 1) {
        tb_error_set(TB_ERUNTIME,
                     "the master (rank 0) is lost: no message for %g s (--ft-timeout); "
                     "a master-worker run cannot replace its master: rerun with "
                     "--checkpoint FILE and --resume",
                     f->ft.timeout);
        tb_error_print(tb_this_backend.program, tb_error_message());
    }
    tb_comm_leave(TB_ERUNTIME);
}

/* Worker, --ft: receive from the master with a deadline; heartbeats
 * (TB_FARM_HEARTBEAT on TB_FARM_TAG_TASK) only reset the clock. */
static void receive_from_master(tb_farm *f, void *buf, int bytes, int tag, MPI_Status *st)
{
    f->heard_master = tb_now(); /* the master's silence counts while this process waits */
    for (;;) {
        MPI_Request req;
        MPI_Irecv(buf, bytes, MPI_BYTE, 0, tag, f->comm, &req);
        int done = 0, idle = 0;
        for (;;) {
            MPI_Test(&req, &done, st);
            if (done) break;
            if (tb_now() - f->heard_master > f->ft.timeout) {
                MPI_Cancel(&req);
                master_lost(f);
            }
            pause_briefly(idle++);
        }
        f->heard_master = tb_now();
        int64_t id;
        if (st->MPI_TAG != TB_FARM_TAG_TASK) return;
        memcpy(&id, buf, sizeof id);
        if (id != TB_FARM_HEARTBEAT) return;
    }
}

int64_t tb_farm_next(tb_farm *f)
{
    /* Once a stop has come, the open requests left can only bring stops
     * (the pool never grows), but they are received all the same so that
     * nothing is left in flight. */
    double t0 = tb_now();
    int64_t task = TB_FARM_STOP;
    while (f->open > 0 && task == TB_FARM_STOP) {
        if (ft_on(f)) {
            MPI_Status st;
            receive_from_master(f, &task, (int)sizeof task, TB_FARM_TAG_TASK, &st);
        } else {
            MPI_Recv(&task, 1, MPI_INT64_T, 0, TB_FARM_TAG_TASK, f->comm, MPI_STATUS_IGNORE);
        }
        f->open--;
    }
    f->sync_time += tb_now() - t0;
    return task;
}

void tb_farm_return(tb_farm *f, int64_t task, const void *result)
{
    double t0 = tb_now();
    memcpy(f->msg, &task, sizeof task);
    memcpy(f->msg + sizeof task, result, f->result_bytes);
    MPI_Send(f->msg, (int)(sizeof task + f->result_bytes), MPI_BYTE, 0, TB_FARM_TAG_RESULT,
             f->comm);
    f->open++;
    f->told_master = tb_now();
    f->comm_time += f->told_master - t0;
}

void tb_farm_heartbeat(tb_farm *f)
{
    if (!ft_on(f) || f->rank == 0) return;
    double now = tb_now();
    if (now - f->told_master < f->ft.timeout / 4) return;
    MPI_Send(NULL, 0, MPI_BYTE, 0, TB_FARM_TAG_HEARTBEAT, f->comm);
    f->told_master = now;
    f->comm_time += tb_now() - now;
}

/* ------------------------------------------------------------------ the end */

/* --ft: the master waits for every live worker's END, then sends each the
 * lost ranks and the result; every survivor then leaves the lost out of
 * the process layer. */
static void end_fault_tolerant(tb_farm *f)
{
    int *count = (int *)f->msg, *ranks = count + 1;
    unsigned char *result = (unsigned char *)(ranks + f->size);
    const int bytes = (int)((size_t)(result - f->msg) + f->result_bytes);
    if (f->rank == 0) {
        int idle = 0;
        for (;;) {
            int all_ended = 1;
            for (int w = 1; w < f->size; w++)
                if (!f->peers[w].lost && !f->peers[w].ended) all_ended = 0;
            if (all_ended) break;
            if (master_poll(f))
                idle = 0;
            else
                pause_briefly(idle++);
        }
        if (f->ft.log && f->nlost > 0 && f->ndone == f->ntasks)
            f->ft.log->recovered_at = f->last_done_at;
        *count = f->nlost;
        memcpy(ranks, f->lost, sizeof(int) * (size_t)f->nlost);
        memcpy(result, f->acc, f->result_bytes);
        for (int w = 1; w < f->size; w++)
            if (!f->peers[w].lost) MPI_Send(f->msg, bytes, MPI_BYTE, w, TB_FARM_TAG_FINAL, f->comm);
    } else {
        MPI_Send(NULL, 0, MPI_BYTE, 0, TB_FARM_TAG_END, f->comm);
        MPI_Status st;
        receive_from_master(f, f->msg, bytes, MPI_ANY_TAG, &st);
        f->nlost = *count;
        memcpy(f->lost, ranks, sizeof(int) * (size_t)f->nlost);
        memcpy(f->acc, result, f->result_bytes);
    }
    if (f->nlost > f->nexcluded) {
        tb_status st = tb_comm_exclude(f->lost, f->nlost, f->ft.timeout);
        if (st != TB_OK) {
            tb_error_print(tb_this_backend.program, tb_error_message());
            tb_comm_leave(st);
        }
        f->nexcluded = f->nlost;
    }
}

void tb_farm_end(tb_farm *f)
{
    /* A worker has normally drained its requests in tb_farm_next already. */
    while (f->rank != 0 && tb_farm_next(f) != TB_FARM_STOP) f->anomalies++; /* never run */
    double t0 = tb_now();
    if (ft_on(f)) {
        end_fault_tolerant(f);
    } else {
        if (f->rank == 0) {
            const int64_t stops = (int64_t)TB_FARM_DEPTH * (f->size - 1);
            while (f->stops_sent < stops) receive_and_handle(f, MPI_ANY_SOURCE);
        }
        MPI_Bcast(f->acc, (int)f->result_bytes, MPI_BYTE, 0, f->comm);
    }
    f->sync_time += tb_now() - t0;
}

double tb_farm_comm_time(const tb_farm *f) { return f->comm_time; }
double tb_farm_sync_time(const tb_farm *f) { return f->sync_time; }
int64_t tb_farm_anomalies(const tb_farm *f) { return f->anomalies; }
int tb_farm_lost(const tb_farm *f) { return f->nlost; }
