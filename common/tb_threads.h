/* The thread layer: how many threads a process runs and where they are.
 * Chosen at link time:
 *   common/threads_omp.c   OpenMP (omp and hybrid executables)
 *   common/threads_none.c  one thread (serial and mpi executables) */
#ifndef TB_THREADS_H
#define TB_THREADS_H

#define TB_MAX_THREADS 4096 /* the most --threads accepts */

/* Non-zero when this executable runs OpenMP teams. */
int tb_threads_enabled(void);

/* Threads a parallel region will use (OMP_NUM_THREADS or the override). */
int tb_threads_count(void);

/* Override the count (from --threads). Only valid when enabled. */
void tb_threads_set(int count);

/* Run fn(thread, nthreads, arg) once on every thread of a team, in parallel. */
void tb_threads_each(void (*fn)(int thread, int nthreads, void *arg), void *arg);

/* Name and version of the threading runtime for the record (NULL if none). */
const char *tb_threads_runtime(void);

#endif
