#include "summa.h"

#include <string.h>

#include "tb_error.h"
#include "tb_split.h"

static void starts(int64_t n, int parts, int64_t *start)
{
    for (int r = 0; r < parts; r++) {
        int64_t end;
        tb_split(n, parts, r, &start[r], &end);
        start[r + 1] = end;
    }
}

tb_status summa_create(summa *s, int64_t n, int64_t panel)
{
    memset(s, 0, sizeof *s);
    s->row_comm = s->col_comm = MPI_COMM_NULL;
    int size, rank;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Dims_create(size, 2, s->dims);
    if (n < s->dims[0])
        return tb_error_set(TB_EINPUT,
                            "--size %lld over %d ranks (a %dx%d process grid) leaves "
                            "process rows without matrix rows: n must be at least %d",
                            (long long)n, size, s->dims[0], s->dims[1], s->dims[0]);
    s->coords[0] = rank / s->dims[1];
    s->coords[1] = rank % s->dims[1];
    MPI_Comm_split(MPI_COMM_WORLD, s->coords[0], s->coords[1], &s->row_comm);
    MPI_Comm_split(MPI_COMM_WORLD, s->coords[1], s->coords[0], &s->col_comm);
    s->n = n;
    s->panel = panel < n ? panel : n;
    s->row_start = tb_arena_alloc(&s->mem, (size_t)s->dims[0] + 1, sizeof(int64_t));
    s->col_start = tb_arena_alloc(&s->mem, (size_t)s->dims[1] + 1, sizeof(int64_t));
    tb_status st = tb_arena_check(&s->mem, "the process grid's tables");
    if (st != TB_OK) return st;
    starts(n, s->dims[0], s->row_start);
    starts(n, s->dims[1], s->col_start);
    s->row0 = s->row_start[s->coords[0]];
    s->rows = s->row_start[s->coords[0] + 1] - s->row0;
    s->col0 = s->col_start[s->coords[1]];
    s->cols = s->col_start[s->coords[1] + 1] - s->col0;
    const size_t block = (size_t)(s->rows * s->cols);
    s->a = tb_arena_alloc_huge(&s->mem, block, sizeof(double));
    s->b = tb_arena_alloc_huge(&s->mem, block, sizeof(double));
    s->c = tb_arena_alloc_huge(&s->mem, block, sizeof(double));
    s->abuf = tb_arena_alloc_huge(&s->mem, (size_t)(s->rows * s->panel), sizeof(double));
    s->bbuf = tb_arena_alloc_huge(&s->mem, (size_t)(s->panel * s->cols), sizeof(double));
    return tb_arena_check(&s->mem, "three %lld x %lld blocks and SUMMA's panel buffers",
                          (long long)s->rows, (long long)s->cols);
}

void summa_free(summa *s)
{
    if (s->row_comm != MPI_COMM_NULL) MPI_Comm_free(&s->row_comm);
    if (s->col_comm != MPI_COMM_NULL) MPI_Comm_free(&s->col_comm);
    tb_arena_free(&s->mem);
    memset(s, 0, sizeof *s);
    s->row_comm = s->col_comm = MPI_COMM_NULL;
}

/* The part owning global index k under a start table of `parts` parts. */
static int owner(const int64_t *start, int parts, int64_t k)
{
    int r = 0;
    while (r + 1 < parts && start[r + 1] <= k) r++;
    return r;
}

void summa_plan(const summa *s, int64_t k0, summa_step *step)
{
    int qa = owner(s->col_start, s->dims[1], k0), pb = owner(s->row_start, s->dims[0], k0);
    int64_t k1 = k0 + s->panel;
    if (k1 > s->col_start[qa + 1]) k1 = s->col_start[qa + 1];
    if (k1 > s->row_start[pb + 1]) k1 = s->row_start[pb + 1];
    memset(step, 0, sizeof *step);
    step->k0 = k0;
    step->k1 = k1;
    step->a_root = qa;
    step->b_root = pb;
}

void summa_fetch(summa *s, summa_step *step)
{
    const double *a = s->a, *b = s->b;
    const int64_t k0 = step->k0, w = step->k1 - k0;
    const int qa = step->a_root, pb = step->b_root;
    /* A panel: columns [k0, k1) of the blocks in process column qa. A row
     * of w doubles is the unit, so counts stay below INT_MAX. */
    if (s->dims[1] == 1) {
        step->a = a + (k0 - s->col0);
        step->lda = s->cols;
    } else {
        if (s->coords[1] == qa)
            for (int64_t i = 0; i < s->rows; i++)
                memcpy(s->abuf + i * w, a + i * s->cols + (k0 - s->col0), sizeof(double) * w);
        MPI_Datatype row;
        MPI_Type_contiguous((int)w, MPI_DOUBLE, &row);
        MPI_Type_commit(&row);
        MPI_Bcast(s->abuf, (int)s->rows, row, qa, s->row_comm);
        MPI_Type_free(&row);
        step->a = s->abuf;
        step->lda = w;
    }
    /* B panel: rows [k0, k1) of the blocks in process row pb: contiguous. */
    const double *mine = b + (k0 - s->row0) * s->cols;
    if (s->dims[0] == 1) {
        step->b = mine;
    } else {
        double *buf = s->coords[0] == pb ? (double *)mine : s->bbuf;
        MPI_Datatype row;
        MPI_Type_contiguous((int)s->cols, MPI_DOUBLE, &row);
        MPI_Type_commit(&row);
        MPI_Bcast(buf, (int)w, row, pb, s->col_comm);
        MPI_Type_free(&row);
        step->b = buf;
    }
    step->ldb = s->cols;
}
