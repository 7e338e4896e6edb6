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
 * which tasks are out and which are done (`state`), which is what a later
 * fault-tolerant master needs to hand out a lost worker's task again.
 *
 * The master may work too (it does in ep): it takes tasks for itself with
 * tb_farm_take and calls tb_farm_service between pieces of its own work to
 * answer the workers.
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

#define TB_FARM_TAG_REQUEST 101
#define TB_FARM_TAG_RESULT 102
#define TB_FARM_TAG_TASK 103
#define TB_FARM_STOP (-1)
#define TB_FARM_DEPTH 2

/* acc += part, for the master's running result. */
typedef void (*tb_farm_combine_fn)(void *acc, const void *part);

typedef struct tb_farm tb_farm;

/* Collective. NULL on this rank when it could not allocate (agree with
 * tb_comm_worst before going on). */
tb_farm *tb_farm_create(int64_t ntasks, size_t result_bytes, tb_farm_combine_fn combine);
void tb_farm_free(tb_farm *f);

/* Start a round (collective): every task pending; results combine into
 * acc on the master. Zeroes the farm's times. */
void tb_farm_begin(tb_farm *f, void *acc);

/* Master: a pending task for the master itself, or TB_FARM_STOP. */
int64_t tb_farm_take(tb_farm *f);
/* Master: answer every message already waiting; never blocks. */
void tb_farm_service(tb_farm *f);

/* Worker: the next task, or TB_FARM_STOP when the round is over for it. */
int64_t tb_farm_next(tb_farm *f);
/* Worker: hand in the result of `task` (it asks for the next task too). */
void tb_farm_return(tb_farm *f, int64_t task, const void *result);

/* End the round (collective): the master answers until every worker has
 * stopped, then acc is broadcast, so every rank holds the combined result. */
void tb_farm_end(tb_farm *f);

/* Seconds spent since tb_farm_begin (see above). */
double tb_farm_comm_time(const tb_farm *f);
double tb_farm_sync_time(const tb_farm *f);

/* Master: tasks handed out more than once or results received for tasks
 * not out (0 in a correct run; a check for the fault-tolerant variant). */
int64_t tb_farm_anomalies(const tb_farm *f);

#endif
