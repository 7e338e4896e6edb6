/* The process layer for executables that run as one process. */
#include "tb_comm.h"
#include "tb_error.h"

#include <string.h>
#include <unistd.h>

#ifdef TRIOBENCH_SIMULATED /* the SMPI build's serial executable: one simulated rank */
#include <mpi.h>
#endif

tb_status tb_comm_init(int *argc, char ***argv, tb_thread_need need)
{
    (void)argc;
    (void)argv;
    (void)need;
    return TB_OK;
}

void tb_comm_finalize(tb_status status) { (void)status; }
int tb_comm_rank(void) { return 0; }
int tb_comm_size(void) { return 1; }
int tb_comm_node_size(void) { return 1; }
int tb_comm_node_rank(void) { return 0; }

tb_status tb_comm_agree(tb_status mine, const char *program)
{
    if (mine != TB_OK && mine != TB_EINVALID) tb_error_print(program, tb_error_message());
    return mine;
}

tb_status tb_comm_worst(tb_status mine) { return mine; }
void tb_comm_barrier(void) {}
void tb_comm_sum_doubles(double *values, int count)
{
    (void)values;
    (void)count;
}
void tb_comm_max_doubles(double *values, int count)
{
    (void)values;
    (void)count;
}
void tb_comm_min_doubles(double *values, int count)
{
    (void)values;
    (void)count;
}
void tb_comm_max_longs(long *values, int count)
{
    (void)values;
    (void)count;
}
void tb_comm_sum_longs(long *values, int count)
{
    (void)values;
    (void)count;
}

void tb_comm_gather_bytes(const void *mine, size_t size, void *all) { memcpy(all, mine, size); }

void tb_comm_host_name(char *name, size_t size)
{
    memset(name, 0, size);
#ifdef TRIOBENCH_SIMULATED
    char simulated[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(simulated, &len);
    strncpy(name, simulated, size - 1);
#else
    gethostname(name, size - 1);
#endif
}

const char *tb_comm_library(void) { return ""; }
const char *tb_comm_standard_version(void) { return ""; }
const char *tb_comm_thread_level(void) { return ""; }
int tb_comm_launched(void) { return 0; }
int tb_comm_launch_rank(void) { return 0; }
