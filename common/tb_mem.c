#include "tb_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "tb_build.h"
#include "tb_error.h"

#define TB_HUGE_PAGE ((size_t)2 << 20)

static tb_pages policy = TB_PAGES_NORMAL;

void tb_mem_set_pages(tb_pages p) { policy = p; }
tb_pages tb_mem_pages(void) { return policy; }
const char *tb_mem_pages_name(void) { return policy == TB_PAGES_HUGE ? "huge" : "normal"; }

/* bytes rounded up to a multiple of `align` (aligned_alloc's rule); 0 on overflow. */
static size_t round_up(size_t bytes, size_t align)
{
    if (bytes > SIZE_MAX - align) return 0;
    return (bytes + align - 1) / align * align;
}

void *tb_alloc(size_t count, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
    if (bytes == 0) bytes = TB_ALIGN;
    int huge = policy == TB_PAGES_HUGE && bytes >= TB_HUGE_PAGE;
    size_t align = huge ? TB_HUGE_PAGE : TB_ALIGN;
    bytes = round_up(bytes, align);
    if (bytes == 0) return NULL;
    void *p = aligned_alloc(align, bytes);
#ifdef MADV_HUGEPAGE
    if (p && huge) (void)madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: ignore failure */
#endif
    return p;
}

void *tb_alloc_huge(size_t count, size_t size) { return tb_alloc(count, size); }

/* ---- the huge-page memory obtained ---- */

static long huge_peak;

/* AnonHugePages of the whole process: smaps_rollup's one line, or the sum
 * over /proc/self/smaps where there is no rollup (Linux before 4.14). */
static long anon_huge_now(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f) f = fopen("/proc/self/smaps", "r");
    if (!f) return 0;
    char line[256];
    long total = 0, kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1) total += kib;
    fclose(f);
    return total * 1024L;
}

static void huge_sample(void)
{
    long now = anon_huge_now();
    long seen = __atomic_load_n(&huge_peak, __ATOMIC_RELAXED);
    while (now > seen && !__atomic_compare_exchange_n(&huge_peak, &seen, now, 0, __ATOMIC_RELAXED,
                                                      __ATOMIC_RELAXED)) {
    }
}

void tb_mem_huge_reset(void) { __atomic_store_n(&huge_peak, 0, __ATOMIC_RELAXED); }

long tb_mem_huge_peak(void)
{
    huge_sample();
    return __atomic_load_n(&huge_peak, __ATOMIC_RELAXED);
}

void tb_free(void *p)
{
    /* Simulated (SMPI), every rank would read the whole process's smaps,
     * which is slow and the same for all: rank 0 reads it once at the end. */
    if (p && !tb_simulated() && malloc_usable_size(p) >= TB_HUGE_PAGE) huge_sample();
    free(p);
}

double tb_mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0.0;
    char line[256];
    double kib = 0.0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) break;
    fclose(f);
    return kib * 1024.0;
}

void tb_mem_format(double bytes, char *out, size_t size)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 6) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(out, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

tb_status tb_mem_check(double bytes_per_process, int processes_on_node)
{
    double need = bytes_per_process * processes_on_node;
    double have = tb_mem_available();
    /* Leave a tenth for the MPI library, the OS and the page cache. */
    if (have > 0.0 && need > 0.9 * have) {
        char n[32], h[32];
        tb_mem_format(need, n, sizeof n);
        tb_mem_format(have, h, sizeof h);
        return tb_error_set(TB_EINPUT,
                            "the problem needs %s on this node but only %s is available: "
                            "choose a smaller --size or spread the ranks over more nodes",
                            n, h);
    }
    return TB_OK;
}

long tb_mem_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return ru.ru_maxrss * 1024L; /* Linux reports KiB */
}
