#include "tb_backend.h"

const tb_backend tb_this_backend = {
    .name = "omp",
    .program = "triobench-omp",
    .thread_need = TB_THREADS_SINGLE,
    .breakdown_method =
        "compute: each thread's own work; comm: 0 (threads read shared memory directly); "
        "sync: time waiting at barriers; all means over threads",
};
