#include "tb_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "tb_error.h"

void *tb_alloc(size_t count, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
    if (bytes == 0) bytes = TB_ALIGN;
    /* Round up so that aligned_alloc's size-is-a-multiple rule holds. */
    if (bytes > SIZE_MAX - TB_ALIGN) return NULL;
    bytes = (bytes + TB_ALIGN - 1) / TB_ALIGN * TB_ALIGN;
    return aligned_alloc(TB_ALIGN, bytes);
}

void tb_free(void *p) { free(p); }

#define TB_HUGE_PAGE ((size_t)2 << 20)

void *tb_alloc_huge(size_t count, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return NULL;
    if (bytes < TB_HUGE_PAGE) return tb_alloc(count, size);
    if (bytes > SIZE_MAX - TB_HUGE_PAGE) return NULL;
    bytes = (bytes + TB_HUGE_PAGE - 1) / TB_HUGE_PAGE * TB_HUGE_PAGE;
    void *p = aligned_alloc(TB_HUGE_PAGE, bytes);
#ifdef MADV_HUGEPAGE
    if (p) (void)madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: ignore failure */
#endif
    return p;
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
    while (bytes >= 1024.0 && u < 6) { bytes /= 1024.0; u++; }
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
