#include "halo.h"

#include <math.h>
#include <string.h>

#include "micro.h"
#include "stencil.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_json.h"
#include "tb_model.h"

static const tb_param_def halo_params[] = {
    {"n", TB_PARAM_INT, 1000, 1, 1000000000, NULL, "grid points per side (n x n grid)"},
    {"radius", TB_PARAM_INT, 2, 1, STENCIL_MAX_RADIUS, NULL, "halo width (the stencil radius)"},
    MICRO_PARAM_TARGET,
};

static tb_work halo_work(const tb_params *p)
{
    (void)p;
    tb_work w = {0.0, 0.0, "0",
                 "8 * 2R * n * ((P-1) + (Q-1)): the star halo all P x Q blocks receive per "
                 "exchange (P x Q: the backend's decomposition)"};
    return w;
}

static double halo_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nthreads;
    double n = (double)p->value[HALO_P_N], r = (double)p->value[HALO_P_RADIUS];
    double side = nranks == 1 ? n + 2.0 * r : n / sqrt((double)nranks) + 1.0 + 2.0 * r;
    return sizeof(double) * (side * side + 4.0 * n * r);
}

/* ---- The performance model (common/tb_model.h) ---- */

/* One operation: one exchange, as the stencil's (stencil_exchange_sends). */
static void halo_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[HALO_P_N];
    const int R = (int)p->value[HALO_P_RADIUS];
    if (tb_model_has_mpi(s)) {
        for (int r = 0; r < s->ranks; r++) {
            tb_model_sends sends = {0};
            const double copies = stencil_exchange_sends(n, R, s->dims, r, &sends);
            tb_model_rank(m, &sends);
            tb_model_pe(m, 0.0, copies); /* by the master thread */
        }
    }
    if (tb_model_has_team(s)) m->barriers = 1;
}

static const tb_model halo_model = {
    halo_inputs,
    {
        {"0 (one block: no neighbour)", "none", "none", "none"},
        {"0 (neighbours' rows are read in place)", "none", "none", "1 barrier"},
        {"bytes 4 * 8 * rows * R per west/east neighbour (packing, unpacking)",
         "as the stencil's exchange: per neighbour, north/south 8 * R * (cols + 2R) bytes, "
         "west/east 8 * rows * R",
         "none", "none"},
        {"as mpi (the master thread's)", "as mpi (the master thread sends)", "none",
         "1 barrier (after the master's exchange)"},
    },
    NULL,
};

tb_status halo_run(tb_run *run);

const tb_kernel halo_kernel = {
    .name = "halo",
    .summary = "the stencil's halo exchange alone (n x n grid, radius R)",
    .rate_unit = "MB/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 1,
    .params = halo_params,
    .nparams = (int)(sizeof halo_params / sizeof halo_params[0]),
    .size_param = HALO_P_N,
    .work = halo_work,
    .bytes_per_rank = halo_bytes_per_rank,
    .run = halo_run,
    .kind = TB_KIND_MICRO,
    .weak = {TB_WEAK_POWER, 0.5}, /* an n x n grid, as the stencil's */
    .sweep_params = (const char *const[]){"radius", NULL},
    .model = &halo_model,
};

static tb_status thin(int64_t n, int halo, int blocks, const int dims[2], const char *pes)
{
    int64_t thinnest = n / dims[0];
    if (thinnest >= halo) return TB_OK;
    return tb_error_set(TB_EINPUT,
                        "--size %lld over %d %s (a %dx%d grid of blocks) gives blocks %lld "
                        "points wide, fewer than the radius %d: use a larger --size or fewer "
                        "%s",
                        (long long)n, blocks, pes, dims[0], dims[1], (long long)thinnest, halo,
                        pes);
}

tb_status halo_layout_init(halo_layout *L, int64_t n, int halo, int blocks, const char *pes)
{
    L->n = n;
    L->halo = halo;
    tb_grid_dims(blocks, L->dims);
    return thin(n, halo, blocks, L->dims, pes);
}

tb_status halo_bands_check(int64_t n, int halo, int bands, const char *pes)
{
    const int dims[2] = {bands, 1};
    return thin(n, halo, bands, dims, pes);
}

void halo_block(const halo_layout *L, int b, int64_t *row0, int64_t *rows, int64_t *col0,
                int64_t *cols)
{
    int64_t r1, c1;
    stencil_block_of(L->n, L->dims, b, row0, &r1, col0, &c1);
    *rows = r1 - *row0;
    *cols = c1 - *col0;
}

int64_t halo_points(const halo_layout *L, int b, int64_t *ld)
{
    int64_t row0, rows, col0, cols;
    halo_block(L, b, &row0, &rows, &col0, &cols);
    *ld = cols + 2 * L->halo;
    return (rows + 2 * L->halo) * *ld;
}

double halo_bytes(int64_t n, int halo, const int dims[2])
{
    return sizeof(double) * 2.0 * halo * (double)n * ((dims[0] - 1) + (dims[1] - 1));
}

/* rows x cols doubles from src (row length sld) to dst (row length dld). */
static void copy_strip(double *dst, int64_t dld, const double *src, int64_t sld, int64_t rows,
                       int64_t cols)
{
    for (int64_t i = 0; i < rows; i++) memcpy(dst + i * dld, src + i * sld, sizeof(double) * cols);
}

void halo_pull(const halo_layout *L, double *const *origin, int b)
{
    const int h = L->halo, bi = b / L->dims[1], bj = b % L->dims[1];
    int64_t row0, rows, col0, cols, ld, nrow0, nrows, ncol0, ncols, nld;
    halo_block(L, b, &row0, &rows, &col0, &cols);
    ld = cols + 2 * h;
    double *me = origin[b];
    if (bi > 0) { /* north: the last h rows of the block above */
        int nb = b - L->dims[1];
        halo_block(L, nb, &nrow0, &nrows, &ncol0, &ncols);
        nld = ncols + 2 * h;
        copy_strip(me - h * ld, ld, origin[nb] + (nrows - h) * nld, nld, h, cols);
    }
    if (bi < L->dims[0] - 1) { /* south: the first h rows of the block below */
        int nb = b + L->dims[1];
        halo_block(L, nb, &nrow0, &nrows, &ncol0, &ncols);
        nld = ncols + 2 * h;
        copy_strip(me + rows * ld, ld, origin[nb], nld, h, cols);
    }
    if (bj > 0) { /* west: the last h columns of the block to the left */
        halo_block(L, b - 1, &nrow0, &nrows, &ncol0, &ncols);
        nld = ncols + 2 * h;
        copy_strip(me - h, ld, origin[b - 1] + ncols - h, nld, rows, h);
    }
    if (bj < L->dims[1] - 1) { /* east: the first h columns of the block to the right */
        halo_block(L, b + 1, &nrow0, &nrows, &ncol0, &ncols);
        nld = ncols + 2 * h;
        copy_strip(me + cols, ld, origin[b + 1], nld, rows, h);
    }
}

/* Distinct for every point of a grid up to 65536 points a side. */
static double point_value(int64_t i, int64_t j)
{
    return (double)((i & 0xffff) * 65536 + (j & 0xffff)) + 1.0;
}

void halo_fill(double *origin, int64_t ld, int64_t rows, int64_t cols, int halo, int64_t row0,
               int64_t col0)
{
    for (int64_t i = -halo; i < rows + halo; i++)
        for (int64_t j = -halo; j < cols + halo; j++) {
            int owned = i >= 0 && i < rows && j >= 0 && j < cols;
            origin[i * ld + j] = owned ? point_value(row0 + i, col0 + j) : -1.0;
        }
}

static void check_region(const double *origin, int64_t ld, int64_t i0, int64_t i1, int64_t j0,
                         int64_t j1, int64_t row0, int64_t col0, double v[2])
{
    for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++)
            v[0] += origin[i * ld + j] != point_value(row0 + i, col0 + j);
    v[1] += (double)((i1 - i0) * (j1 - j0));
}

void halo_check(const double *origin, int64_t ld, int64_t rows, int64_t cols, int halo,
                int64_t row0, int64_t col0, const int has[4], double v[2])
{
    if (has[0]) check_region(origin, ld, -halo, 0, 0, cols, row0, col0, v);
    if (has[1]) check_region(origin, ld, rows, rows + halo, 0, cols, row0, col0, v);
    if (has[2]) check_region(origin, ld, 0, rows, -halo, 0, row0, col0, v);
    if (has[3]) check_region(origin, ld, 0, rows, cols, cols + halo, row0, col0, v);
}

/* The stamped value of global point (i, j) in round r: above every
 * unstamped value, different in consecutive rounds, exact in a double. */
static double stamp_value(int64_t i, int64_t j, uint64_t r)
{
    return point_value(i, j) + 4294967296.0 * (double)(r % 1048576 + 1);
}

void halo_stamp(const halo_view *b, uint64_t r)
{
    const int64_t last = (b->rows - 1) * b->ld + b->cols - 1;
    b->origin[0] = stamp_value(b->row0, b->col0, r);
    b->origin[last] = stamp_value(b->row0 + b->rows - 1, b->col0 + b->cols - 1, r);
}

void halo_unstamp(const halo_view *b)
{
    const int64_t last = (b->rows - 1) * b->ld + b->cols - 1;
    b->origin[0] = point_value(b->row0, b->col0);
    b->origin[last] = point_value(b->row0 + b->rows - 1, b->col0 + b->cols - 1);
}

/* The north neighbour's last point lands in ghost (-1, cols-1), the south
 * one's first in (rows, 0), the west one's last in (rows-1, -1), the east
 * one's first in (0, cols). */
int halo_stale(const halo_view *b, uint64_t r)
{
    const double *o = b->origin;
    const int64_t ld = b->ld, rows = b->rows, cols = b->cols, i0 = b->row0, j0 = b->col0;
    return (b->has[0] && o[-ld + cols - 1] != stamp_value(i0 - 1, j0 + cols - 1, r)) +
           (b->has[1] && o[rows * ld] != stamp_value(i0 + rows, j0, r)) +
           (b->has[2] && o[(rows - 1) * ld - 1] != stamp_value(i0 + rows - 1, j0 - 1, r)) +
           (b->has[3] && o[cols] != stamp_value(i0, j0 + cols, r));
}

void halo_verify(tb_run *run, double v[4], double bytes, double stamps)
{
    tb_comm_sum_doubles(v, 4);
    run->work_bytes = bytes;
    tb_run_verify(run, "stale stamps (an exchange that did not deliver its round)", v[2], 0.0, 0.0);
    tb_run_verify(run, "stamps checked", v[3], stamps, 0.0);
    tb_run_verify(run, "ghost points wrong", v[0], 0.0, 0.0);
    tb_run_verify(run, "ghost points filled", v[1], bytes / sizeof(double), 0.0);
}

static const char *const hows[] = {
    "none: one block, no neighbour",
    "in place: after a barrier each thread reads its neighbours' rows of the shared grid",
    "MPI messages between ranks",
    ("MPI messages between ranks (the master thread), then a barrier; inside a rank the threads "
     "read their neighbours' rows in place"),
};

static void write_exchange(tb_json *j, const tb_run *run)
{
    tb_json_key(j, "exchange");
    tb_json_begin_object(j);
    tb_json_kv_string(j, "how", hows[(int)run->extra[3]]);
    tb_json_kv_number(j, "mpi_messages", run->extra[0]);
    tb_json_kv_number(j, "mpi_bytes", run->extra[1]);
    tb_json_kv_number(j, "thread_neighbours_in_place", run->extra[2]);
    tb_json_kv_string(j, "per", "one exchange, all PEs");
    tb_json_end_object(j);
}

void halo_set_exchange(tb_run *run, double messages, double bytes, double in_place, int how)
{
    run->extra[0] = messages;
    run->extra[1] = bytes;
    run->extra[2] = in_place;
    run->extra[3] = how;
    run->record_extra = write_exchange;
}
