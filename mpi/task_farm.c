#include "task_farm.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "tb_timer.h"

enum { TASK_PENDING, TASK_OUT, TASK_DONE };

struct tb_farm {
    MPI_Comm comm;
    int rank, size;
    int64_t ntasks;
    size_t result_bytes;
    tb_farm_combine_fn combine;
    void *acc;
    unsigned char *msg;    /* task id + result */
    /* master */
    unsigned char *state;  /* per task: TASK_PENDING, TASK_OUT or TASK_DONE */
    int64_t next;          /* tasks below it have been handed out */
    int64_t stops_sent;
    int64_t anomalies;
    /* worker */
    int open;              /* requests not answered yet */
    double comm_time, sync_time;
};

tb_farm *tb_farm_create(int64_t ntasks, size_t result_bytes, tb_farm_combine_fn combine)
{
    tb_farm *f = calloc(1, sizeof *f);
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm); /* collective: every rank calls create */
    if (!f) {
        MPI_Comm_free(&comm);
        return NULL;
    }
    f->comm = comm;
    MPI_Comm_rank(comm, &f->rank);
    MPI_Comm_size(comm, &f->size);
    f->ntasks = ntasks;
    f->result_bytes = result_bytes;
    f->combine = combine;
    f->msg = malloc(sizeof(int64_t) + result_bytes);
    if (f->rank == 0) f->state = malloc((size_t)ntasks > 0 ? (size_t)ntasks : 1);
    if (!f->msg || (f->rank == 0 && !f->state)) {
        tb_farm_free(f);
        return NULL;
    }
    return f;
}

void tb_farm_free(tb_farm *f)
{
    if (!f) return;
    MPI_Comm_free(&f->comm);
    free(f->msg);
    free(f->state);
    free(f);
}

void tb_farm_begin(tb_farm *f, void *acc)
{
    f->acc = acc;
    f->comm_time = f->sync_time = 0.0;
    if (f->rank == 0) {
        memset(f->state, TASK_PENDING, (size_t)f->ntasks);
        f->next = 0;
        f->stops_sent = 0;
        f->anomalies = 0;
        return;
    }
    double t0 = tb_now();
    for (f->open = 0; f->open < TB_FARM_DEPTH; f->open++)
        MPI_Send(NULL, 0, MPI_BYTE, 0, TB_FARM_TAG_REQUEST, f->comm);
    f->comm_time += tb_now() - t0;
}

int64_t tb_farm_take(tb_farm *f)
{
    if (f->next >= f->ntasks) return TB_FARM_STOP;
    f->state[f->next] = TASK_OUT;
    return f->next++;
}

/* Master: the message in f->msg came from `source` with `tag`; answer it. */
static void handle(tb_farm *f, int source, int tag)
{
    if (tag == TB_FARM_TAG_RESULT) {
        int64_t task;
        memcpy(&task, f->msg, sizeof task);
        if (task < 0 || task >= f->ntasks || f->state[task] != TASK_OUT) {
            f->anomalies++;
        } else {
            f->state[task] = TASK_DONE;
            f->combine(f->acc, f->msg + sizeof task);
        }
    }
    int64_t reply = tb_farm_take(f);
    if (reply == TB_FARM_STOP) f->stops_sent++;
    MPI_Send(&reply, 1, MPI_INT64_T, source, TB_FARM_TAG_TASK, f->comm);
}

static void receive_and_handle(tb_farm *f, int source)
{
    MPI_Status st;
    MPI_Recv(f->msg, (int)(sizeof(int64_t) + f->result_bytes), MPI_BYTE, source, MPI_ANY_TAG,
             f->comm, &st);
    handle(f, st.MPI_SOURCE, st.MPI_TAG);
}

void tb_farm_service(tb_farm *f)
{
    double t0 = tb_now();
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, f->comm, &flag, &st);
        if (!flag) break;
        receive_and_handle(f, st.MPI_SOURCE);
    }
    f->comm_time += tb_now() - t0;
}

int64_t tb_farm_next(tb_farm *f)
{
    /* Once a stop has come, the open requests left can only bring stops
     * (the pool never grows), but they are received all the same so that
     * nothing is left in flight. */
    double t0 = tb_now();
    int64_t task = TB_FARM_STOP;
    while (f->open > 0 && task == TB_FARM_STOP) {
        MPI_Recv(&task, 1, MPI_INT64_T, 0, TB_FARM_TAG_TASK, f->comm, MPI_STATUS_IGNORE);
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
    f->comm_time += tb_now() - t0;
}

void tb_farm_end(tb_farm *f)
{
    /* A worker has normally drained its requests in tb_farm_next already. */
    while (f->rank != 0 && tb_farm_next(f) != TB_FARM_STOP) f->anomalies++; /* never run */
    double t0 = tb_now();
    if (f->rank == 0) {
        const int64_t stops = (int64_t)TB_FARM_DEPTH * (f->size - 1);
        while (f->stops_sent < stops) receive_and_handle(f, MPI_ANY_SOURCE);
    }
    MPI_Bcast(f->acc, (int)f->result_bytes, MPI_BYTE, 0, f->comm);
    f->sync_time += tb_now() - t0;
}

double tb_farm_comm_time(const tb_farm *f) { return f->comm_time; }
double tb_farm_sync_time(const tb_farm *f) { return f->sync_time; }
int64_t tb_farm_anomalies(const tb_farm *f) { return f->anomalies; }
