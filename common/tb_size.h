/* Problem sizes that mean what the charts say (issue 11): the working set
 * of a run against the machine's last-level cache, and `--size auto`, the
 * size whose working set is at least TB_AUTO_RATIO times the LLC (the
 * STREAM rule), capped by the memory available. Computed from the kernel's
 * descriptor alone (its bytes_per_rank at one rank and one thread), so the
 * answer is the same for every PE count on one machine: strong scaling
 * keeps one size. */
#ifndef TB_SIZE_H
#define TB_SIZE_H

#include <stdint.h>

#include "tb_kernel.h"

#define TB_AUTO_RATIO 4.0
/* The largest share of MemAvailable an automatic size may take (the rest:
 * decomposition buffers at more ranks, the MPI library, the OS). */
#define TB_AUTO_MEM_SHARE 0.4
#define TB_AUTO_RULE      "working set >= 4 x LLC (STREAM rule), capped by free memory"

typedef struct tb_machine {
    double llc_bytes;       /* the LLC the rules use: every LLC summed; 0 unknown */
    double llc_reported;    /* what hwloc reports, summed */
    const char *llc_source; /* how llc_bytes was chosen, a sentence */
    double mem_available;   /* MemAvailable; 0 unknown */
} tb_machine;

/* This machine (loads the hwloc topology once; no MPI). */
const tb_machine *tb_machine_get(void);

/* The working set of the whole problem in bytes: what one rank of one
 * thread would allocate for it. */
double tb_working_set(const tb_kernel *k, const tb_params *p);

/* "dram" (ratio >= 4), "mixed" (1 <= ratio < 4), "cache-resident" (< 1);
 * NULL when the ratio is unknown (no LLC). */
const char *tb_regime(double ratio);

/* The value of k's size parameter that --size auto means with the other
 * parameters as in p: the smallest whose working set reaches
 * TB_AUTO_RATIO x LLC, or the largest that fits TB_AUTO_MEM_SHARE of the
 * available memory when that comes first. Returns 0 and sets *value; or
 * -1 when the rule cannot apply (a series kernel, a working set that never
 * reaches the target, an unknown LLC), with *why saying which. */
int tb_size_auto(const tb_kernel *k, const tb_params *p, int64_t *value, const char **why);

#endif
