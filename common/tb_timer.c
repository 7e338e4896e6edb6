#include "tb_timer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

double tb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double tb_median(const double *values, int n)
{
    double *copy = malloc(sizeof(double) * (size_t)n);
    if (!copy) return values[0];
    memcpy(copy, values, sizeof(double) * (size_t)n);
    qsort(copy, (size_t)n, sizeof(double), compare_doubles);
    double m = (n % 2) ? copy[n / 2] : 0.5 * (copy[n / 2 - 1] + copy[n / 2]);
    free(copy);
    return m;
}

tb_stats tb_stats_of(const double *values, int n)
{
    tb_stats s = {values[0], 0.0, values[0], 0.0, 0.0};
    for (int i = 0; i < n; i++) {
        if (values[i] < s.min) s.min = values[i];
        if (values[i] > s.max) s.max = values[i];
        s.total += values[i];
    }
    s.mean = s.total / n;
    s.median = tb_median(values, n);
    return s;
}
