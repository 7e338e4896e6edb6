/* A deterministic random-argv fuzzer of the option parser and the kernels'
 * parameter checks (issue 16), in process: each vector goes through what
 * common/main.c does before a run (tb_options_parse, the kernel's check at
 * several rank counts and at every value of a series, its extension's
 * check, the memory estimate) without running a kernel.
 *
 *   fuzz_argv [COUNT [SEED]]     check COUNT vectors (default 100000), then
 *                                the kept regression cases; exit 1 on a finding
 *   fuzz_argv --emit COUNT SEED  print COUNT vectors, one a line, tokens
 *                                separated by \x1f, drawn from values that
 *                                fail or run fast (for real launches:
 *                                tests/fuzz/fuzz_launch.py)
 *
 * A finding: a status other than TB_OK or TB_EINPUT, an error without a
 * message or with more than one line, a negative or non-finite memory
 * estimate, or (under the asan preset) any sanitizer report. The tokens
 * come from the kernels' own tables (every option, parameter, choice and
 * class name, the bounds of every range and one past them) and from a list
 * of awkward values (empty, signs, exponents, overflow, long, non-ASCII). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_error.h"
#include "tb_kernel.h"
#include "tb_options.h"

#define MAX_TOKENS 4096
#define MAX_ARGS   12

static char *tokens[MAX_TOKENS];
static int ntokens, nvalues_first; /* tokens[nvalues_first..] are values */
static int emit_mode;              /* values that fail or run fast only */

/* Values a real launch must not get: faults that fire on purpose (a hang
 * lasts 10 minutes) and sizes or counts that make a valid run long. */
static int slow_or_fatal(const char *text)
{
    static const char *const list[] = {"kill",
                                       "hang:after=2",
                                       "exit:rank=0,after=1",
                                       "kill:thread=1,after=3",
                                       "kill:rank=1",
                                       "kill:rank=1,rank=2",
                                       "1e3",
                                       "9e18",
                                       "auto",
                                       "00012",
                                       NULL};
    for (int i = 0; list[i]; i++)
        if (!strcmp(text, list[i])) return 1;
    return 0;
}

/* A number a count could take and run long with (--iters 60000001). */
static int long_count(const char *text)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    return *text && *end == '\0' && v > 1000 && v <= 1000000000;
}

static void add(const char *text)
{
    if (emit_mode && (slow_or_fatal(text) || long_count(text))) return;
    if (ntokens < MAX_TOKENS) tokens[ntokens++] = strdup(text);
}

static void addf(const char *fmt, long long v)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    add(buf);
}

/* The vocabulary: options and kernel names first, then values. */
static void build_vocabulary(void)
{
    static const char *const common[] = {
        "--size", "--iters",   "--warmup", "--threads", "--json",      "--quiet",    "--huge-pages",
        "--list", "--help",    "-h",       "--version", "--",          "-",          "--bogus",
        "-x",     "--size=10", "--iters=", "---",       "--min-bytes", "--max-bytes"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) add(common[i]);
    for (int k = 0; k < tb_nkernels; k++) {
        const tb_kernel *kernel = tb_kernels[k];
        add(kernel->name);
        for (int p = 0; p < kernel->nparams; p++) {
            char name[80];
            snprintf(name, sizeof name, "--%s", kernel->params[p].name);
            add(name);
        }
        const tb_extension *x = kernel->ext;
        for (int i = 0; x && i < x->noptions; i++) {
            char name[80];
            snprintf(name, sizeof name, "--%s", x->options[i].name);
            add(name);
        }
    }
    nvalues_first = ntokens;
    static const char *const awkward[] = {"0",
                                          "1",
                                          "2",
                                          "3",
                                          "8",
                                          "16",
                                          "-1",
                                          "+4",
                                          "",
                                          "abc",
                                          "auto",
                                          "1e3",
                                          "1e400",
                                          "-0",
                                          "4.5",
                                          "0x10",
                                          " 7",
                                          "7 ",
                                          "inf",
                                          "nan",
                                          "NaN",
                                          "1e-3",
                                          "9e18",
                                          "1e19",
                                          "00012",
                                          "é",
                                          "\xff\xfe",
                                          "-",
                                          "--",
                                          "/dev/null",
                                          "kill",
                                          "kill:",
                                          "kill:rank=1",
                                          "hang:after=2",
                                          "exit:rank=0,after=1",
                                          "kill:thread=1,after=3",
                                          "kill:rank=a",
                                          "kill:rank=1,rank=2",
                                          "detect",
                                          "reassign",
                                          "none",
                                          "x.ckpt",
                                          "=",
                                          "kill:after=99999999999999999999",
                                          "kill:,",
                                          "2147483648",
                                          "-2147483649",
                                          "99999999999999999999999",
                                          "0.01",
                                          "3600.5",
                                          "1e-400"};
    for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++) add(awkward[i]);
    char longest[300];
    memset(longest, '9', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    add(longest);
    for (int k = 0; k < tb_nkernels; k++) {
        const tb_kernel *kernel = tb_kernels[k];
        for (int p = 0; p < kernel->nparams; p++) {
            const tb_param_def *d = &kernel->params[p];
            for (int c = 0; d->choices && d->choices[c]; c++) {
                char name[64];
                snprintf(name, sizeof name, "%s", d->choices[c]);
                char *eq = strchr(name, '=');
                if (eq) *eq = '\0'; /* a class name "A=28": "A" */
                int big_class = (eq || !strcmp(d->name, "class")) && c > 0;
                if (!emit_mode || !big_class) add(name);
            }
            if (d->type != TB_PARAM_INT) continue;
            /* The bounds and one past them; a large valid value only where
             * it runs fast (emit mode launches real runs). */
            addf("%lld", (long long)d->min - 1);
            addf("%lld", (long long)d->min);
            if (!emit_mode) {
                addf("%lld", (long long)d->max);
                addf("%lld", (long long)d->def);
            }
            if (d->max < INT64_MAX) addf("%lld", (long long)d->max + 1);
        }
    }
}

/* xorshift64*: the same vectors on every machine. */
static uint64_t rng_state;
static uint64_t next_random(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}
static int below(int n) { return (int)(next_random() % (uint64_t)n); }

static char scratch[MAX_ARGS][32]; /* numbers drawn for one vector */

/* A value of parameter d that its range accepts most of the time: a choice,
 * or a number drawn log-uniformly in its range (in emit mode near its
 * minimum, so that a real run stays short). */
static char *good_value(const tb_kernel *k, const tb_param_def *d, int slot)
{
    if (emit_mode && d->type == TB_PARAM_CHOICE &&
        (d == &k->params[k->size_param] || !strcmp(d->name, "class")))
        return (char *)d->choices[0]; /* the smallest class: a short run */
    if (d->type == TB_PARAM_CHOICE) {
        int n = 0;
        while (d->choices[n]) n++;
        return (char *)d->choices[below(n)];
    }
    int64_t span = d->max - d->min, v = d->min;
    if (emit_mode)
        v += below(17) % (span + 1);
    else if (span > 0)
        v += (int64_t)(next_random() % (uint64_t)(span < 1 << 30 ? span + 1 : 1 << (below(31))));
    snprintf(scratch[slot], sizeof scratch[slot], "%lld", (long long)v);
    return scratch[slot];
}

static char *any_value(void) { return tokens[nvalues_first + below(ntokens - nvalues_first)]; }

/* argv[0], a kernel name most of the time, then options: mostly the
 * kernel's own parameters with values their ranges mostly accept, else
 * any option or value of the vocabulary. */
static int draw(char **argv)
{
    int argc = 0;
    argv[argc++] = "triobench-fuzz";
    const tb_kernel *k = below(10) != 0 ? tb_kernels[below(tb_nkernels)] : NULL;
    if (k) argv[argc++] = (char *)k->name;
    int n = below(MAX_ARGS - 2);
    for (int i = 0; i < n && argc < MAX_ARGS; i++) {
        int kind = below(8);
        if (k && k->nparams > 0 && kind < 4 && argc + 1 < MAX_ARGS) {
            const tb_param_def *d = &k->params[below(k->nparams)];
            static char names[MAX_ARGS][48];
            snprintf(names[argc], sizeof names[argc], "--%s", d->name);
            argv[argc] = names[argc];
            argc++;
            argv[argc] = below(3) ? good_value(k, d, argc) : any_value();
            argc++;
            continue;
        }
        int option = kind < 7;
        argv[argc++] = option ? tokens[below(nvalues_first)] : any_value();
        if (option && argc < MAX_ARGS && below(5) != 0) argv[argc++] = any_value();
    }
    argv[argc] = NULL;
    return argc;
}

static long findings, accepted, refused_input;

static void finding(int argc, char **argv, const char *what, int status)
{
    if (++findings > 20) return;
    fprintf(stderr, "FINDING: %s (status %d, message '%s'):", what, status, tb_error_message());
    for (int i = 0; i < argc; i++) fprintf(stderr, " '%s'", argv[i]);
    fputc('\n', stderr);
}

/* A verdict must be TB_OK, or TB_EINPUT with one line of message. */
static int judge(int argc, char **argv, tb_status st)
{
    if (st == TB_OK) return 1;
    const char *m = tb_error_message();
    if (st != TB_EINPUT)
        finding(argc, argv, "a status other than 0 or 2", st);
    else if (m[0] == '\0')
        finding(argc, argv, "an error without a message", st);
    else if (strchr(m, '\n'))
        finding(argc, argv, "an error of more than one line", st);
    else
        return 0;
    return 0;
}

/* What common/main.c checks before a run, at several launches. */
static void check_vector(int argc, char **argv)
{
    static const int ranks[] = {1, 2, 3, 4, 7, 64};
    tb_options o;
    tb_error_clear();
    tb_status st = tb_options_parse(argc, argv, &o);
    if (st == TB_OK)
        accepted++;
    else
        refused_input++;
    if (judge(argc, argv, st) && o.action == TB_ACTION_RUN) {
        for (size_t r = 0; r < sizeof ranks / sizeof ranks[0]; r++) {
            tb_params p = o.params;
            st = TB_OK;
            for (int64_t v = o.series_min; st == TB_OK; v *= 2) {
                if (o.series >= 0) p.value[o.series] = v;
                tb_error_clear();
                if (o.kernel->check) st = o.kernel->check(&p, ranks[r]);
                if (!judge(argc, argv, st) || v >= o.series_max) break;
            }
            if (st != TB_OK) continue;
            if (o.kernel->ext) {
                tb_launch launch = {ranks[r], 1 + (int)(r % 3), r > 0, r % 2, o.iters, o.warmup};
                tb_error_clear();
                if (!judge(argc, argv, o.kernel->ext->check(o.ext, &launch))) continue;
            }
            double bytes = o.kernel->bytes_per_rank(&p, ranks[r], 2);
            if (!(bytes >= 0.0) || !isfinite(bytes))
                finding(argc, argv, "a memory estimate that is negative or not finite", 0);
        }
    }
    tb_options_free(&o);
}

/* Cases the fuzzer or a probe found once, kept (issue 16). */
static const char *const regressions[][MAX_ARGS] = {
    {"t", "ep", "--inject-fault", "kill:after=99999999999999999999", NULL},
    {"t", "pingpong", "--min-bytes", "4194304", "--max-bytes", "1", NULL},
    {"t", "allreduce", "--bytes", "8", "--min-bytes", "8", NULL},
    {"t", "stencil", "--size", "1e400", NULL},
    {"t", "ep", "--ft-timeout", "inf", NULL},
    {"t", "ep", "--checkpoint-interval", "nan", NULL},
    {"t", "stencil", "--size", "auto", "--size", "7", NULL},
    {"t", "--list", "--json", "--json", NULL},
};

int main(int argc, char **argv)
{
    long count = 100000;
    uint64_t seed = 16;
    if (argc > 1 && !strcmp(argv[1], "--emit")) {
        emit_mode = 1;
        argv++;
        argc--;
    }
    if (argc > 1) count = strtol(argv[1], NULL, 10);
    if (argc > 2) seed = strtoull(argv[2], NULL, 10);
    rng_state = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
    build_vocabulary();
    char *vector[MAX_ARGS + 1];
    for (long i = 0; i < count; i++) {
        int n = draw(vector);
        if (emit_mode) {
            /* First a short run of the kernel, which the drawn tokens may
             * then change (the last value of an option wins). */
            const tb_kernel *k = n > 1 ? tb_kernel_find(vector[1]) : NULL;
            printf("--iters\x1f"
                   "2\x1f--warmup\x1f"
                   "0");
            if (k && k->series == NULL && k->size_param >= 0) {
                const tb_param_def *d = &k->params[k->size_param];
                if (d->type == TB_PARAM_CHOICE)
                    printf("\x1f--size\x1f%s", d->choices[0]);
                else
                    printf("\x1f--size\x1f%lld", (long long)(d->min > 16 ? d->min : 16));
            }
            for (int a = 1; a < n; a++) printf("\x1f%s", vector[a]);
            putchar('\n');
        } else {
            check_vector(n, vector);
        }
    }
    if (emit_mode) return 0;
    size_t nreg = sizeof regressions / sizeof regressions[0];
    for (size_t i = 0; i < nreg; i++) {
        int n = 0;
        while (regressions[i][n]) vector[n] = (char *)regressions[i][n], n++;
        vector[n] = NULL;
        check_vector(n, vector);
    }
    printf("%ld argument vectors and %zu kept cases checked (seed %llu): %ld parsed, %ld refused "
           "by the parser; %ld finding%s\n",
           count, nreg, (unsigned long long)seed, accepted, refused_input, findings,
           findings == 1 ? "" : "s");
    for (int i = 0; i < ntokens; i++) free(tokens[i]);
    return findings ? 1 : 0;
}
