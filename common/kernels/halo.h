/* Halo: the stencil's halo exchange alone, no compute, so that the
 * stencil's communication can be costed by itself. An n x n grid in 2-D
 * blocks, each with `radius` ghost points on every side (the stencil's
 * layout); one iteration fills every block's star halo (north, south, west,
 * east strips; no corners) from its neighbours.
 *   mpi     mpi/grid2d.c's decomposition and exchange, exactly the stencil's
 *   hybrid  the same, by the master thread (MPI_THREAD_FUNNELED) while the
 *           team waits at a barrier, as in the hybrid stencil
 *   omp     the shared-memory equivalent: one block per thread in the
 *           decomposition MPI would use for as many PEs (the same strips),
 *           each thread owning (first-touching) its block; an exchange is a
 *           barrier (neighbours' edges are final), each thread copying the
 *           four strips from its neighbours' blocks into its own ghosts, and
 *           a barrier (no edge changes while a neighbour still reads it)
 *   serial  one block, no neighbour: nothing moves (the floor)
 * The omp stencil itself has no halo (threads read their neighbours' rows
 * in place): what the omp halo costs is the copy a distributed layout adds.
 * Owned points hold a function of their global position, ghosts start at
 * -1; after the run every ghost point that has a neighbour is checked. */
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

/* Record the check (v summed over ranks, against `bytes` / 8 points) and
 * the bytes per exchange as the run's work (collective). */
void halo_verify(tb_run *run, double v[2], double bytes);

#endif
