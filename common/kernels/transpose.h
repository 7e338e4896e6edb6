/* transpose: B += A^T; A += 1 on n x n matrices (the Parallel Research
 * Kernels' transpose), row-major.
 *
 * A(i,j) = i*n + j and B = 0 initially, so after K iterations
 *     B(i,j) = K * (j*n + i) + K*(K-1)/2
 * exactly (integers below 2^53), whatever the decomposition: the check is
 * pointwise. Bytes counted: 2 x 8 x n^2 per iteration (A read, B written,
 * as PRK counts them; the compulsory traffic is twice that, since A is also
 * written and B also read).
 *
 * The block compute: dst(i,j) (+)= src(j,i), src(j,i) += 1, over square
 * tiles of --tile rows and columns (cache blocking), each tile done in 4x4
 * register blocks (four row loads, an in-register transpose, four row
 * stores). Work is split between threads or ranks by bands of destination
 * rows: transpose_band() gives band `part` of `parts`. */
#ifndef TB_TRANSPOSE_H
#define TB_TRANSPOSE_H

#include <stdint.h>

#include "tb_kernel.h"

enum { TRANSPOSE_P_N, TRANSPOSE_P_TILE };

extern const tb_kernel transpose_kernel;

/* A(i,j) = (gi+i)*n + gj+j and B = 0 over a rows x cols block with leading
 * dimension ld whose first point is the global point (gi, gj). */
void transpose_init(double *a, double *b, int64_t ld, int64_t rows, int64_t cols, int64_t n,
                    int64_t gi, int64_t gj);

/* Band `part` of `parts` of [0, rows): whole 4-row register blocks. */
void transpose_band(int64_t rows, int part, int parts, int64_t *begin, int64_t *end);

/* For destination rows [i0, i1) and all columns [0, cols):
 *   dst(i,j) += src(j,i) (accumulate) or dst(i,j) = src(j,i) (pack), then
 *   src(j,i) += 1.
 * dst is rows x cols (ldd), src is cols x rows (lds); tile >= 1 (larger than
 * the block: one tile). */
void transpose_block(double *src, int64_t lds, double *dst, int64_t ldd, int64_t i0, int64_t i1,
                     int64_t cols, int64_t tile, int accumulate);

/* dst += src over rows [i0, i1) and columns [0, cols). */
void transpose_add(double *dst, int64_t ldd, const double *src, int64_t lds, int64_t i0, int64_t i1,
                   int64_t cols);

/* Check rows [i0, i1) x columns [0, cols) of a block of B whose first point
 * is the global (gi, gj) after `iterations` iterations, adding to
 * acc = {sum of B, largest |B - exact|} (start from {0, 0}). */
void transpose_accumulate(const double *b, int64_t ld, int64_t i0, int64_t i1, int64_t cols,
                          int64_t gi, int64_t gj, int64_t n, int64_t iterations, double acc[2]);
void transpose_acc_merge(double into[2], const double from[2]);

/* Combine acc over all processes and record the verification (collective). */
void transpose_verify(tb_run *run, double acc[2], int64_t iterations);

#endif
