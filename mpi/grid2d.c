#include "grid2d.h"

#include <string.h>

#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"

/* Tags name the direction a message travels. */
enum { TAG_TO_NORTH = 11, TAG_TO_SOUTH, TAG_TO_WEST, TAG_TO_EAST };
enum { SEND_WEST, SEND_EAST, RECV_WEST, RECV_EAST };

tb_status tb_grid2d_create(tb_grid2d *g, int64_t n, int halo)
{
    memset(g, 0, sizeof *g);
    int size, periods[2] = {0, 0};
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Dims_create(size, 2, g->dims);
    int64_t thinnest = n / (g->dims[0] > g->dims[1] ? g->dims[0] : g->dims[1]);
    if (thinnest < halo)
        return tb_error_set(TB_EINPUT,
                            "--size %lld over %d ranks (a %dx%d grid of blocks) gives blocks %lld "
                            "points wide, fewer than the radius %d: use a larger --size or fewer "
                            "ranks",
                            (long long)n, size, g->dims[0], g->dims[1], (long long)thinnest, halo);
    MPI_Cart_create(MPI_COMM_WORLD, 2, g->dims, periods, 0, &g->cart);
    int rank;
    MPI_Comm_rank(g->cart, &rank);
    MPI_Cart_coords(g->cart, rank, 2, g->coords);
    MPI_Cart_shift(g->cart, 0, 1, &g->north, &g->south);
    MPI_Cart_shift(g->cart, 1, 1, &g->west, &g->east);
    tb_split(n, g->dims[0], g->coords[0], &g->row0, &g->row1);
    tb_split(n, g->dims[1], g->coords[1], &g->col0, &g->col1);
    g->rows = g->row1 - g->row0;
    g->cols = g->col1 - g->col0;
    g->halo = halo;
    g->ld = g->cols + 2 * halo;
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        g->pack[i] = tb_alloc((size_t)(g->rows * halo), sizeof(double));
        ok = ok && g->pack[i];
    }
    return ok ? TB_OK : tb_error_set(TB_ERUNTIME, "out of memory for halo buffers");
}

void tb_grid2d_free(tb_grid2d *g)
{
    for (int i = 0; i < 4; i++) tb_free(g->pack[i]);
    if (g->cart != MPI_COMM_NULL && g->cart) MPI_Comm_free(&g->cart);
    memset(g, 0, sizeof *g);
}

static void pack_columns(const double *block, int64_t ld, int64_t rows, int halo, double *buf)
{
    for (int64_t i = 0; i < rows; i++)
        memcpy(buf + i * halo, block + i * ld, sizeof(double) * halo);
}

static void unpack_columns(double *block, int64_t ld, int64_t rows, int halo, const double *buf)
{
    for (int64_t i = 0; i < rows; i++)
        memcpy(block + i * ld, buf + i * halo, sizeof(double) * halo);
}

void tb_grid2d_exchange(tb_grid2d *g, double *block)
{
    const int h = g->halo;
    const int64_t ld = g->ld, rows = g->rows, cols = g->cols;
    /* North and south halos are whole rows of the padded array: h*ld
     * contiguous doubles, starting at the west halo column. */
    const int row_count = (int)(h * ld);
    const int col_count = (int)(rows * h);
    MPI_Request req[8];
    MPI_Status status[8]; /* MPI_Waitall's array parameter takes real storage (see p2p.h) */
    int nreq = 0;
    MPI_Irecv(block - h * ld - h, row_count, MPI_DOUBLE, g->north, TAG_TO_SOUTH, g->cart,
              &req[nreq++]);
    MPI_Irecv(block + rows * ld - h, row_count, MPI_DOUBLE, g->south, TAG_TO_NORTH, g->cart,
              &req[nreq++]);
    MPI_Irecv(g->pack[RECV_WEST], col_count, MPI_DOUBLE, g->west, TAG_TO_EAST, g->cart,
              &req[nreq++]);
    MPI_Irecv(g->pack[RECV_EAST], col_count, MPI_DOUBLE, g->east, TAG_TO_WEST, g->cart,
              &req[nreq++]);
    if (g->west != MPI_PROC_NULL) pack_columns(block, ld, rows, h, g->pack[SEND_WEST]);
    if (g->east != MPI_PROC_NULL) pack_columns(block + cols - h, ld, rows, h, g->pack[SEND_EAST]);
    MPI_Isend(block - h, row_count, MPI_DOUBLE, g->north, TAG_TO_NORTH, g->cart, &req[nreq++]);
    MPI_Isend(block + (rows - h) * ld - h, row_count, MPI_DOUBLE, g->south, TAG_TO_SOUTH, g->cart,
              &req[nreq++]);
    MPI_Isend(g->pack[SEND_WEST], col_count, MPI_DOUBLE, g->west, TAG_TO_WEST, g->cart,
              &req[nreq++]);
    MPI_Isend(g->pack[SEND_EAST], col_count, MPI_DOUBLE, g->east, TAG_TO_EAST, g->cart,
              &req[nreq++]);
    MPI_Waitall(nreq, req, status);
    if (g->west != MPI_PROC_NULL) unpack_columns(block - h, ld, rows, h, g->pack[RECV_WEST]);
    if (g->east != MPI_PROC_NULL) unpack_columns(block + cols, ld, rows, h, g->pack[RECV_EAST]);
}
