#include "tb_catalogue.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tb_backend.h"
#include "tb_build.h"
#include "tb_json.h"
#include "tb_mem.h"
#include "tb_model.h"
#include "tb_options.h"
#include "tb_size.h"

const char *tb_kind_name(tb_kind kind)
{
    return kind == TB_KIND_MICRO ? "micro" : kind == TB_KIND_PROBE ? "probe" : "scaling";
}

static int at_least_one(int v) { return v > 0 ? v : 1; }

/* A parameter's value as text or JSON: a choice by name, an INT as a number. */
static void json_param_value(tb_json *j, const tb_param_def *d, int64_t v)
{
    if (d->type == TB_PARAM_CHOICE)
        tb_json_string(j, d->choices[v]);
    else
        tb_json_int(j, v);
}

static void json_param(tb_json *j, const tb_kernel *k, int i)
{
    const tb_param_def *d = &k->params[i];
    tb_json_begin_object(j);
    tb_json_kv_string(j, "name", d->name);
    tb_json_kv_string(j, "help", d->help);
    tb_json_kv_string(j, "type", d->type == TB_PARAM_CHOICE ? "choice" : "int");
    tb_json_key(j, "default");
    /* A series parameter's default is its whole range: no one value. */
    if (i == tb_series_index(k))
        tb_json_null(j);
    else
        json_param_value(j, d, d->def);
    if (d->type == TB_PARAM_CHOICE) {
        tb_json_key(j, "choices");
        tb_json_begin_array(j);
        for (int c = 0; d->choices[c]; c++) tb_json_string(j, d->choices[c]);
        tb_json_end_array(j);
    } else {
        tb_json_kv_int(j, "min", d->min);
        tb_json_kv_int(j, "max", d->max);
        if (d->choices) { /* "NAME=value" names for values */
            tb_json_key(j, "names");
            tb_json_begin_object(j);
            for (int c = 0; d->choices[c]; c++) {
                char name[64];
                size_t len = strcspn(d->choices[c], "=");
                snprintf(name, sizeof name, "%.*s", (int)len, d->choices[c]);
                tb_json_kv_int(j, name, strtoll(d->choices[c] + len + 1, NULL, 10));
            }
            tb_json_end_object(j);
        }
    }
    tb_json_end_object(j);
}

static const char *const option_types[] = {"flag", "number", "string", "choice"};

/* One option of the kernel's extension. */
static void json_option(tb_json *j, const tb_option_def *d)
{
    tb_json_begin_object(j);
    tb_json_kv_string(j, "name", d->name);
    tb_json_kv_string(j, "type", option_types[d->type]);
    tb_json_kv_string(j, "help", d->help);
    tb_json_kv_string(j, "default", d->def);
    if (d->type == TB_OPT_CHOICE) {
        tb_json_key(j, "choices");
        tb_json_begin_array(j);
        for (int c = 0; d->choices[c]; c++) tb_json_string(j, d->choices[c]);
        tb_json_end_array(j);
    }
    tb_json_end_object(j);
}

static void json_weak(tb_json *j, tb_weak w)
{
    tb_json_key(j, "weak");
    tb_json_begin_object(j);
    if (w.rule == TB_WEAK_POWER) {
        tb_json_kv_string(j, "rule", "power");
        tb_json_kv_number(j, "exponent", w.k);
    } else if (w.rule == TB_WEAK_LOG2) {
        tb_json_kv_string(j, "rule", "log2");
        tb_json_kv_number(j, "step", w.k);
    } else {
        tb_json_kv_string(j, "rule", "fixed");
    }
    tb_json_end_object(j);
}

/* The kernel's defaults as parameters (the base of --size auto in --list). */
static tb_params default_params(const tb_kernel *k)
{
    tb_params p;
    memset(&p, 0, sizeof p);
    for (int i = 0; i < k->nparams; i++) p.value[i] = k->params[i].def;
    return p;
}

static void json_size(tb_json *j, const tb_kernel *k)
{
    const tb_param_def *d = &k->params[k->size_param];
    tb_params p = default_params(k);
    int64_t value = 0;
    const char *why = NULL;
    tb_json_key(j, "size");
    tb_json_begin_object(j);
    tb_json_key(j, "default");
    if (k->series)
        tb_json_null(j);
    else
        json_param_value(j, d, d->def);
    tb_json_key(j, "auto");
    if (tb_size_auto(k, &p, &value, &why) == 0) {
        tb_json_begin_object(j);
        tb_json_key(j, "value");
        json_param_value(j, d, value);
        p.value[k->size_param] = value;
        tb_json_kv_number(j, "working_set", tb_working_set(k, &p));
        tb_json_kv_string(j, "rule", TB_AUTO_RULE);
        tb_json_end_object(j);
    } else {
        tb_json_null(j);
    }
    tb_json_end_object(j);
}

static void json_kernel(tb_json *j, const tb_kernel *k)
{
    tb_json_begin_object(j);
    tb_json_kv_string(j, "name", k->name);
    tb_json_kv_string(j, "summary", k->summary);
    tb_json_kv_string(j, "unit", k->rate_unit);
    tb_json_kv_string(j, "kind", tb_kind_name(k->kind));
    tb_json_kv_string(j, "size_param", k->series ? NULL : k->params[k->size_param].name);
    tb_json_kv_string(j, "series", k->series);
    tb_json_kv_int(j, "min_pes", at_least_one(k->min_pes));
    tb_json_kv_int(j, "min_ranks", at_least_one(k->min_ranks));
    json_weak(j, k->weak);
    tb_json_kv_bool(j, "memory_bound", k->memory_bound);
    json_size(j, k);
    tb_json_key(j, "sweep_params");
    tb_json_begin_array(j);
    for (int s = 0; k->sweep_params && k->sweep_params[s]; s++)
        tb_json_string(j, k->sweep_params[s]);
    tb_json_end_array(j);
    tb_json_key(j, "options");
    tb_json_begin_array(j);
    for (int i = 0; k->ext && i < k->ext->noptions; i++) json_option(j, &k->ext->options[i]);
    tb_json_end_array(j);
    tb_json_key(j, "params");
    tb_json_begin_array(j);
    for (int i = 0; i < k->nparams; i++) json_param(j, k, i);
    tb_json_end_array(j);
    int iters, warmup;
    tb_kernel_defaults(k, &iters, &warmup);
    tb_json_kv_int(j, "default_iters", iters);
    tb_json_kv_int(j, "default_warmup", warmup);
    tb_model_catalogue_json(j, k);
    tb_json_end_object(j);
}

static void print_json(FILE *out)
{
    const tb_machine *m = tb_machine_get();
    tb_json j;
    tb_json_init(&j);
    tb_json_begin_object(&j);
    tb_json_kv_string(&j, "schema", TB_CATALOGUE_SCHEMA);
    tb_json_kv_int(&j, "revision", TB_CATALOGUE_REVISION);
    tb_json_kv_string(&j, "program", tb_this_backend.program);
    tb_json_kv_string(&j, "backend", tb_this_backend.name);
    tb_json_kv_string(&j, "suite_version", tb_build()->version);
    tb_json_key(&j, "machine");
    tb_json_begin_object(&j);
    tb_json_kv_number(&j, "llc_bytes", m->llc_bytes > 0.0 ? m->llc_bytes : NAN);
    tb_json_kv_number(&j, "llc_reported_bytes", m->llc_reported > 0.0 ? m->llc_reported : NAN);
    tb_json_kv_string(&j, "llc_source", m->llc_source);
    tb_json_kv_number(&j, "mem_available", m->mem_available > 0.0 ? m->mem_available : NAN);
    tb_json_end_object(&j);
    tb_json_key(&j, "kernels");
    tb_json_begin_array(&j);
    for (int k = 0; k < tb_nkernels; k++) json_kernel(&j, tb_kernels[k]);
    tb_json_end_array(&j);
    tb_json_end_object(&j);
    if (j.failed)
        fputs("{}\n", out); /* out of memory: an empty catalogue, still JSON */
    else
        fprintf(out, "%s\n", j.text);
    tb_json_free(&j);
}

/* ---- the human form ---- */

static void print_choices(FILE *out, const char *const *choices)
{
    for (int c = 0; choices[c]; c++) fprintf(out, "%s%s", c ? "|" : "", choices[c]);
}

static void print_param(FILE *out, const tb_kernel *k, int i)
{
    const tb_param_def *d = &k->params[i];
    fprintf(out, "    --%-10s %s%s ", d->name, d->help, i == k->size_param ? " (--size)" : "");
    if (d->type == TB_PARAM_CHOICE) {
        fprintf(out, "[");
        print_choices(out, d->choices);
        fprintf(out, "; default %s]\n", d->choices[d->def]);
    } else if (i == tb_series_index(k)) {
        fprintf(out, "[%" PRId64 "..%" PRId64 ", powers of two]\n", d->min, d->max);
    } else {
        fprintf(out, "[%" PRId64 "..%" PRId64 "; default %" PRId64, d->min, d->max, d->def);
        for (int c = 0; d->choices && d->choices[c]; c++)
            fprintf(out, "%s%s", c ? " " : "; ", d->choices[c]);
        fprintf(out, "]\n");
    }
}

static void print_auto(FILE *out, const tb_kernel *k)
{
    tb_params p = default_params(k);
    int64_t value = 0;
    const char *why = NULL;
    if (tb_size_auto(k, &p, &value, &why) != 0) return;
    const tb_param_def *d = &k->params[k->size_param];
    p.value[k->size_param] = value;
    char ws[32];
    tb_mem_format(tb_working_set(k, &p), ws, sizeof ws);
    if (d->type == TB_PARAM_CHOICE)
        fprintf(out, "    --size auto: %s=%s here (%s; %s)\n", d->name, d->choices[value], ws,
                TB_AUTO_RULE);
    else
        fprintf(out, "    --size auto: %s=%" PRId64 " here (%s; %s)\n", d->name, value, ws,
                TB_AUTO_RULE);
}

static void print_text(FILE *out)
{
    const tb_machine *m = tb_machine_get();
    if (m->llc_bytes > 0.0) {
        char llc[32], reported[32];
        tb_mem_format(m->llc_bytes, llc, sizeof llc);
        tb_mem_format(m->llc_reported, reported, sizeof reported);
        if (m->llc_bytes != m->llc_reported)
            fprintf(out, "this machine: last-level cache %s (%s; hwloc reports %s)\n\n", llc,
                    m->llc_source, reported);
        else
            fprintf(out, "this machine: last-level cache %s (%s)\n\n", llc, m->llc_source);
    }
    for (int n = 0; n < tb_nkernels; n++) {
        const tb_kernel *k = tb_kernels[n];
        fprintf(out, "%-10s %s (rate in %s; %s)\n", k->name, k->summary, k->rate_unit,
                tb_kind_name(k->kind));
        if (k->series)
            fprintf(out,
                    "    one record per power of two from --min-%s to --max-%s "
                    "(default: the whole range), or one with --%s\n",
                    k->series, k->series, k->series);
        if (at_least_one(k->min_pes) > 1 || at_least_one(k->min_ranks) > 1)
            fprintf(out, "    needs at least %d PEs (%d ranks with MPI)\n",
                    at_least_one(k->min_pes), at_least_one(k->min_ranks));
        for (int i = 0; i < k->nparams; i++) print_param(out, k, i);
        print_auto(out, k);
        if (k->ext) {
            fprintf(out, "    %s (%s):", k->ext->title, k->ext->doc);
            for (int i = 0; i < k->ext->noptions; i++)
                fprintf(out, " --%s%s%s", k->ext->options[i].name,
                        k->ext->options[i].metavar ? " " : "",
                        k->ext->options[i].metavar ? k->ext->options[i].metavar : "");
            fprintf(out, "\n");
        }
        int iters, warmup;
        tb_kernel_defaults(k, &iters, &warmup);
        if (k->default_iters || k->default_warmup)
            fprintf(out, "    (defaults for this kernel: --iters %d --warmup %d)\n", iters, warmup);
    }
}

void tb_catalogue_print(FILE *out, int as_json)
{
    if (as_json)
        print_json(out);
    else
        print_text(out);
}
