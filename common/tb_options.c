#include "tb_options.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tb_error.h"
#include "tb_size.h"

tb_status tb_parse_int(const char *name, const char *text, int64_t min, int64_t max,
                       int64_t *out)
{
    if (text == NULL || *text == '\0')
        return tb_error_set(TB_EINPUT, "%s needs a value (a whole number from %" PRId64
                            " to %" PRId64 ")", name, min, max);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    int overflow = errno == ERANGE;
    if (*end != '\0') {
        /* Exponent notation such as 1e6, accepted only when exactly integral. */
        errno = 0;
        double d = strtod(text, &end);
        if (*end != '\0' || end == text || !isfinite(d) || d != floor(d))
            return tb_error_set(TB_EINPUT, "%s: '%s' is not a whole number", name, text);
        if (fabs(d) > 9.0e18) overflow = 1;
        else v = (long long)d;
        if (errno == ERANGE) overflow = 1;
    }
    if (overflow)
        return tb_error_set(TB_EINPUT, "%s: %s is too large (at most %" PRId64 ")", name, text, max);
    if (v < min || v > max)
        return tb_error_set(TB_EINPUT, "%s: %s is out of range (%" PRId64 " to %" PRId64 ")", name,
                            text, min, max);
    *out = v;
    return TB_OK;
}

static int param_index(const tb_kernel *k, const char *name)
{
    for (int i = 0; i < k->nparams; i++)
        if (strcmp(k->params[i].name, name) == 0) return i;
    return -1;
}

/* "a, b, c" from a choice list; for "NAME=value" entries, the names. */
static void join_names(const char *const *list, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; list[c] && used + 1 < size; c++)
        used += (size_t)snprintf(out + used, size - used, "%s%.*s", c ? ", " : "",
                                 (int)strcspn(list[c], "="), list[c]);
}

int tb_series_index(const tb_kernel *k)
{
    return k && k->series ? param_index(k, k->series) : -1;
}

/* A series value given as --<option>: a power of two within the parameter's
 * range. */
static tb_status parse_series(const tb_kernel *k, const char *option, const char *text, int64_t *out)
{
    const tb_param_def *d = &k->params[tb_series_index(k)];
    tb_status st = tb_parse_int(option, text, d->min, d->max, out);
    if (st == TB_OK && (*out & (*out - 1)) != 0)
        return tb_error_set(TB_EINPUT, "%s: %s is not a power of two", option, text);
    return st;
}

/* `option` is the name as the user typed it (--size or --<param>). */
static tb_status parse_param(const tb_kernel *k, int index, const char *option, const char *text,
                             tb_params *p)
{
    const tb_param_def *d = &k->params[index];
    if (index == tb_series_index(k)) {
        int64_t v = 0;
        tb_status st = parse_series(k, option, text, &v);
        p->value[index] = v;
        p->set[index] = st == TB_OK;
        return st;
    }
    if (d->type == TB_PARAM_CHOICE) {
        for (int c = 0; d->choices[c]; c++)
            if (text && strcmp(d->choices[c], text) == 0) {
                p->value[index] = c;
                p->set[index] = 1;
                return TB_OK;
            }
        char accepted[256];
        join_names(d->choices, accepted, sizeof accepted);
        return tb_error_set(TB_EINPUT, "%s: '%s' is not one of %s", option, text ? text : "",
                            accepted);
    }
    int64_t v = 0;
    if (d->choices && text) /* a name for a value, "NAME=value" */
        for (int c = 0; d->choices[c]; c++) {
            size_t len = strcspn(d->choices[c], "=");
            if (strlen(text) == len && strncmp(d->choices[c], text, len) == 0) {
                p->value[index] = strtoll(d->choices[c] + len + 1, NULL, 10);
                p->set[index] = 1;
                return TB_OK;
            }
        }
    if (d->choices && text && !isdigit((unsigned char)text[text[0] == '-' || text[0] == '+'])) {
        char names[256];
        join_names(d->choices, names, sizeof names);
        return tb_error_set(TB_EINPUT, "%s: '%s' is neither a whole number nor one of %s", option,
                            text, names);
    }
    tb_status st = tb_parse_int(option, text, d->min, d->max, &v);
    if (st != TB_OK) return st;
    p->value[index] = v;
    p->set[index] = 1;
    return TB_OK;
}

void tb_kernel_defaults(const tb_kernel *k, int *iters, int *warmup)
{
    *iters = k->default_iters > 0 ? k->default_iters : TB_DEFAULT_ITERS;
    *warmup = k->default_warmup > 0 ? k->default_warmup
              : k->default_warmup == TB_NO_WARMUP ? 0 : TB_DEFAULT_WARMUP;
}

/* Split "--name=value" or take the value from the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq) return eq + 1;
    if (*i + 1 < argc) return argv[++*i];
    return NULL;
}

tb_status tb_options_parse(int argc, char **argv, tb_options *o)
{
    memset(o, 0, sizeof *o);
    o->action = TB_ACTION_RUN;
    o->iters = TB_DEFAULT_ITERS;
    o->warmup = TB_DEFAULT_WARMUP;
    tb_fault_opts_init(&o->fault);

    /* The kernel is the first argument that is not an option; find it first so
     * that its parameters are known whatever the order of the options. */
    const char *kernel_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-') { kernel_name = argv[i]; break; }
        if (!strchr(argv[i], '=') && strcmp(argv[i], "--quiet") && strcmp(argv[i], "--list") &&
            strcmp(argv[i], "--help") && strcmp(argv[i], "-h") && strcmp(argv[i], "--version") &&
            strcmp(argv[i], "--resume") && strcmp(argv[i], "--huge-pages"))
            i++; /* skip this option's value; --json's value may be "-" */
    }
    if (kernel_name) {
        o->kernel = tb_kernel_find(kernel_name);
        if (!o->kernel)
            return tb_error_set(TB_EINPUT, "unknown kernel '%s' (--list shows the kernels)",
                                kernel_name);
        for (int j = 0; j < o->kernel->nparams; j++) o->params.value[j] = o->kernel->params[j].def;
        tb_kernel_defaults(o->kernel, &o->iters, &o->warmup);
    }
    o->series = tb_series_index(o->kernel);
    if (o->series >= 0) {
        o->series_min = o->kernel->params[o->series].min;
        o->series_max = o->kernel->params[o->series].max;
    }
    int range_given = 0;

    int64_t v = 0;
    tb_status st = TB_OK;
    int seen_kernel = 0;
    for (int i = 1; i < argc && st == TB_OK; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            if (seen_kernel)
                return tb_error_set(TB_EINPUT, "unexpected argument '%s' (one kernel per run)", arg);
            seen_kernel = 1;
            continue;
        }
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof name) len = sizeof name - 1;
        memcpy(name, arg, len);
        name[len] = '\0';

        if (!strcmp(name, "--help") || !strcmp(name, "-h")) o->action = TB_ACTION_HELP;
        else if (!strcmp(name, "--version")) o->action = TB_ACTION_VERSION;
        else if (!strcmp(name, "--list")) o->action = TB_ACTION_LIST;
        else if (!strcmp(name, "--quiet")) o->quiet = 1;
        else if (!strcmp(name, "--json")) {
            /* A bare --json at the end means stdout, so `--list --json` works. */
            const char *val = option_value(argc, argv, &i, eq);
            if (!val) val = "-";
            if (!*val) return tb_error_set(TB_EINPUT, "--json needs a path (or - for stdout)");
            o->json_path = val;
        } else if (!strcmp(name, "--iters")) {
            st = tb_parse_int("--iters", option_value(argc, argv, &i, eq), 1, TB_MAX_ITERS, &v);
            o->iters = (int)v;
        } else if (!strcmp(name, "--warmup")) {
            st = tb_parse_int("--warmup", option_value(argc, argv, &i, eq), 0, TB_MAX_ITERS, &v);
            o->warmup = (int)v;
        } else if (!strcmp(name, "--threads")) {
            st = tb_parse_int("--threads", option_value(argc, argv, &i, eq), 1, TB_MAX_THREADS, &v);
            o->threads = (int)v;
        } else if (!strcmp(name, "--inject-fault")) {
            st = tb_fault_parse_spec(option_value(argc, argv, &i, eq), &o->fault);
        } else if (!strcmp(name, "--ft")) {
            st = tb_fault_parse_mode(option_value(argc, argv, &i, eq), &o->fault);
        } else if (!strcmp(name, "--ft-timeout")) {
            st = tb_fault_parse_seconds("--ft-timeout", option_value(argc, argv, &i, eq), 0.01,
                                        3600.0, &o->fault.timeout);
            o->fault.timeout_set = 1;
        } else if (!strcmp(name, "--checkpoint")) {
            const char *val = option_value(argc, argv, &i, eq);
            if (!val || !*val) return tb_error_set(TB_EINPUT, "--checkpoint needs a file name");
            o->fault.checkpoint = val;
        } else if (!strcmp(name, "--checkpoint-interval")) {
            st = tb_fault_parse_seconds("--checkpoint-interval", option_value(argc, argv, &i, eq),
                                        0.0, 86400.0, &o->fault.interval);
            o->fault.interval_set = 1;
        } else if (!strcmp(name, "--resume")) {
            o->fault.resume = 1;
        } else if (!strcmp(name, "--huge-pages")) {
            if (eq) return tb_error_set(TB_EINPUT, "--huge-pages takes no value");
            o->huge_pages = 1;
        } else if (o->kernel && !strcmp(name, "--size")) {
            const char *val = option_value(argc, argv, &i, eq);
            o->size_auto = val && !strcmp(val, "auto");
            if (!o->size_auto)
                st = parse_param(o->kernel, o->kernel->size_param, name, val, &o->params);
        } else if (o->kernel && !strncmp(name, "--", 2) && param_index(o->kernel, name + 2) >= 0) {
            st = parse_param(o->kernel, param_index(o->kernel, name + 2), name,
                             option_value(argc, argv, &i, eq), &o->params);
        } else if (o->series >= 0 && (!strncmp(name, "--min-", 6) || !strncmp(name, "--max-", 6)) &&
                   !strcmp(name + 6, o->kernel->series)) {
            st = parse_series(o->kernel, name, option_value(argc, argv, &i, eq),
                              name[3] == 'i' ? &o->series_min : &o->series_max);
            range_given = 1;
        } else {
            return tb_error_set(TB_EINPUT, "unknown option '%s'%s", name,
                                o->kernel ? " (--list shows each kernel's options)"
                                          : " (--help shows the options)");
        }
    }
    if (st != TB_OK) return st;
    if (o->size_auto) {
        /* After the other parameters: the size depends on them (radius...). */
        int64_t value = 0;
        const char *why = NULL;
        if (tb_size_auto(o->kernel, &o->params, &value, &why) != 0)
            return tb_error_set(TB_EINPUT, "--size auto: not for %s: %s", o->kernel->name, why);
        o->params.value[o->kernel->size_param] = value;
        o->params.set[o->kernel->size_param] = 1;
    }
    if (o->kernel && o->kernel->resolve) {
        st = o->kernel->resolve(&o->params);
        if (st != TB_OK) return st;
    }
    if (o->series >= 0) {
        const char *s = o->kernel->series;
        if (range_given && o->params.set[o->series])
            return tb_error_set(TB_EINPUT, "--%s (one size) and --min-%s/--max-%s (a range) "
                                "exclude each other", s, s, s);
        if (o->params.set[o->series]) o->series_min = o->series_max = o->params.value[o->series];
        if (o->series_min > o->series_max)
            return tb_error_set(TB_EINPUT, "--min-%s %" PRId64 " is larger than --max-%s %" PRId64,
                                s, o->series_min, s, o->series_max);
    }
    if (o->action == TB_ACTION_LIST && o->json_path) o->list_json = 1;
    if (o->action == TB_ACTION_RUN && !o->kernel)
        return tb_error_set(TB_EINPUT, "no kernel given (--list shows the kernels, --help the options)");
    return TB_OK;
}

void tb_options_print_help(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s <kernel> [options]\n"
            "       %s --list [--json] | --help | --version\n"
            "\n"
            "Runs one kernel, validates its answer, prints one line and (with --json) a record\n"
            "(micro-benchmarks: a table, and a record per message size).\n"
            "\n"
            "options:\n"
            "  --size N      the kernel's problem size (see --list); auto: a working set of at\n"
            "                least 4 x the last-level cache (STREAM rule), capped by free memory\n"
            "  --huge-pages  advise transparent huge pages for large arrays (default: ordinary\n"
            "                pages); the record says how much huge-page memory the run got\n"
            "  --iters N     timed iterations (default %d, unless --list gives the kernel's own)\n"
            "  --warmup N    untimed iterations first (default %d, likewise)\n"
            "  --threads N   OpenMP threads per process (default: OMP_NUM_THREADS)\n"
            "  --json PATH   append the JSON record to PATH ('-': print it on stdout)\n"
            "  --quiet       no human line on stdout\n"
            "  --list        kernels and their parameters (--list --json for JSON)\n"
            "  --<param> V   a kernel parameter (see --list)\n"
            "  --min-bytes N, --max-bytes N\n"
            "                micro-benchmarks: one record per power of two in this range\n"
            "\n"
            "failures (kernels with a pool of tasks: ep; docs/failures.md):\n"
            "  --inject-fault SPEC  FOR DEMONSTRATION AND TESTS ONLY: fail on purpose once K tasks\n"
            "                are done: kill:rank=R,after=K (SIGKILL), hang:rank=R,after=K (stays\n"
            "                alive, silent), exit:rank=R (exits 0 without finalising),\n"
            "                kill:thread=T,after=K (an OpenMP thread; hybrid: with rank=R)\n"
            "  --ft MODE     what the MPI master does about a lost worker: none (plain MPI),\n"
            "                detect (never wait forever: end with a clear message), reassign\n"
            "                (give its tasks to the others; Open MPI 4 also needs mpirun\n"
            "                --mca orte_enable_recovery 1 for a worker that dies)\n"
            "  --ft-timeout S  seconds of silence before a process counts as lost (default %g)\n"
            "  --checkpoint FILE  save the completed tasks to FILE at intervals (atomically)\n"
            "  --checkpoint-interval S  seconds between saves (default %g; 0: every task)\n"
            "  --resume      continue from --checkpoint FILE: saved tasks are not computed again\n"
            "\n"
            "Exit status: 0 validated, 1 run-time error, 2 bad input, 3 answer did not validate.\n"
            "MPI executables take their ranks from the launcher: mpirun -n P %s ...\n",
            program, program, TB_DEFAULT_ITERS, TB_DEFAULT_WARMUP, TB_FT_DEFAULT_TIMEOUT,
            TB_CKPT_DEFAULT_INTERVAL, program);
}
