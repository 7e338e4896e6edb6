#include "tb_backend.h"

const tb_backend tb_this_backend = {
    .name = "hybrid",
    .program = "triobench-hybrid",
    .thread_need = TB_THREADS_FUNNELED,
    .breakdown_method =
        "compute: each thread's own work, mean over threads and ranks; comm: the master "
        "thread's exchanges (MPI_THREAD_FUNNELED), mean over ranks; sync: time threads wait "
        "at barriers, mean over threads and ranks",
};
