/* Halo: the stencil's halo exchange alone, no compute, so that the
 * stencil's communication can be costed by itself. An n x n grid in blocks,
 * each with `radius` ghost points on every side (the stencil's layout);
 * each model does what its own stencil does between sweeps:
 *   mpi     mpi/grid2d.c's decomposition and exchange, exactly the stencil's
 *           (north, south, west, east strips; no corners)
 *   hybrid  the same, by the master thread (MPI_THREAD_FUNNELED), then a
 *           team barrier, as in the hybrid stencil; inside a rank the
 *           threads' bands of rows read each other in place (nothing moves)
 *   omp     the omp stencil has no exchange: threads own bands of rows of
 *           one shared grid and, after a barrier, read their neighbours'
 *           rows in place; its halo is that barrier
 *   serial  one block, no neighbour: nothing moves (the floor)
 * The record says what was exchanged ("exchange": MPI messages and bytes
 * per exchange, the thread neighbours read in place).
 * Owned points hold a function of their global position, ghosts start at
 * -1. Every exchange is checked for freshness: before it, each block writes
 * the round's stamp into its first and last owned points (which every
 * neighbour's strip contains) and each thread the round's stamp into its
 * band's edge record; after it, each receiver compares the four stamped
 * ghost points (or its neighbour threads' edge records) with the round's
 * stamp. After the run the stamps are removed, one more exchange is made
 * and every ghost point that has a neighbour is checked. */
#ifndef TB_HALO_H
#define TB_HALO_H

#include <stdint.h>

#include "tb_kernel.h"

enum { HALO_P_N, HALO_P_RADIUS, HALO_P_TARGET };

extern const tb_kernel halo_kernel;

/* The blocks of an n x n grid over `blocks` PEs in a dims[0] x dims[1]
 * grid (as MPI_Dims_create chooses it: as square as possible, dims[0] >=
 * dims[1]); block b is at (b / dims[1], b % dims[1]). */
typedef struct halo_layout {
    int64_t n;
    int halo;
    int dims[2];
} halo_layout;

/* TB_EINPUT when a block would be thinner than the halo. */
tb_status halo_layout_init(halo_layout *L, int64_t n, int halo, int blocks, const char *pes);
void halo_block(const halo_layout *L, int b, int64_t *row0, int64_t *rows, int64_t *col0,
                int64_t *cols);
/* Doubles in block b's array, ghosts included; its row length. */
int64_t halo_points(const halo_layout *L, int b, int64_t *ld);

/* The star halo the whole grid receives per exchange, in bytes: 8 * 2R * n
 * * ((dims[0]-1) + (dims[1]-1)). */
double halo_bytes(int64_t n, int halo, const int dims[2]);

/* Block b of the layout, `origin` addressing each block's first owned
 * point: copy its four ghost strips from its neighbours' edges. */
void halo_pull(const halo_layout *L, double *const *origin, int b);

/* Fill a block (origin, ld, rows x cols owned, first owned point at global
 * (row0, col0)): owned points with their global function, ghosts -1. */
void halo_fill(double *origin, int64_t ld, int64_t rows, int64_t cols, int halo, int64_t row0,
               int64_t col0);

/* Check the ghost strips on the sides that have a neighbour (has[] =
 * north, south, west, east): adds the points checked and wrong to v[0]
 * (wrong) and v[1] (checked). */
void halo_check(const double *origin, int64_t ld, int64_t rows, int64_t cols, int halo,
                int64_t row0, int64_t col0, const int has[4], double v[2]);

/* TB_EINPUT when a band of rows of an n-row grid over `bands` threads
 * would be thinner than the halo (the omp stencil's decomposition). */
tb_status halo_bands_check(int64_t n, int halo, int bands, const char *pes);

/* A block as the stamps see it: its first owned point, row length, owned
 * size, global position of its first point, and which neighbours it has
 * (north, south, west, east). */
typedef struct halo_view {
    double *origin;
    int64_t ld, rows, cols, row0, col0;
    int has[4];
} halo_view;

/* Write round r's stamp into the block's first and last owned points. */
void halo_stamp(const halo_view *b, uint64_t r);
/* Put the two points back to their unstamped values. */
void halo_unstamp(const halo_view *b);
/* The neighbours whose round-r stamp is not in the block's ghosts. */
int halo_stale(const halo_view *b, uint64_t r);

/* A thread's band edge record, on a cache line of its own: the stamp of
 * round r goes in slot r % 2, so that a thread rewrites a slot only after
 * the barrier that follows its neighbours' reading of it. */
typedef struct halo_edge {
    double stamp[2];
    char pad[64 - 2 * sizeof(double)];
} __attribute__((aligned(64))) halo_edge;

static inline void halo_edge_stamp(halo_edge *e, int t, uint64_t r)
{
    e[t].stamp[r & 1] = (double)(r + 1);
}

/* Thread t's neighbour threads (t - 1, t + 1 of nthreads) whose round-r
 * stamp it does not see. */
static inline int halo_edge_stale(const halo_edge *e, int t, int nthreads, uint64_t r)
{
    const double want = (double)(r + 1);
    return (t > 0 && e[t - 1].stamp[r & 1] != want) +
           (t < nthreads - 1 && e[t + 1].stamp[r & 1] != want);
}

/* Record the checks, summed over ranks: v = {ghost points wrong, ghost
 * points checked (against `bytes` / 8), stale stamps, stamps checked
 * (against `stamps`)}; the bytes per exchange become the run's work
 * (collective). */
void halo_verify(tb_run *run, double v[4], double bytes, double stamps);

/* Say in the record what one exchange moved, over all PEs: MPI messages
 * and bytes, thread neighbours read in place, and how (HALO_HOW_*). */
enum { HALO_HOW_NONE, HALO_HOW_IN_PLACE, HALO_HOW_MPI, HALO_HOW_MPI_IN_PLACE };
void halo_set_exchange(tb_run *run, double messages, double bytes, double in_place, int how);

#endif
