#include "p2p.h"

#include "kernels/pingpong.h"
#include "tb_error.h"

/* Tags within MPI's guaranteed 32767: messages even, acknowledgements odd. */
static int data_tag(const tb_p2p *p, int m) { return 2 * (p->tag + m); }
static int ack_tag(const tb_p2p *p) { return 2 * p->tag + 1; }

tb_status tb_p2p_pair_create(tb_p2p_pair *pair)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *pair = (tb_p2p_pair){MPI_COMM_NULL, rank < 2, rank == 0, rank ^ 1};
    if (size < 2)
        return tb_error_set(TB_EINPUT, "pingpong needs at least 2 ranks: run with mpirun -n 2");
    MPI_Comm_dup(MPI_COMM_WORLD, &pair->comm);
    return TB_OK;
}

void tb_p2p_pair_free(tb_p2p_pair *pair)
{
    if (pair->comm != MPI_COMM_NULL) MPI_Comm_free(&pair->comm);
}

tb_status tb_p2p_init(tb_p2p *p, MPI_Comm comm, int peer, int first, int nmsg, int tag, int window,
                      unsigned char **send, unsigned char **recv, size_t bytes)
{
    *p = (tb_p2p){.comm = comm,
                  .peer = peer,
                  .first = first,
                  .nmsg = nmsg,
                  .tag = tag,
                  .window = window,
                  .send = send,
                  .recv = recv,
                  .bytes = bytes};
    const size_t count = (size_t)nmsg * (size_t)(window + 1);
    p->req = tb_arena_alloc(&p->mem, count, sizeof(MPI_Request));
    p->status = tb_arena_alloc(&p->mem, count, sizeof(MPI_Status));
    return tb_arena_check(&p->mem, "%zu MPI requests", count);
}

void tb_p2p_free(tb_p2p *p) { tb_arena_free(&p->mem); }

/* All nmsg messages of a trip, non-blocking. */
static void post(const tb_p2p *p, unsigned char **bufs, int sending, MPI_Request *req)
{
    for (int m = 0; m < p->nmsg; m++) {
        if (sending)
            MPI_Isend(bufs[m], (int)p->bytes, MPI_BYTE, p->peer, data_tag(p, m), p->comm, &req[m]);
        else
            MPI_Irecv(bufs[m], (int)p->bytes, MPI_BYTE, p->peer, data_tag(p, m), p->comm, &req[m]);
    }
}

/* Stamp the nmsg send buffers with round r; count the receive buffers
 * without it. */
static void stamp_all(const tb_p2p *p, uint64_t r)
{
    for (int m = 0; m < p->nmsg; m++) pingpong_stamp(p->send[m], p->bytes, r);
}

static int stale_all(const tb_p2p *p, uint64_t r)
{
    int stale = 0;
    for (int m = 0; m < p->nmsg; m++) stale += pingpong_stale(p->recv[m], p->bytes, r);
    return stale;
}

void tb_p2p_round_trips(tb_p2p *p, int64_t count)
{
    const int n = (int)p->bytes, tag = data_tag(p, 0);
    int stale = 0;
    for (int64_t k = 0; k < count; k++) {
        const uint64_t r = p->round + (uint64_t)k;
        if (p->first) stamp_all(p, r);
        if (p->nmsg == 1 && p->first) {
            MPI_Send(p->send[0], n, MPI_BYTE, p->peer, tag, p->comm);
            MPI_Recv(p->recv[0], n, MPI_BYTE, p->peer, tag, p->comm, MPI_STATUS_IGNORE);
        } else if (p->nmsg == 1) {
            MPI_Recv(p->recv[0], n, MPI_BYTE, p->peer, tag, p->comm, MPI_STATUS_IGNORE);
            stale += pingpong_stale(p->recv[0], p->bytes, r);
            MPI_Send(p->recv[0], n, MPI_BYTE, p->peer, tag, p->comm);
        } else if (p->first) {
            post(p, p->recv, 0, p->req);
            post(p, p->send, 1, p->req + p->nmsg);
            MPI_Waitall(2 * p->nmsg, p->req, p->status);
        } else {
            post(p, p->recv, 0, p->req);
            MPI_Waitall(p->nmsg, p->req, p->status);
            stale += stale_all(p, r);
            post(p, p->recv, 1, p->req);
            MPI_Waitall(p->nmsg, p->req, p->status);
        }
        if (p->first) stale += stale_all(p, r);
    }
    p->round += (uint64_t)count;
    p->stale += stale;
}

void tb_p2p_windows(tb_p2p *p, int64_t count)
{
    const int all = p->nmsg * p->window;
    char ack[4] = {0};
    int stale = 0;
    for (int64_t k = 0; k < count; k++) {
        const uint64_t r = p->round + (uint64_t)k;
        if (p->first) stamp_all(p, r);
        for (int w = 0; w < p->window; w++)
            post(p, p->first ? p->send : p->recv, p->first, p->req + w * p->nmsg);
        MPI_Waitall(all, p->req, p->status);
        if (p->first) {
            MPI_Recv(ack, 4, MPI_BYTE, p->peer, ack_tag(p), p->comm, MPI_STATUS_IGNORE);
        } else {
            stale += stale_all(p, r);
            MPI_Send(ack, 4, MPI_BYTE, p->peer, ack_tag(p), p->comm);
        }
    }
    p->round += (uint64_t)count;
    p->stale += stale;
}
