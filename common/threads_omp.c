/* The thread layer for OpenMP executables (omp, hybrid). */
#include "tb_threads.h"

#include <omp.h>
#include <stdio.h>

int tb_threads_enabled(void) { return 1; }
int tb_threads_count(void) { return omp_get_max_threads(); }
void tb_threads_set(int count) { omp_set_num_threads(count); }

void tb_threads_each(void (*fn)(int, int, void *), void *arg)
{
#pragma omp parallel
    fn(omp_get_thread_num(), omp_get_num_threads(), arg);
}

const char *tb_threads_runtime(void)
{
    static char text[32];
    snprintf(text, sizeof text, "OpenMP %d", _OPENMP);
    return text;
}
