#include "tb_backend.h"

const tb_backend tb_this_backend = {
    .name = "mpi",
    .program = "triobench-mpi",
    .thread_need = TB_THREADS_SINGLE,
    .breakdown_method =
        "compute: the block compute; comm: point-to-point exchanges (post, pack, send, wait, "
        "unpack); sync: collectives inside the timed loop; all means over ranks",
};
