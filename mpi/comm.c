/* The process layer over MPI (mpi and hybrid executables). Standard MPI-3
 * only, so it builds with Open MPI and MPICH alike. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_comm.h"
#include "tb_error.h"

static MPI_Comm node_comm = MPI_COMM_NULL;
static int world_rank, world_size, node_rank, node_size = 1;
static char library[MPI_MAX_LIBRARY_VERSION_STRING]; /* MPICH writes up to 8192 */
static char standard[16];
static const char *thread_level = "";

static const char *level_name(int level)
{
    switch (level) {
    case MPI_THREAD_SINGLE: return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED: return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED: return "MPI_THREAD_SERIALIZED";
    default: return "MPI_THREAD_MULTIPLE";
    }
}

tb_status tb_comm_init(int *argc, char ***argv, tb_thread_need need)
{
    int required = need == TB_THREADS_MULTIPLE   ? MPI_THREAD_MULTIPLE
                   : need == TB_THREADS_FUNNELED ? MPI_THREAD_FUNNELED
                                                 : MPI_THREAD_SINGLE;
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(argc, argv, required, &provided) != MPI_SUCCESS)
        return tb_error_set(TB_ERUNTIME, "MPI_Init_thread failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node_comm);
    MPI_Comm_rank(node_comm, &node_rank);
    MPI_Comm_size(node_comm, &node_size);

    int len = 0;
    MPI_Get_library_version(library, &len);
    library[strcspn(library, "\n,")] = '\0'; /* the first line or clause names it */
    int major = 0, minor = 0;
    MPI_Get_version(&major, &minor);
    snprintf(standard, sizeof standard, "%d.%d", major, minor);
    thread_level = level_name(provided);

    if (provided < required)
        return tb_error_set(TB_EINPUT,
                            "this MPI library provides only %s but this run needs %s: "
                            "use an MPI built with thread support",
                            level_name(provided), level_name(required));
    return TB_OK;
}

void tb_comm_finalize(void)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized) return;
    if (node_comm != MPI_COMM_NULL) MPI_Comm_free(&node_comm);
    MPI_Finalize();
}

int tb_comm_rank(void) { return world_rank; }
int tb_comm_size(void) { return world_size; }
int tb_comm_node_size(void) { return node_size; }
int tb_comm_node_rank(void) { return node_rank; }

tb_status tb_comm_agree(tb_status mine, const char *program)
{
    int local = (int)mine, worst = 0;
    MPI_Allreduce(&local, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == TB_OK || worst == TB_EINVALID) return (tb_status)worst;
    /* The lowest rank that saw the worst status itself (and so has its
     * message) speaks for all; ranks that only learned of it stay quiet. */
    int knows = local == worst && tb_error_message()[0] != '\0';
    int candidate = knows ? world_rank : world_size, speaker = 0;
    MPI_Allreduce(&candidate, &speaker, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (speaker == world_rank || (speaker == world_size && world_rank == 0))
        tb_error_print(program, tb_error_message());
    return (tb_status)worst;
}

tb_status tb_comm_worst(tb_status mine)
{
    int local = (int)mine, worst = 0;
    MPI_Allreduce(&local, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return (tb_status)worst;
}

void tb_comm_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

static void allreduce(void *values, int count, MPI_Datatype type, MPI_Op op)
{
    MPI_Allreduce(MPI_IN_PLACE, values, count, type, op, MPI_COMM_WORLD);
}

void tb_comm_sum_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_SUM); }
void tb_comm_max_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_MAX); }
void tb_comm_min_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_MIN); }
void tb_comm_max_longs(long *v, int n) { allreduce(v, n, MPI_LONG, MPI_MAX); }
void tb_comm_sum_longs(long *v, int n) { allreduce(v, n, MPI_LONG, MPI_SUM); }

void tb_comm_gather_bytes(const void *mine, size_t size, void *all)
{
    MPI_Gather(mine, (int)size, MPI_BYTE, all, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

const char *tb_comm_library(void) { return library; }
const char *tb_comm_standard_version(void) { return standard; }
const char *tb_comm_thread_level(void) { return thread_level; }

int tb_comm_launched(void)
{
    /* Open MPI's singleton start sets launcher-like variables of its own. */
    const char *ess = getenv("OMPI_MCA_ess");
    if (ess && strcmp(ess, "singleton") == 0) return 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK",
                                       "PMIX_RANK", "HYDRA_CONTROL_FD", NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}
