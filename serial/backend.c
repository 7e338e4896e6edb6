#include "tb_backend.h"

const tb_backend tb_this_backend = {
    .name = "serial",
    .program = "triobench-serial",
    .thread_need = TB_THREADS_SINGLE,
    .breakdown_method = "one process, one thread: all time is compute",
};
