/* The 2-D star stencil: the block compute every backend calls.
 *
 * out(i,j) += sum_{k=1..R} w_k * (in(i,j+k) - in(i,j-k) + in(i+k,j) - in(i-k,j)),
 * w_k = 1/(2kR), over the interior points R <= i,j < n-R; then in += 1 on
 * every point. With in(i,j) = i + j initially, each sweep adds exactly 2 to
 * every interior point of out, whatever the decomposition: after S sweeps
 * every interior value is 2S (the Parallel Research Kernels' check, made
 * pointwise here by also checking the minimum and maximum). That check is
 * blind to the increment (a sweep adds 2 whatever constant in carries), so
 * in is checked too: every point, boundary included, must have gained
 * exactly S (the sum, minimum and maximum of in(i,j) - (i + j)).
 *
 * Blocks are row-major with leading dimension ld; a block pointer addresses
 * its first owned point, so halo points are at negative offsets. */
#ifndef TB_STENCIL_H
#define TB_STENCIL_H

#include <stdint.h>

#include "tb_kernel.h"
#include "tb_model.h"

#define STENCIL_MAX_RADIUS 8

enum { STENCIL_P_N, STENCIL_P_RADIUS };

extern const tb_kernel stencil_kernel;

/* w[k] for k = 1..radius (w[0] unused). */
void stencil_weights(int radius, double w[STENCIL_MAX_RADIUS + 1]);

/* in(i,j) = gi + i + gj + j, out = 0, for rows [0,rows) and cols [0,cols)
 * of a block whose first point is the global point (gi, gj). */
void stencil_init(double *in, double *out, int64_t ld, int64_t rows, int64_t cols, int64_t gi,
                  int64_t gj);

/* The sweep over local rows [i0,i1) and cols [j0,j1). */
void stencil_apply(const double *in, double *out, int64_t ld, int radius,
                   const double w[STENCIL_MAX_RADIUS + 1], int64_t i0, int64_t i1, int64_t j0,
                   int64_t j1);

/* in += 1 over local rows [i0,i1) and cols [j0,j1). */
void stencil_increment(double *in, int64_t ld, int64_t i0, int64_t i1, int64_t j0, int64_t j1);

/* Accumulate the sum, minimum and maximum of out over a region into acc
 * (acc = {sum, min, max}; start from stencil_acc_init). */
void stencil_acc_init(double acc[3]);
void stencil_accumulate(const double *out, int64_t ld, int64_t i0, int64_t i1, int64_t j0,
                        int64_t j1, double acc[3]);

/* The same of in(i,j) - (gi + i + gj + j), the increments each point of
 * in received, over a region of a block whose first point is the global
 * point (gi, gj). */
void stencil_accumulate_in(const double *in, int64_t ld, int64_t i0, int64_t i1, int64_t j0,
                           int64_t j1, int64_t gi, int64_t gj, double acc[3]);

/* into = the combination of into and from (sum, min, max). */
void stencil_acc_merge(double into[3], const double from[3]);

/* Combine the accumulations of out (interior points) and of in's
 * increments (every point) over all processes and record the verification
 * of a run of `sweeps` sweeps (collective). */
void stencil_verify(tb_run *run, double out_acc[3], double in_acc[3], int64_t sweeps);

/* The same from `nparts` parts (a team's threads), each STENCIL_PART
 * doubles: the out accumulation, then the in one. */
#define STENCIL_PART 6
void stencil_verify_parts(tb_run *run, const double *parts, int nparts, int64_t sweeps);

/* The interior of the global grid intersected with the global index range
 * [g0, g1), as local indexes [*l0, *l1) relative to g0 (possibly empty). */
void stencil_interior(int64_t n, int radius, int64_t g0, int64_t g1, int64_t *l0, int64_t *l1);

/* The block of `rank` in the dims[0] x dims[1] grid of an n x n grid
 * (mpi/grid2d.c's decomposition, ranks numbered row-major), global ranges. */
void stencil_block_of(int64_t n, const int dims[2], int rank, int64_t *row0, int64_t *row1,
                      int64_t *col0, int64_t *col1);

/* The messages `rank` sends in one mpi/grid2d.c exchange of a halo `halo`
 * wide, into s; returns the bytes its packing and unpacking move. */
double stencil_exchange_sends(int64_t n, int halo, const int dims[2], int rank, tb_model_sends *s);

#endif
