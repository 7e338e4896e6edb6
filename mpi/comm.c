/* The process layer over MPI (mpi and hybrid executables). Standard MPI-3
 * only, so it builds with Open MPI and MPICH alike. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comm_ft.h"
#include "tb_build.h"
#include "tb_comm.h"
#include "tb_error.h"

/* The processes every call runs over: MPI_COMM_WORLD, or the survivors
 * once tb_comm_exclude has left lost processes out. Set after
 * MPI_Init_thread: MPI_COMM_WORLD need not be a constant (SimGrid's SMPI). */
static MPI_Comm world = MPI_COMM_NULL;
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
    world = MPI_COMM_WORLD;
    MPI_Comm_rank(world, &world_rank);
    MPI_Comm_size(world, &world_size);
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node_comm);
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

/* ---- After a lost process (--ft detect, --ft reassign) ----
 * Collectives over MPI_COMM_WORLD would wait forever for a dead or hung
 * process, so the survivors build a communicator of their own. Without
 * ULFM there is no MPIX_Comm_shrink, but MPI_Comm_create_group is
 * collective over the new group only; it also leaves out a process that
 * is alive but hung, which a shrink (it removes only failed processes)
 * would wait for. */
static int nlost;
static double finalize_grace = 5.0;
static volatile sig_atomic_t exit_status;

tb_status tb_comm_exclude(const int *lost, int n, double grace)
{
    MPI_Group all, survivors;
    MPI_Comm next = MPI_COMM_NULL;
    MPI_Comm_group(MPI_COMM_WORLD, &all);
    MPI_Group_excl(all, n, lost, &survivors);
    int rc = MPI_Comm_create_group(MPI_COMM_WORLD, survivors, 0x7b1, &next);
    MPI_Group_free(&all);
    MPI_Group_free(&survivors);
    if (rc != MPI_SUCCESS || next == MPI_COMM_NULL)
        return tb_error_set(TB_ERUNTIME,
                            "cannot build the communicator of the surviving processes");
    if (world != MPI_COMM_WORLD) MPI_Comm_free(&world);
    world = next;
    MPI_Comm_rank(world, &world_rank);
    MPI_Comm_size(world, &world_size);
    nlost = n;
    finalize_grace = grace > 1.0 ? 2.0 * grace : 2.0;
    return TB_OK;
}

int tb_comm_launcher_keeps_job(void)
{
    const char *v = getenv("OMPI_MCA_orte_enable_recovery");
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static void finalize_timed_out(int sig)
{
    (void)sig;
    static const char msg[] = "triobench: note: MPI_Finalize did not return after a lost process; "
                              "exiting without it\n";
    ssize_t unused = write(2, msg, sizeof msg - 1);
    (void)unused;
    _exit(exit_status);
}

/* MPI_Finalize waits for every process of the job; after a loss Open MPI
 * 4.1 sometimes waits for the lost one forever. Give it finalize_grace
 * seconds, then exit with the status all the same. */
static void finalize_guarded(tb_status status)
{
    exit_status = status;
    signal(SIGALRM, finalize_timed_out);
    alarm((unsigned)(finalize_grace + 0.999));
    MPI_Finalize();
    alarm(0);
}

void tb_comm_leave(tb_status status)
{
    fflush(NULL);
    finalize_guarded(status);
    _exit(status);
}

void tb_comm_finalize(tb_status status)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (!initialized || finalized) return;
    if (node_comm != MPI_COMM_NULL) MPI_Comm_free(&node_comm);
    if (nlost == 0) {
        MPI_Finalize();
        return;
    }
    fflush(NULL);
    if (!tb_comm_launcher_keeps_job()) {
        /* The launcher ends the job when a process dies, so the lost ones
         * are alive but hung: they will never finalise, and only an abort
         * ends the job; rank 0 ends it with this status. The others wait
         * to be ended: MPI_Finalize during an abort makes Open MPI 4.1's
         * mpirun hang or crash about half the time. */
        if (world_rank == 0 && tb_simulated()) {
            /* SMPI's MPI_Abort ends the simulation with status 0, but every
             * simulated rank is a part of this one process: its exit ends
             * the simulated job, and smpirun exits with its status. */
            fprintf(stderr,
                    "triobench: note: ending the simulation with status %d: %d lost "
                    "process%s may still be running, hung\n",
                    (int)status, nlost, nlost == 1 ? "" : "es");
            fflush(NULL);
            _exit(status);
        }
        if (world_rank == 0) {
            fprintf(stderr,
                    "triobench: note: ending the job with MPI_Abort (status %d): %d lost "
                    "process%s may still be running, hung\n",
                    (int)status, nlost, nlost == 1 ? "" : "es");
            MPI_Abort(MPI_COMM_WORLD, (int)status);
        }
        for (double end = MPI_Wtime() + finalize_grace; MPI_Wtime() < end;) sleep(1);
        _exit(status);
    }
    finalize_guarded(status);
}

int tb_comm_rank(void) { return world_rank; }
int tb_comm_size(void) { return world_size; }
int tb_comm_node_size(void) { return node_size; }
int tb_comm_node_rank(void) { return node_rank; }

/* Under SMPI, the first MPI_Allreduce (or MPI_Bcast, MPI_Reduce) on a
 * communicator makes SimGrid's MPICH selector set up its two-level (SMP)
 * algorithms with a ring allgather over all ranks: n(n-1) simulated
 * messages, about a minute of wall time at 1,024 ranks for a kernel (the
 * stencil, ep) whose own communication does not need it. This layer's
 * reductions (statuses, the record's summary: not the kernels' own
 * collectives) are then an MPI_Allgather (recursive doubling or Bruck: n
 * log n messages) in pieces of at most 64 KiB, each rank combining the
 * values in rank order, so that all get the same result (in plain C: an
 * MPI_Reduce_local per rank would be n MPI calls, each a benchmarking
 * step of SMPI). Real MPI runs keep MPI_Allreduce. */
#define TB_COMBINE(T)                                                                              \
    do {                                                                                           \
        T *a = into;                                                                               \
        const T *b = from;                                                                         \
        for (int i = 0; i < n; i++)                                                                \
            a[i] = op == MPI_SUM ? a[i] + b[i] : (op == MPI_MAX) == (b[i] > a[i]) ? b[i] : a[i];   \
    } while (0)

/* into[i] = into[i] op from[i]: the types and operations of this layer only. */
static void combine(void *into, const void *from, int n, MPI_Datatype type, MPI_Op op)
{
    if (type == MPI_DOUBLE)
        TB_COMBINE(double);
    else if (type == MPI_LONG)
        TB_COMBINE(long);
    else
        TB_COMBINE(int);
}

static void allreduce_simulated(void *values, int count, MPI_Datatype type, MPI_Op op)
{
    int bytes = 0;
    MPI_Type_size(type, &bytes);
    int piece = 65536 / (world_size * bytes);
    if (piece < 1) piece = 1;
    if (piece > count) piece = count;
    char *all = malloc((size_t)world_size * (size_t)piece * (size_t)bytes);
    if (!all) { /* the others are in the allgather already: end the whole simulation */
        fprintf(stderr, "triobench: error: out of memory for a reduction of the simulated ranks\n");
        fflush(NULL);
        _exit(TB_ERUNTIME);
    }
    for (int first = 0; first < count; first += piece) {
        int n = count - first < piece ? count - first : piece;
        char *mine = (char *)values + (size_t)first * (size_t)bytes;
        size_t stride = (size_t)n * (size_t)bytes;
        MPI_Allgather(mine, n, type, all, n, type, world);
        memcpy(mine, all, stride);
        for (int r = 1; r < world_size; r++) combine(mine, all + r * stride, n, type, op);
    }
    free(all);
}

static void allreduce(void *values, int count, MPI_Datatype type, MPI_Op op)
{
    if (tb_simulated() && world_size > 1 && count > 0)
        allreduce_simulated(values, count, type, op);
    else
        MPI_Allreduce(MPI_IN_PLACE, values, count, type, op, world);
}

tb_status tb_comm_agree(tb_status mine, const char *program)
{
    int local = (int)mine, worst = local;
    allreduce(&worst, 1, MPI_INT, MPI_MAX);
    if (worst == TB_OK || worst == TB_EINVALID) return (tb_status)worst;
    /* The lowest rank that saw the worst status itself (and so has its
     * message) speaks for all; ranks that only learned of it stay quiet. */
    int knows = local == worst && tb_error_message()[0] != '\0';
    int speaker = knows ? world_rank : world_size;
    allreduce(&speaker, 1, MPI_INT, MPI_MIN);
    if (speaker == world_rank || (speaker == world_size && world_rank == 0))
        tb_error_print(program, tb_error_message());
    return (tb_status)worst;
}

tb_status tb_comm_worst(tb_status mine)
{
    int worst = (int)mine;
    allreduce(&worst, 1, MPI_INT, MPI_MAX);
    return (tb_status)worst;
}

void tb_comm_barrier(void) { MPI_Barrier(world); }

void tb_comm_sum_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_SUM); }
void tb_comm_max_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_MAX); }
void tb_comm_min_doubles(double *v, int n) { allreduce(v, n, MPI_DOUBLE, MPI_MIN); }
void tb_comm_max_longs(long *v, int n) { allreduce(v, n, MPI_LONG, MPI_MAX); }
void tb_comm_sum_longs(long *v, int n) { allreduce(v, n, MPI_LONG, MPI_SUM); }

void tb_comm_gather_bytes(const void *mine, size_t size, void *all)
{
    MPI_Gather(mine, (int)size, MPI_BYTE, all, (int)size, MPI_BYTE, 0, world);
}

void tb_comm_host_name(char *name, size_t size)
{
    memset(name, 0, size);
    if (!tb_simulated()) { /* MPI_Get_processor_name may drop the domain (Open MPI) */
        gethostname(name, size - 1);
        return;
    }
    char simulated[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(simulated, &len);
    strncpy(name, simulated, size - 1);
}

const char *tb_comm_library(void) { return library; }
const char *tb_comm_standard_version(void) { return standard; }
const char *tb_comm_thread_level(void) { return thread_level; }

int tb_comm_launched(void)
{
    /* Open MPI's singleton start sets launcher-like variables of its own. */
    const char *ess = getenv("OMPI_MCA_ess");
    if (ess && strcmp(ess, "singleton") == 0) return 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK",
                                       "HYDRA_CONTROL_FD",     NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}

int tb_comm_launch_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK",
                                       "SLURM_PROCID", NULL};
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return atoi(v);
    }
    return 0;
}
