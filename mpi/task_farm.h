/* A master-worker task farm: rank 0 (the master) hands out task ids
 * 0..ntasks-1 on demand, workers (every other rank) hand back one result per
 * task, and the master combines the results as they come in. Used by ep's
 * dynamic schedule in the mpi and hybrid executables.
 *
 * Protocol, on a private duplicate of MPI_COMM_WORLD so that no other
 * message can match:
 *   worker -> master  TB_FARM_TAG_REQUEST  (empty)      "give me a task"
 *   worker -> master  TB_FARM_TAG_RESULT   task id + result bytes: the
 *                                          result of a task, and a request
 *                                          for the next one
 *   master -> worker  TB_FARM_TAG_TASK     a task id, or TB_FARM_STOP
 * Every message to the master gets exactly one reply. A worker opens
 * TB_FARM_DEPTH requests at the start of a round, so one task waits for it
 * while it computes another (the master's answer never stalls it); each
 * request stays open through the tasks it brings until it is answered with
 * TB_FARM_STOP. The round ends when the master has sent DEPTH stops to every
 * worker: no message is left in flight. The master knows at every moment
 * which tasks are out and which are done (`state`).
 *
 * The master may work too (it does in ep): it takes tasks for itself with
 * tb_farm_take, hands in their results with tb_farm_complete, and calls
 * tb_farm_service between pieces of its own work to answer the workers.
 *
 * Fault tolerance (--ft, docs/failures.md). With TB_FT_NONE the farm is
 * plain MPI: blocking receives, so a lost process leaves the others waiting
 * forever unless the launcher ends the job. With TB_FT_DETECT or
 * TB_FT_REASSIGN nobody waits without a deadline:
 *  - every wait is a loop of non-blocking probes/tests with a deadline of
 *    --ft-timeout seconds of silence from the other side;
 *  - a worker computing a long task sends TB_FARM_TAG_HEARTBEAT (no reply)
 *    every timeout/4 (tb_farm_heartbeat between pieces of work), and the
 *    master sends a heartbeat task id to a worker it keeps waiting;
 *  - the master answers a request with TB_FARM_STOP only when every task
 *    is done (a task may still come back from a lost worker), and keeps
 *    the request open (deferred) until then;
 *  - a worker the master expects to hear from (it holds tasks, or owes its
 *    TB_FARM_TAG_END) that stays silent for the timeout is lost: DETECT
 *    stops the round (STOP to everyone, the answer incomplete); REASSIGN
 *    puts its tasks back in the pool for the others and the master;
 *    results that still come from it are ignored. Where the launcher keeps
 *    the job (mpirun --mca orte_enable_recovery 1) and the lost process is
 *    on the master's node, the master kills it (fencing), so that a hung
 *    process cannot keep the job from ending;
 *  - at the end of a round each worker sends TB_FARM_TAG_END; the master
 *    answers with TB_FARM_TAG_FINAL (the lost ranks and the combined
 *    result) instead of a broadcast, and the survivors move the process
 *    layer onto a communicator without the lost ones (tb_comm_exclude);
 *  - a worker whose master goes silent ends itself (the master cannot be
 *    replaced: --checkpoint and --resume are the remedy).
 * With ULFM (MPIX_ERR_PROC_FAILED defined), a failure that the library
 * reports is taken at once instead of after the timeout.
 *
 * Times: `comm` is time spent sending and receiving messages that are
 * there to be handled; `sync` is time spent blocked waiting for another
 * rank: a worker waiting for its next task id, the master waiting at the
 * end for the last results, and the final broadcast. Only the master thread
 * of a process calls the farm (MPI_THREAD_FUNNELED is enough). */
#ifndef TB_TASK_FARM_H
#define TB_TASK_FARM_H

#include <stddef.h>
#include <stdint.h>

#include "tb_fault.h"

#define TB_FARM_TAG_REQUEST   101
#define TB_FARM_TAG_RESULT    102
#define TB_FARM_TAG_TASK      103
#define TB_FARM_TAG_HEARTBEAT 104
#define TB_FARM_TAG_END       105
#define TB_FARM_TAG_FINAL     106
#define TB_FARM_STOP          (-1)
#define TB_FARM_HEARTBEAT     (-2) /* a task id that is only a sign of life */
#define TB_FARM_DEPTH         2

/* acc += part, for the master's running result. */
typedef void (*tb_farm_combine_fn)(void *acc, const void *part);

typedef struct tb_farm tb_farm;
struct tb_ckpt;

typedef struct tb_farm_ft {
    tb_ft_mode mode;      /* TB_FT_NONE: plain MPI */
    double timeout;       /* seconds of silence before a process is lost */
    tb_fault_log *log;    /* master: what it detected */
    struct tb_ckpt *ckpt; /* master: the checkpoint, or NULL */
} tb_farm_ft;

/* Collective. NULL on this rank when it could not allocate (agree with
 * tb_comm_worst before going on). ft may be NULL (plain MPI). */
tb_farm *tb_farm_create(int64_t ntasks, size_t result_bytes, tb_farm_combine_fn combine,
                        const tb_farm_ft *ft);
void tb_farm_free(tb_farm *f);

/* Start a round (collective): every task pending, except those a resumed
 * checkpoint has done, whose combined result acc starts from; results
 * combine into acc on the master. Zeroes the farm's times. */
void tb_farm_begin(tb_farm *f, void *acc);

/* Master: a pending task for the master itself, or TB_FARM_STOP. With
 * --ft it waits (answering the workers) while tasks are out with workers,
 * since one may come back from a lost worker. */
int64_t tb_farm_take(tb_farm *f);
/* Master: `part` is the result of its own task `task`. */
void tb_farm_complete(tb_farm *f, int64_t task, const void *part);
/* Master: answer every message already waiting; never blocks. */
void tb_farm_service(tb_farm *f);

/* Worker: the next task, or TB_FARM_STOP when the round is over for it. */
int64_t tb_farm_next(tb_farm *f);
/* Worker: hand in the result of `task` (it asks for the next task too). */
void tb_farm_return(tb_farm *f, int64_t task, const void *result);
/* Worker: between pieces of a task; with --ft, a sign of life now and then. */
void tb_farm_heartbeat(tb_farm *f);

/* End the round (collective over the survivors): the master answers until
 * every worker has stopped, then every rank gets the combined result in
 * acc. After a loss the process layer runs over the survivors
 * (tb_comm_rank/size change). */
void tb_farm_end(tb_farm *f);

/* Seconds spent since tb_farm_begin (see above). */
double tb_farm_comm_time(const tb_farm *f);
double tb_farm_sync_time(const tb_farm *f);

/* Master: tasks handed out more than once or results received for tasks
 * not out (0 in a correct run; a result from a lost worker is counted in
 * the fault log instead). */
int64_t tb_farm_anomalies(const tb_farm *f);
/* Processes lost so far (0 without --ft), the same on every survivor. */
int tb_farm_lost(const tb_farm *f);

#endif
