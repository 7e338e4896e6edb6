/* Unit tests of the common pieces: option values, block splits, statistics,
 * JSON text, the stencil's interior and block compute. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/halo.h"
#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "kernels/stencil.h"
#include "tb_error.h"
#include "tb_json.h"
#include "tb_mem.h"
#include "tb_options.h"
#include "tb_size.h"
#include "tb_split.h"
#include "tb_timer.h"

static void test_parse_int(void)
{
    int64_t v = -1;
    tb_error_clear();
    CHECK(tb_parse_int("--x", "42", 1, 100, &v) == TB_OK && v == 42);
    CHECK(tb_parse_int("--x", "1e6", 1, 10000000, &v) == TB_OK && v == 1000000);
    CHECK(tb_parse_int("--x", "0", 1, 100, &v) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "--x: 0 is out of range (1 to 100)") != NULL);
    tb_error_clear();
    CHECK(tb_parse_int("--x", "12abc", 1, 100, &v) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "not a whole number") != NULL);
    tb_error_clear();
    CHECK(tb_parse_int("--x", "1.5", 1, 100, &v) == TB_EINPUT);
    tb_error_clear();
    CHECK(tb_parse_int("--x", "99999999999999999999", 1, 100, &v) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "too large") != NULL);
    tb_error_clear();
    CHECK(tb_parse_int("--x", "", 1, 100, &v) == TB_EINPUT);
    tb_error_clear();
    CHECK(tb_parse_int("--x", "-5", -10, 10, &v) == TB_OK && v == -5);
    tb_error_clear();
}

static void test_options(void)
{
    tb_options o;
    char *ok[] = {"prog", "--iters", "7", "stencil", "--size=300", "--radius", "3", "--quiet"};
    tb_error_clear();
    CHECK(tb_options_parse(8, ok, &o) == TB_OK);
    CHECK(o.iters == 7 && o.quiet && o.kernel && !strcmp(o.kernel->name, "stencil"));
    CHECK(o.params.value[STENCIL_P_N] == 300 && o.params.value[STENCIL_P_RADIUS] == 3);
    char *defaults[] = {"prog", "stencil"};
    CHECK(tb_options_parse(2, defaults, &o) == TB_OK);
    CHECK(o.params.value[STENCIL_P_N] == 1000 && o.warmup == TB_DEFAULT_WARMUP);
    char *two[] = {"prog", "stencil", "stencil"};
    CHECK(tb_options_parse(3, two, &o) == TB_EINPUT);
    tb_error_clear();
    char *list[] = {"prog", "--list", "--json"};
    CHECK(tb_options_parse(3, list, &o) == TB_OK && o.action == TB_ACTION_LIST && o.list_json);
    char *unknown[] = {"prog", "stencil", "--nope"};
    CHECK(tb_options_parse(3, unknown, &o) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "unknown option '--nope'") != NULL);
    tb_error_clear();
}

/* A series kernel: the range defaults to the parameter's, one value sets
 * both ends, sizes are powers of two. */
static void test_series_options(void)
{
    tb_options o;
    char *defaults[] = {"prog", "pingpong"};
    CHECK(tb_options_parse(2, defaults, &o) == TB_OK && o.series == PINGPONG_P_BYTES);
    CHECK(o.series_min == 1 && o.series_max == 4194304);
    char *range[] = {"prog", "pingpong", "--min-bytes=64", "--max-bytes", "1024"};
    CHECK(tb_options_parse(5, range, &o) == TB_OK && o.series_min == 64 && o.series_max == 1024);
    char *one[] = {"prog", "pingpong", "--size", "256"};
    CHECK(tb_options_parse(4, one, &o) == TB_OK && o.series_min == 256 && o.series_max == 256);
    CHECK(o.params.value[PINGPONG_P_BYTES] == 256);
    char *odd[] = {"prog", "pingpong", "--max-bytes", "1000"};
    CHECK(tb_options_parse(4, odd, &o) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "--max-bytes: 1000 is not a power of two") != NULL);
    tb_error_clear();
    char *stencil[] = {"prog", "stencil"};
    CHECK(tb_options_parse(2, stencil, &o) == TB_OK && o.series == -1);
    CHECK(o.series_min == 0 && o.series_max == 0);
}

/* The batch grows to the target, then each repetition is recorded per
 * operation, minus the reference: a fake batch of 1 us per operation. */
static double fake_batch(void *ctx, int64_t count)
{
    *(int64_t *)ctx += count;
    return 1e-6 * (double)count;
}

static void test_micro_measure(void)
{
    double times[4];
    tb_run run;
    memset(&run, 0, sizeof run);
    run.iters = 4;
    run.warmup = 1;
    run.iter_time = times;
    int64_t ran = 0;
    micro_method m = {100e-6, 2.0, 0.25e-6, &run.breakdown.comm};
    CHECK(micro_measure(&run, fake_batch, &ran, &m) == 128);
    /* 1 untimed, 1+2+...+128 growing, 5 batches of 128 */
    CHECK(ran == 1 + 255 + 5 * 128);
    CHECK(fabs(times[0] - 0.25e-6) < 1e-15 && fabs(times[3] - 0.25e-6) < 1e-15);
    CHECK(fabs(run.breakdown.comm - 1e-6) < 1e-15);
}

/* Thread blocks as MPI_Dims_create shapes them; pulling the strips fills
 * exactly the star halo of every block with its neighbours' values. */
static void test_halo_blocks(void)
{
    halo_layout L;
    int shapes[][3] = {{1, 1, 1}, {2, 2, 1}, {3, 3, 1}, {4, 2, 2}, {6, 3, 2}, {12, 4, 3}};
    for (int i = 0; i < 6; i++) {
        CHECK(halo_layout_init(&L, 100, 2, shapes[i][0], "threads") == TB_OK);
        CHECK(L.dims[0] == shapes[i][1] && L.dims[1] == shapes[i][2]);
    }
    CHECK(halo_layout_init(&L, 5, 2, 3, "threads") == TB_EINPUT);
    tb_error_clear();
    CHECK(halo_layout_init(&L, 11, 2, 6, "threads") == TB_OK);
    double *array[6], *origin[6], v[2] = {0.0, 0.0};
    int64_t ld, row0, rows, col0, cols;
    for (int b = 0; b < 6; b++) {
        array[b] = malloc(sizeof(double) * (size_t)halo_points(&L, b, &ld));
        halo_block(&L, b, &row0, &rows, &col0, &cols);
        origin[b] = array[b] + 2 * ld + 2;
        halo_fill(origin[b], ld, rows, cols, 2, row0, col0);
    }
    for (int b = 0; b < 6; b++) halo_pull(&L, origin, b);
    for (int b = 0; b < 6; b++) {
        const int bi = b / 2, bj = b % 2, has[4] = {bi > 0, bi<2, bj> 0, bj < 1};
        halo_points(&L, b, &ld);
        halo_block(&L, b, &row0, &rows, &col0, &cols);
        halo_check(origin[b], ld, rows, cols, 2, row0, col0, has, v);
        CHECK(origin[b][-2 * ld - 2] == -1.0); /* corners stay untouched */
        free(array[b]);
    }
    CHECK(v[0] == 0.0 && v[1] == halo_bytes(11, 2, L.dims) / sizeof(double));
}

static void test_split(void)
{
    /* Every part is within one of n/parts and the parts tile [0, n). */
    int64_t ns[] = {0, 1, 7, 100, 101, 1000003};
    for (int a = 0; a < 6; a++)
        for (int64_t parts = 1; parts <= 7; parts++) {
            int64_t expect = 0, ok = 1;
            for (int64_t i = 0; i < parts; i++) {
                int64_t b, e;
                tb_split(ns[a], parts, i, &b, &e);
                ok &= b == expect && e - b >= ns[a] / parts && e - b <= ns[a] / parts + 1;
                expect = e;
            }
            CHECK(ok && expect == ns[a]);
        }
}

static void test_stats(void)
{
    double v[] = {5, 1, 4, 2, 3};
    tb_stats s = tb_stats_of(v, 5);
    CHECK(s.min == 1 && s.max == 5 && s.median == 3 && s.mean == 3 && s.total == 15);
    CHECK(v[0] == 5); /* input untouched */
    double e[] = {4, 1, 3, 2};
    CHECK(tb_median(e, 4) == 2.5);
}

static void test_json(void)
{
    tb_json j;
    tb_json_init(&j);
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "s", "a\"b\\c\n\x01");
    tb_json_kv_number(&j, "x", 0.5);
    tb_json_kv_number(&j, "nan", NAN);
    tb_json_key(&j, "a");
    tb_json_begin_array(&j);
    tb_json_int(&j, 1);
    tb_json_bool(&j, 0);
    tb_json_end_array(&j);
    tb_json_end_object(&j);
    CHECK(!strcmp(j.text,
                  "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"x\":0.5,\"nan\":null,\"a\":[1,false]}"));
    tb_json_free(&j);
}

static void test_stencil_interior(void)
{
    int64_t l0, l1;
    stencil_interior(100, 2, 0, 50, &l0, &l1);
    CHECK(l0 == 2 && l1 == 50);
    stencil_interior(100, 2, 50, 100, &l0, &l1);
    CHECK(l0 == 0 && l1 == 48);
    stencil_interior(100, 2, 99, 100, &l0, &l1);
    CHECK(l1 - l0 == 0);
}

/* One sweep of the block compute on a small grid adds exactly 2 to each
 * interior point and leaves the boundary alone; a wrong weight or offset
 * breaks it. */
static void test_stencil_block(void)
{
    for (int r = 1; r <= 4; r++) {
        const int64_t n = 20;
        double *in = tb_alloc((size_t)(n * n), sizeof(double));
        double *out = tb_alloc((size_t)(n * n), sizeof(double));
        double w[STENCIL_MAX_RADIUS + 1];
        stencil_weights(r, w);
        stencil_init(in, out, n, n, n, 0, 0);
        stencil_apply(in, out, n, r, w, r, n - r, r, n - r);
        double worst = 0.0;
        for (int64_t i = r; i < n - r; i++)
            for (int64_t j = r; j < n - r; j++) worst = fmax(worst, fabs(out[i * n + j] - 2.0));
        CHECK(worst < 1e-12);
        CHECK(out[0] == 0.0 && out[(r - 1) * n + n / 2] == 0.0);
        double acc[3];
        stencil_acc_init(acc);
        stencil_accumulate(out, n, r, n - r, r, n - r, acc);
        CHECK(fabs(acc[0] - 2.0 * (n - 2 * r) * (n - 2 * r)) < 1e-9);
        tb_free(in);
        tb_free(out);
    }
}

static void test_mem(void)
{
    CHECK(tb_alloc((size_t)-1 / 2, 4) == NULL); /* overflow refused */
    CHECK(tb_alloc_huge((size_t)-1 / 2, 4) == NULL);
    /* One page policy for tb_alloc and tb_alloc_huge alike: ordinary by
     * default; with TB_PAGES_HUGE, 24 MiB comes 2 MiB aligned (advised). */
    CHECK(tb_mem_pages() == TB_PAGES_NORMAL && !strcmp(tb_mem_pages_name(), "normal"));
    tb_mem_set_pages(TB_PAGES_HUGE);
    CHECK(!strcmp(tb_mem_pages_name(), "huge"));
    for (int huge_call = 0; huge_call < 2; huge_call++) {
        size_t count = (size_t)3 << 20;
        double *big =
            huge_call ? tb_alloc_huge(count, sizeof(double)) : tb_alloc(count, sizeof(double));
        CHECK(big && (uintptr_t)big % ((size_t)2 << 20) == 0);
        big[0] = big[count - 1] = 1.0;
        tb_free(big);
    }
    double *small = tb_alloc_huge(100, sizeof(double)); /* below 2 MiB: 64-byte aligned */
    CHECK(small && (uintptr_t)small % TB_ALIGN == 0);
    tb_free(small);
    tb_mem_set_pages(TB_PAGES_NORMAL);
    tb_mem_huge_reset();
    CHECK(tb_mem_huge_peak() >= 0);
    void *p = tb_alloc(3, 7);
    CHECK(p && ((uintptr_t)p % TB_ALIGN) == 0);
    tb_free(p);
    CHECK(tb_mem_peak_rss() > 0);
    tb_error_clear();
    CHECK(tb_mem_check(1e30, 1) == TB_EINPUT);
    CHECK(strstr(tb_error_message(), "is available") != NULL);
    tb_error_clear();
    char text[32];
    tb_mem_format(1536.0, text, sizeof text);
    CHECK(!strcmp(text, "1.5 KiB"));
}

/* --size auto on a kernel whose working set is 8 bytes per unit of n: the
 * smallest n reaching 4 x LLC (or the largest within the memory cap), and
 * nothing for a kernel whose working set does not grow. */
static double eight_per_n(const tb_params *p, int nranks, int nthreads)
{
    (void)nranks;
    (void)nthreads;
    return 8.0 * (double)p->value[0];
}
static double constant_bytes(const tb_params *p, int nranks, int nthreads)
{
    (void)p;
    (void)nranks;
    (void)nthreads;
    return 4096.0;
}

static void test_size_auto(void)
{
    static const tb_param_def n_param[] = {{"n", TB_PARAM_INT, 10, 1, INT64_C(1) << 50, NULL, "n"}};
    tb_kernel k = {.name = "fake",
                   .params = n_param,
                   .nparams = 1,
                   .size_param = 0,
                   .bytes_per_rank = eight_per_n};
    tb_params p = {{10}, {0}};
    const tb_machine *m = tb_machine_get();
    int64_t v = 0;
    const char *why = NULL;
    if (m->llc_bytes > 0.0) {
        CHECK(tb_size_auto(&k, &p, &v, &why) == 0);
        double target = TB_AUTO_RATIO * m->llc_bytes, cap = TB_AUTO_MEM_SHARE * m->mem_available;
        if (target <= cap)
            CHECK(8.0 * v >= target && 8.0 * (v - 1) < target);
        else
            CHECK(8.0 * v <= cap && 8.0 * (v + 1) > cap);
        CHECK(p.value[0] == 10); /* the caller's parameters stay as they were */
        k.bytes_per_rank = constant_bytes;
        CHECK(tb_size_auto(&k, &p, &v, &why) == -1 && why != NULL);
        k.bytes_per_rank = eight_per_n;
        k.series = "n";
        CHECK(tb_size_auto(&k, &p, &v, &why) == -1 && strstr(why, "series"));
    }
    CHECK(!strcmp(tb_regime(4.0), "dram") && !strcmp(tb_regime(3.99), "mixed"));
    CHECK(!strcmp(tb_regime(1.0), "mixed") && !strcmp(tb_regime(0.99), "cache-resident"));
    CHECK(tb_regime(0.0) == NULL);
}

int main(void)
{
    test_parse_int();
    test_options();
    test_series_options();
    test_micro_measure();
    test_halo_blocks();
    test_split();
    test_stats();
    test_json();
    test_stencil_interior();
    test_stencil_block();
    test_mem();
    test_size_auto();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
