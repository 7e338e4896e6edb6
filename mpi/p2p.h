/* The messages of the ping-pong, shared by triobench-mpi and
 * triobench-hybrid: OSU's two loops between two ranks.
 *   round trips: osu_latency's blocking MPI_Send / MPI_Recv, the second
 *                rank echoing what it received;
 *   windows:     osu_bw's `window` MPI_Isend from one buffer into
 *                MPI_Irecv into one buffer, then a 4-byte acknowledgement.
 * A trip may carry several messages at once (nmsg > 1: the FUNNELED
 * master carries one per thread); they then go non-blocking. Streams on
 * one communicator differ by `tag` (the thread index under
 * MPI_THREAD_MULTIPLE): message m of a stream is tagged 2 * (tag + m), its
 * acknowledgement 2 * tag + 1.
 * Every message carries its round's stamp (kernels/pingpong.h): the first
 * rank stamps its send buffers before a round trip or a window, and every
 * receiver compares the stamp of what it received, counting in `stale`
 * the messages without it. The second rank echoes what it received.
 * MPI_Waitall gets a status array, as OSU's loops give it (reqstat): its
 * parameter is declared an array (MPI_Status array_of_statuses[]), and
 * MPICH's MPI_STATUSES_IGNORE, the address 1, is no storage for one (GCC's
 * -Wstringop-overflow says so). */
#ifndef TB_P2P_H
#define TB_P2P_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_arena.h"
#include "tb_status.h"

/* Who plays: ranks 0 and 1, on a communicator of their own; the other
 * ranks wait. TB_EINPUT (the same on every rank) with fewer than 2 ranks.
 * Collective. */
typedef struct tb_p2p_pair {
    MPI_Comm comm;
    int player, first, peer;
} tb_p2p_pair;
tb_status tb_p2p_pair_create(tb_p2p_pair *pair);
void tb_p2p_pair_free(tb_p2p_pair *pair);

typedef struct tb_p2p {
    MPI_Comm comm;
    int peer;
    int first; /* 1 on the rank that sends first */
    int nmsg, tag, window;
    unsigned char **send, **recv; /* [nmsg] */
    size_t bytes;
    MPI_Request *req;   /* nmsg * (window + 1) */
    MPI_Status *status; /* as many */
    tb_arena mem;       /* req and status */
    uint64_t round;     /* rounds (round trips or windows) so far */
    double stale;       /* messages received without their round's stamp */
} tb_p2p;

/* TB_ERUNTIME when this rank cannot allocate the requests. */
tb_status tb_p2p_init(tb_p2p *p, MPI_Comm comm, int peer, int first, int nmsg, int tag, int window,
                      unsigned char **send, unsigned char **recv, size_t bytes);
void tb_p2p_free(tb_p2p *p);

void tb_p2p_round_trips(tb_p2p *p, int64_t count);
void tb_p2p_windows(tb_p2p *p, int64_t count);

#endif
