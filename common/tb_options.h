/* The command line shared by every executable:
 *   triobench-<backend> <kernel> [--size N|auto] [--huge-pages] [--iters N] [--warmup N]
 *       [--threads N] [--json PATH] [--quiet] [--<kernel parameter> V]
 *       [--<option of the kernel's extension> V]  (e.g. ep's --ft; tb_extension)
 *       [--min-<series> N] [--max-<series> N]     (series kernels, see tb_kernel)
 *   triobench-<backend> --list [--json] | --help | --version
 * Every value is checked; an error names the option and the accepted range. */
#ifndef TB_OPTIONS_H
#define TB_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "tb_kernel.h"
#include "tb_parse.h"
#include "tb_threads.h"

#define TB_DEFAULT_ITERS  10
#define TB_DEFAULT_WARMUP 1
#define TB_MAX_ITERS      1000000000

typedef enum tb_action {
    TB_ACTION_RUN,
    TB_ACTION_LIST,
    TB_ACTION_HELP,
    TB_ACTION_VERSION
} tb_action;

typedef struct tb_options {
    tb_action action;
    const tb_kernel *kernel;
    tb_params params;
    int iters, warmup;
    int threads; /* 0: not given */
    int quiet;
    int list_json;         /* --list --json */
    int size_auto;         /* --size auto (params hold the size it chose) */
    int huge_pages;        /* --huge-pages */
    const char *json_path; /* NULL: none; "-": stdout */
    void *ext;             /* the state of the kernel's extension (tb_extension), or NULL */
    int series;            /* index of the kernel's series parameter, -1: none */
    int64_t series_min, series_max; /* the powers of two a series run sweeps */
} tb_options;

/* The index of kernel k's series parameter, or -1. */
int tb_series_index(const tb_kernel *k);

/* Parse argv. On error returns TB_EINPUT with the message set (tb_error).
 * The kernel's extension options go to opts->ext (the extension's state):
 * release it with tb_options_free. */
tb_status tb_options_parse(int argc, char **argv, tb_options *opts);
void tb_options_free(tb_options *opts);

/* The iteration counts a kernel runs when --iters / --warmup are not given. */
void tb_kernel_defaults(const tb_kernel *k, int *iters, int *warmup);

void tb_options_print_help(FILE *out, const char *program);

#endif
