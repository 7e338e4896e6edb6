/* Memory: aligned allocation, the memory check done before allocating, and
 * the peak resident set size reported in the record. */
#ifndef TB_MEM_H
#define TB_MEM_H

#include <stddef.h>

#include "tb_status.h"

#define TB_ALIGN 64 /* a cache line; also enough for AVX-512 loads */

/* The page policy of every allocation of the run, set once from the
 * command line (--huge-pages) before the kernel runs:
 *   TB_PAGES_NORMAL  ordinary allocation, as STREAM, PRK and most codes do
 *                    (the default);
 *   TB_PAGES_HUGE    requests from 2 MiB up are aligned to 2 MiB and advised
 *                    as transparent huge page candidates (madvise
 *                    MADV_HUGEPAGE; a hint the kernel may ignore). */
typedef enum tb_pages { TB_PAGES_NORMAL, TB_PAGES_HUGE } tb_pages;
void tb_mem_set_pages(tb_pages policy);
tb_pages tb_mem_pages(void);
const char *tb_mem_pages_name(void); /* "normal" or "huge" */

/* Aligned, uninitialised memory (so first touch decides page placement),
 * under the page policy. Returns NULL on failure or when count * size
 * overflows. */
void *tb_alloc(size_t count, size_t size);
/* Frees; before a block of 2 MiB or more goes, samples the huge-page
 * memory the process holds (tb_mem_huge_peak). */
void tb_free(void *p);

/* The same as tb_alloc: the policy decides, not the call (kept for the
 * drivers of large streamed arrays that name it). Free with tb_free. */
void *tb_alloc_huge(size_t count, size_t size);

/* The most transparent huge page memory this process held (AnonHugePages of
 * /proc/self/smaps) at any sample since tb_mem_huge_reset: one sample now,
 * and one before each large block was freed. Bytes; 0 when unknown. */
void tb_mem_huge_reset(void);
long tb_mem_huge_peak(void);

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
