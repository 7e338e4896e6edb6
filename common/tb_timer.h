/* Wall-clock time and the statistics of a set of timings. */
#ifndef TB_TIMER_H
#define TB_TIMER_H

/* Seconds from CLOCK_MONOTONIC: the same clock in every backend. */
double tb_now(void);

typedef struct tb_stats {
    double min, median, max, mean, total;
} tb_stats;

/* Statistics of n values (n >= 1). Does not modify `values`. */
tb_stats tb_stats_of(const double *values, int n);

/* Median of n values (sorts a copy). */
double tb_median(const double *values, int n);

#endif
