/* The identity of the executable: each backend folder defines tb_this_backend
 * in its backend.c, so the model is chosen at link time, never with #ifdef. */
#ifndef TB_BACKEND_H
#define TB_BACKEND_H

#include "tb_comm.h"

typedef struct tb_backend {
    const char *name;    /* "serial", "omp", "mpi", "hybrid" */
    const char *program; /* "triobench-serial", ... (for messages) */
    tb_thread_need thread_need;
    const char *breakdown_method; /* how compute/comm/sync are measured */
} tb_backend;

extern const tb_backend tb_this_backend;

#endif
