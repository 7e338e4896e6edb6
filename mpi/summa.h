/* SUMMA (van de Geijn and Watts) for C += A * B on n x n matrices, shared by
 * the mpi and hybrid backends.
 *
 * The ranks form a pr x pc grid (MPI_Dims_create; pr >= pc, so 3 and 5
 * ranks give 3x1 and 5x1), with a communicator along each process row and
 * each process column. Rows are split over process rows and columns over
 * process columns (tb_split: n need not divide), and A, B and C are all
 * distributed by that same 2-D block map, so rank (p, q) holds
 *     A(R_p, K_q), B(R_p, K_q), C(R_p, K_q)      (R = rows, K = columns),
 * each a rows x cols row-major block. The k loop walks panels of at most
 * `panel` columns of A / rows of B that one process column / row owns (a
 * panel ends early at an owner's edge); for each, the owner column
 * broadcasts its A panel along every process row and the owner row its B
 * panel down every process column (MPI_Bcast), and every rank adds
 *     C(R_p, K_q) += A(R_p, panel) * B(panel, K_q)
 * with the local multiply. A communicator of one rank broadcasts nothing:
 * the panel is read in place. */
#ifndef TB_SUMMA_H
#define TB_SUMMA_H

#include <mpi.h>
#include <stdint.h>

#include "tb_arena.h"
#include "tb_status.h"

typedef struct summa {
    MPI_Comm row_comm, col_comm; /* my process row (size pc), column (size pr) */
    int dims[2], coords[2];      /* {pr, pc}; my {p, q} */
    int64_t n, panel;
    int64_t *row_start, *col_start; /* [pr + 1], [pc + 1] */
    int64_t row0, rows, col0, cols; /* my block */
    double *a, *b, *c;              /* my blocks of A, B, C: rows x cols, uninitialised */
    double *abuf, *bbuf;            /* panel buffers: rows x panel, panel x cols */
    tb_arena mem;                   /* the tables, blocks and buffers above */
} summa;

/* One step of the k loop: columns [k0, k1) of A, rows of B. */
typedef struct summa_step {
    int64_t k0, k1;
    int a_root, b_root;  /* owner process column of the A panel, row of the B panel */
    const double *a, *b; /* the panels, ready for the local multiply */
    int64_t lda, ldb;
} summa_step;

/* Collective: the grid, its communicators, this rank's blocks and panel
 * buffers. TB_EINPUT (the same on every rank) when a process row would own
 * no matrix rows; TB_ERUNTIME when this rank could not allocate (agree with
 * tb_comm_worst before communicating). summa_free is safe after either. */
tb_status summa_create(summa *s, int64_t n, int64_t panel);
void summa_free(summa *s);

/* The step that starts at global k0 (< n): its extent and owners. */
void summa_plan(const summa *s, int64_t k0, summa_step *step);

/* Broadcast the step's panels from the local blocks s->a and s->b
 * (collective over the grid; in the hybrid backend the master thread calls
 * it). */
void summa_fetch(summa *s, summa_step *step);

#endif
