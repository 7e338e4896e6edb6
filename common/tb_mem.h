/* Memory: aligned allocation, the memory check done before allocating, and
 * the peak resident set size reported in the record. */
#ifndef TB_MEM_H
#define TB_MEM_H

#include <stddef.h>

#include "tb_status.h"

#define TB_ALIGN 64 /* a cache line; also enough for AVX-512 loads */

/* Aligned, uninitialised memory (so first touch decides page placement).
 * Returns NULL on failure or when count * size overflows. */
void *tb_alloc(size_t count, size_t size);
void tb_free(void *p);

/* Like tb_alloc for a large array that is streamed through: from 2 MiB up,
 * aligned to 2 MiB and advised as a transparent huge page candidate
 * (madvise MADV_HUGEPAGE; a hint the kernel may ignore), which saves most
 * TLB misses and, in a virtual machine, the two-level page walks behind
 * them. Smaller requests are plain tb_alloc. Free with tb_free. */
void *tb_alloc_huge(size_t count, size_t size);

/* Bytes of memory available to new allocations on this node
 * (MemAvailable from /proc/meminfo; 0 when unknown). */
double tb_mem_available(void);

/* TB_OK if `bytes_per_process` times `processes_on_node` fits in the memory
 * available on this node; otherwise TB_EINPUT with a message saying how much
 * the problem needs and how much there is. */
tb_status tb_mem_check(double bytes_per_process, int processes_on_node);

/* Peak resident set size of this process, in bytes. */
long tb_mem_peak_rss(void);

/* "1.5 GiB" */
void tb_mem_format(double bytes, char *out, size_t size);

#endif
