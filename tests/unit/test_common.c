/* Unit tests of the common pieces: option values, block splits, statistics,
 * JSON text, the stencil's interior and block compute. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/stencil.h"
#include "tb_error.h"
#include "tb_json.h"
#include "tb_mem.h"
#include "tb_options.h"
#include "tb_split.h"
#include "tb_timer.h"

static int passed, failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) passed++;                                                          \
        else { failed++; fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

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
    CHECK(!strcmp(j.text, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"x\":0.5,\"nan\":null,\"a\":[1,false]}"));
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

int main(void)
{
    test_parse_int();
    test_options();
    test_split();
    test_stats();
    test_json();
    test_stencil_interior();
    test_stencil_block();
    test_mem();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
