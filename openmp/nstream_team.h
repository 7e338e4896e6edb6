/* nstream with an OpenMP team, shared by the omp and hybrid backends: the
 * team streams this process's `count` elements, each thread a contiguous
 * band that starts on a cache line, first touched by the thread that
 * computes it. The master closes each iteration with tb_comm_barrier()
 * (every rank in the hybrid backend, nothing in omp) between two team
 * barriers, so that all ranks stream concurrently. */
#ifndef TB_NSTREAM_TEAM_H
#define TB_NSTREAM_TEAM_H

#include <stdint.h>

#include "tb_kernel.h"

tb_status nstream_team_run(tb_run *run, int64_t count);

#endif
