#include "tb_options.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tb_error.h"
#include "tb_size.h"

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

int tb_series_index(const tb_kernel *k) { return k && k->series ? param_index(k, k->series) : -1; }

/* A series value given as --<option>: a power of two within the parameter's
 * range. */
static tb_status parse_series(const tb_kernel *k, const char *option, const char *text,
                              int64_t *out)
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
    *warmup = k->default_warmup > 0               ? k->default_warmup
              : k->default_warmup == TB_NO_WARMUP ? 0
                                                  : TB_DEFAULT_WARMUP;
}

/* ---- The option table ----
 * Every option the executables share, in the order --help lists them; the
 * kernel's parameters (--<param>, --size, --min-/--max-<series>) and its
 * extension's options (tb_extension) come from the kernel's descriptor. */

#define TB_TEXT_(x) #x
#define TB_TEXT(x)  TB_TEXT_(x) /* a number's macro as a string literal */

typedef enum value_kind {
    NO_VALUE, /* a flag */
    VALUE,    /* --name V or --name=V */
    OPTIONAL  /* --json: a bare --json at the end means stdout */
} value_kind;

typedef tb_status (*option_fn)(tb_options *o, const char *value);

typedef struct core_option {
    const char *name; /* with its dashes */
    value_kind value;
    option_fn set;
    const char *metavar;
    const char *help; /* NULL: not listed (an alias) */
} core_option;

static tb_status set_help(tb_options *o, const char *v)
{
    (void)v;
    o->action = TB_ACTION_HELP;
    return TB_OK;
}
static tb_status set_version(tb_options *o, const char *v)
{
    (void)v;
    o->action = TB_ACTION_VERSION;
    return TB_OK;
}
static tb_status set_list(tb_options *o, const char *v)
{
    (void)v;
    o->action = TB_ACTION_LIST;
    return TB_OK;
}
static tb_status set_quiet(tb_options *o, const char *v)
{
    (void)v;
    o->quiet = 1;
    return TB_OK;
}
static tb_status set_huge(tb_options *o, const char *v)
{
    (void)v;
    o->huge_pages = 1;
    return TB_OK;
}

static tb_status set_json(tb_options *o, const char *v)
{
    if (!v) v = "-";
    if (!*v) return tb_error_set(TB_EINPUT, "--json needs a path (or - for stdout)");
    o->json_path = v;
    return TB_OK;
}

/* --iters, --warmup, --threads: a whole number into an int. */
static tb_status set_int(const char *name, const char *v, int64_t min, int64_t max, int *out)
{
    int64_t n = 0;
    tb_status st = tb_parse_int(name, v, min, max, &n);
    if (st == TB_OK) *out = (int)n;
    return st;
}
static tb_status set_iters(tb_options *o, const char *v)
{
    return set_int("--iters", v, 1, TB_MAX_ITERS, &o->iters);
}
static tb_status set_warmup(tb_options *o, const char *v)
{
    return set_int("--warmup", v, 0, TB_MAX_ITERS, &o->warmup);
}
static tb_status set_threads(tb_options *o, const char *v)
{
    return set_int("--threads", v, 1, TB_MAX_THREADS, &o->threads);
}

static tb_status set_size(tb_options *o, const char *v)
{
    o->size_auto = v && !strcmp(v, "auto");
    if (o->size_auto) return TB_OK;
    return parse_param(o->kernel, o->kernel->size_param, "--size", v, &o->params);
}

static const core_option core_options[] = {
    {"--size", VALUE, set_size, "N",
     "the kernel's problem size (see --list); auto: a working set of at least 4 x the "
     "last-level cache (STREAM rule), capped by free memory"},
    {"--iters", VALUE, set_iters, "N",
     "timed iterations (default " TB_TEXT(
         TB_DEFAULT_ITERS) ", unless --list gives the kernel's own)"},
    {"--warmup", VALUE, set_warmup, "N",
     "untimed iterations first (default " TB_TEXT(TB_DEFAULT_WARMUP) ", likewise)"},
    {"--threads", VALUE, set_threads, "N", "OpenMP threads per process (default: OMP_NUM_THREADS)"},
    {"--json", OPTIONAL, set_json, "PATH",
     "append the JSON record to PATH ('-': print it on stdout)"},
    {"--quiet", NO_VALUE, set_quiet, NULL, "no human line on stdout"},
    {"--huge-pages", NO_VALUE, set_huge, NULL,
     "advise transparent huge pages for large arrays (default: ordinary pages); "
     "the record says how much huge-page memory the run got"},
    {"--list", NO_VALUE, set_list, NULL, "kernels and their parameters (--list --json for JSON)"},
    {"--help", NO_VALUE, set_help, NULL, "this text"},
    {"-h", NO_VALUE, set_help, NULL, NULL},
    {"--version", NO_VALUE, set_version, NULL, "the version, git commit and compiler"},
};
#define NCORE ((int)(sizeof core_options / sizeof core_options[0]))

static const core_option *core_find(const char *name)
{
    for (int i = 0; i < NCORE; i++)
        if (!strcmp(core_options[i].name, name)) return &core_options[i];
    return NULL;
}

/* The index of `--name` among ext's options, or -1. */
static int ext_index(const tb_extension *x, const char *name)
{
    if (!x || strncmp(name, "--", 2) != 0) return -1;
    for (int i = 0; i < x->noptions; i++)
        if (!strcmp(x->options[i].name, name + 2)) return i;
    return -1;
}

/* A kernel whose extension declares `--name` (the first), or NULL. */
static const tb_kernel *ext_owner(const char *name)
{
    for (int k = 0; k < tb_nkernels; k++)
        if (ext_index(tb_kernels[k]->ext, name) >= 0) return tb_kernels[k];
    return NULL;
}

/* Whether `arg` (without "=value") is followed by a separate value. */
static int takes_value(const char *name)
{
    const core_option *c = core_find(name);
    if (c) return c->value != NO_VALUE;
    const tb_kernel *owner = ext_owner(name);
    if (owner) return owner->ext->options[ext_index(owner->ext, name)].type != TB_OPT_FLAG;
    return 1; /* a parameter, or unknown: the parser says which */
}

/* Split "--name=value" or take the value from the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq) return eq + 1;
    if (*i + 1 < argc) return argv[++*i];
    return NULL;
}

/* "--x takes no value" for a flag written --x=value. */
static tb_status flag_without_value(const char *name, const char *eq)
{
    return eq ? tb_error_set(TB_EINPUT, "%s takes no value", name) : TB_OK;
}

/* --name of the kernel's extension (or of another kernel's: refused). */
static tb_status parse_ext(tb_options *o, const char *name, int argc, char **argv, int *i,
                           const char *eq, int *known)
{
    const tb_extension *x = o->kernel ? o->kernel->ext : NULL;
    int index = ext_index(x, name);
    *known = 1;
    if (index >= 0) {
        const tb_option_def *d = &x->options[index];
        if (d->type == TB_OPT_FLAG) {
            tb_status st = flag_without_value(name, eq);
            return st != TB_OK ? st : x->parse(o->ext, index, NULL);
        }
        return x->parse(o->ext, index, option_value(argc, argv, i, eq));
    }
    const tb_kernel *owner = ext_owner(name);
    if (!owner) {
        *known = 0;
        return TB_OK;
    }
    if (!o->kernel) { /* reported as "no kernel given" */
        if (owner->ext->options[ext_index(owner->ext, name)].type != TB_OPT_FLAG)
            (void)option_value(argc, argv, i, eq);
        return TB_OK;
    }
    char with[128] = "";
    for (int k = 0, used = 0; k < tb_nkernels && used < (int)sizeof with; k++)
        if (tb_kernels[k]->ext == owner->ext)
            used += snprintf(with + used, sizeof with - (size_t)used, "%s%s", used ? ", " : "",
                             tb_kernels[k]->name);
    return tb_error_set(TB_EINPUT, "%s: kernel %s %s (kernels that have one: %s)", name,
                        o->kernel->name, owner->ext->lacks, with);
}

void tb_options_free(tb_options *o)
{
    if (o->kernel && o->kernel->ext && o->ext) o->kernel->ext->destroy(o->ext);
    o->ext = NULL;
}

tb_status tb_options_parse(int argc, char **argv, tb_options *o)
{
    memset(o, 0, sizeof *o);
    o->action = TB_ACTION_RUN;
    o->iters = TB_DEFAULT_ITERS;
    o->warmup = TB_DEFAULT_WARMUP;

    /* The kernel is the first argument that is not an option; find it first so
     * that its parameters are known whatever the order of the options. */
    const char *kernel_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-') {
            kernel_name = argv[i];
            break;
        }
        if (!strchr(argv[i], '=') && takes_value(argv[i]))
            i++; /* skip this option's value; --json's value may be "-" */
    }
    if (kernel_name) {
        o->kernel = tb_kernel_find(kernel_name);
        if (!o->kernel)
            return tb_error_set(TB_EINPUT, "unknown kernel '%s' (--list shows the kernels)",
                                kernel_name);
        for (int j = 0; j < o->kernel->nparams; j++) o->params.value[j] = o->kernel->params[j].def;
        tb_kernel_defaults(o->kernel, &o->iters, &o->warmup);
        if (o->kernel->ext && !(o->ext = o->kernel->ext->create()))
            return tb_error_set(TB_ERUNTIME, "out of memory for the options");
    }
    o->series = tb_series_index(o->kernel);
    if (o->series >= 0) {
        o->series_min = o->kernel->params[o->series].min;
        o->series_max = o->kernel->params[o->series].max;
    }
    int range_given = 0;

    tb_status st = TB_OK;
    int seen_kernel = 0;
    for (int i = 1; i < argc && st == TB_OK; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-') {
            if (seen_kernel)
                return tb_error_set(TB_EINPUT, "unexpected argument '%s' (one kernel per run)",
                                    arg);
            seen_kernel = 1;
            continue;
        }
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof name) len = sizeof name - 1;
        memcpy(name, arg, len);
        name[len] = '\0';

        const core_option *c = core_find(name);
        int known = 0;
        if (c && (o->kernel || c->set != set_size)) {
            const char *value = NULL;
            if (c->value == NO_VALUE)
                st = flag_without_value(name, eq);
            else
                value = option_value(argc, argv, &i, eq);
            if (st == TB_OK) st = c->set(o, value);
        } else if (o->kernel && !strncmp(name, "--", 2) && param_index(o->kernel, name + 2) >= 0) {
            st = parse_param(o->kernel, param_index(o->kernel, name + 2), name,
                             option_value(argc, argv, &i, eq), &o->params);
        } else if (o->series >= 0 && (!strncmp(name, "--min-", 6) || !strncmp(name, "--max-", 6)) &&
                   !strcmp(name + 6, o->kernel->series)) {
            st = parse_series(o->kernel, name, option_value(argc, argv, &i, eq),
                              name[3] == 'i' ? &o->series_min : &o->series_max);
            range_given = 1;
        } else if ((st = parse_ext(o, name, argc, argv, &i, eq, &known)) == TB_OK && !known) {
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
            return tb_error_set(TB_EINPUT,
                                "--%s (one size) and --min-%s/--max-%s (a range) "
                                "exclude each other",
                                s, s, s);
        if (o->params.set[o->series]) o->series_min = o->series_max = o->params.value[o->series];
        if (o->series_min > o->series_max)
            return tb_error_set(TB_EINPUT, "--min-%s %" PRId64 " is larger than --max-%s %" PRId64,
                                s, o->series_min, s, o->series_max);
    }
    if (o->action == TB_ACTION_LIST && o->json_path) o->list_json = 1;
    if (o->action == TB_ACTION_RUN && !o->kernel)
        return tb_error_set(TB_EINPUT,
                            "no kernel given (--list shows the kernels, --help the options)");
    return TB_OK;
}

#define HELP_INDENT 16
#define HELP_WIDTH  92

/* "  --name METAVAR  help", the help wrapped at HELP_WIDTH columns (and at
 * its own newlines), indented under it. */
static void print_option(FILE *out, const char *name, const char *metavar, const char *help)
{
    char head[48];
    snprintf(head, sizeof head, "%s%s%s", name, metavar ? " " : "", metavar ? metavar : "");
    int col = fprintf(out, "  %-*s", HELP_INDENT - 2, head);
    if ((int)strlen(head) > HELP_INDENT - 4)
        col = HELP_WIDTH; /* a long head: the help starts below */
    for (const char *p = help; *p;) {
        if (*p == '\n' || *p == ' ') {
            if (*p++ == '\n') col = HELP_WIDTH;
            continue;
        }
        int word = (int)strcspn(p, " \n");
        if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH) col = HELP_WIDTH;
        if (col >= HELP_WIDTH)
            col = fprintf(out, "\n%*s", HELP_INDENT, "") - 1;
        else if (col > HELP_INDENT)
            col += fprintf(out, " ");
        col += fprintf(out, "%.*s", word, p);
        p += word;
    }
    fprintf(out, "\n");
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
            "options:\n",
            program, program);
    for (int i = 0; i < NCORE; i++)
        if (core_options[i].help)
            print_option(out, core_options[i].name, core_options[i].metavar, core_options[i].help);
    print_option(out, "--<param>", "V", "a kernel parameter (see --list)");
    print_option(out, "--min-bytes N, --max-bytes N", NULL,
                 "micro-benchmarks: one record per power of two in this range");
    /* Each kernel extension's options, once, with the kernels that own it. */
    for (int k = 0; k < tb_nkernels; k++) {
        const tb_extension *x = tb_kernels[k]->ext;
        int first = x != NULL;
        for (int e = 0; e < k && first; e++) first = tb_kernels[e]->ext != x;
        if (!first) continue;
        fprintf(out, "\n%s (kernel", x->title);
        for (int e = k, n = 0; e < tb_nkernels; e++)
            if (tb_kernels[e]->ext == x)
                fprintf(out, "%s%s", n++ ? ", " : " ", tb_kernels[e]->name);
        fprintf(out, "; %s):\n", x->doc);
        for (int i = 0; i < x->noptions; i++) {
            const tb_option_def *d = &x->options[i];
            char name[64], help[512];
            snprintf(name, sizeof name, "--%s", d->name);
            snprintf(help, sizeof help, "%s%s%s%s", d->help, d->def ? " (default " : "",
                     d->def ? d->def : "", d->def ? ")" : "");
            print_option(out, name, d->metavar, help);
        }
    }
    fprintf(out,
            "\n"
            "Exit status: 0 validated, 1 run-time error, 2 bad input, 3 answer did not validate.\n"
            "MPI executables take their ranks from the launcher: mpirun -n P %s ...\n",
            program);
}
