/* dgemm: C += A * B on n x n matrices, row-major, no external BLAS.
 *
 * The block compute is one packed, register-blocked multiply in the style
 * of GotoBLAS/BLIS: B is packed in kb x NC blocks of NR-column panels, A in
 * MC x kb blocks of MR-row panels, and a 6 x 8 micro-kernel keeps a 6 x 8
 * block of C in twelve 4-double vector registers while it walks k (GCC
 * vector extensions: broadcast one A value, two B loads, two FMAs per row;
 * -march=native chooses the instructions). Every backend calls
 * dgemm_multiply; only how C is divided (threads over blocks of C, SUMMA
 * over a process grid) differs.
 *
 * A(i,k) = i + k and B(k,j) = k - j, so one multiply adds
 *     C(i,j) = -n*i*j + (i - j)*S1 + S2,  S1 = n(n-1)/2, S2 = (n-1)n(2n-1)/6,
 * and after K multiplies the checksum sum(C) = K * n^3 (n^2 - 1) / 12. Every
 * product and partial sum is an integer below 2^53 for moderate n, so the
 * pointwise check is exact whatever order the blocks sum in; C is not
 * symmetric, so a transposed result does not pass. */
#ifndef TB_DGEMM_H
#define TB_DGEMM_H

#include <stdint.h>

#include "tb_kernel.h"

enum { DGEMM_P_N, DGEMM_P_PANEL };

#define DGEMM_MR 6 /* micro-kernel rows */
#define DGEMM_NR 8 /* micro-kernel columns */

extern const tb_kernel dgemm_kernel;

/* One thread's packing buffers for updates of depth up to kb. */
typedef struct dgemm_ws {
    int64_t kb, mc, nc;
    double *ap, *bp;
} dgemm_ws;

/* TB_ERUNTIME with a message when out of memory (nothing left allocated). */
tb_status dgemm_ws_alloc(dgemm_ws *ws, int64_t kb);
void dgemm_ws_free(dgemm_ws *ws);
double dgemm_ws_bytes(int64_t kb);

/* C[m x n] += A[m x k] * B[k x n]; leading dimensions lda, ldb, ldc; any
 * sizes (k deeper than ws->kb is done in steps of kb). */
void dgemm_multiply(int64_t m, int64_t n, int64_t k, const double *a, int64_t lda, const double *b,
                    int64_t ldb, double *c, int64_t ldc, dgemm_ws *ws);

/* A(gi+i, gk+k), B(gk+k, gj+j) and C = 0 over blocks with leading dimension ld. */
void dgemm_init_a(double *a, int64_t ld, int64_t rows, int64_t cols, int64_t gi, int64_t gk);
void dgemm_init_b(double *b, int64_t ld, int64_t rows, int64_t cols, int64_t gk, int64_t gj);
void dgemm_init_c(double *c, int64_t ld, int64_t rows, int64_t cols);

/* Rows [i0, i1) x columns [0, cols) of a block of C whose first point is the
 * global (gi, gj), after `multiplies` multiplies: adds to
 * acc = {sum of C, largest |C - exact|, largest |exact|} (start at zeros). */
void dgemm_accumulate(const double *c, int64_t ld, int64_t i0, int64_t i1, int64_t cols, int64_t gi,
                      int64_t gj, int64_t n, int64_t multiplies, double acc[3]);
void dgemm_acc_merge(double into[3], const double from[3]);

/* Combine acc over all processes and record the verification (collective). */
void dgemm_verify(tb_run *run, double acc[3], int64_t multiplies);

/* Thread t's block [*i0, *i1) x [*j0, *j1) of an m x n C (possibly empty):
 * the split the omp and hybrid drivers compute by, and the model counts by. */
void dgemm_thread_block(int t, int nthreads, int64_t m, int64_t n, int64_t *i0, int64_t *i1,
                        int64_t *j0, int64_t *j1);

#endif
