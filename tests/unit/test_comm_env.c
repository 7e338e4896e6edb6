/* Unit test of mpi/comm.c's reading of the launcher's environment, without
 * starting MPI: tb_comm_launched (whether to explain a 1-rank run) and
 * tb_comm_launch_rank (which process answers --list before MPI starts).
 * Each launcher is tried alone, so that one variable cannot hide another's
 * misspelling (Open MPI sets PMIX_RANK too, which hid "Oworld_SIZE" for
 * OMPI_COMM_WORLD_SIZE). */
#include <stdlib.h>

#include "tb_comm.h"

#include "check.h"

static const char *const launcher_vars[] = {
    "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMI_SIZE",     "PMI_RANK", "PMIX_RANK",
    "HYDRA_CONTROL_FD",     "SLURM_PROCID",         "OMPI_MCA_ess", NULL};

static void clear(void)
{
    for (int i = 0; launcher_vars[i]; i++) unsetenv(launcher_vars[i]);
}

/* Only `name`=`value` set: launched? */
static int launched_by(const char *name, const char *value)
{
    clear();
    setenv(name, value, 1);
    return tb_comm_launched();
}

static int rank_from(const char *name, const char *value)
{
    clear();
    setenv(name, value, 1);
    return tb_comm_launch_rank();
}

int main(void)
{
    clear();
    CHECK(!tb_comm_launched());
    CHECK(tb_comm_launch_rank() == 0);
    CHECK(launched_by("OMPI_COMM_WORLD_SIZE", "4")); /* Open MPI's mpirun */
    CHECK(launched_by("PMI_SIZE", "4"));             /* MPICH's Hydra, Slurm's PMI */
    CHECK(launched_by("PMI_RANK", "0"));
    CHECK(launched_by("PMIX_RANK", "0")); /* PMIx launchers */
    CHECK(launched_by("HYDRA_CONTROL_FD", "7"));
    CHECK(!launched_by("SLURM_PROCID", "0")); /* an allocation, not a launch */
    /* Open MPI's singleton start sets launcher variables of its own. */
    clear();
    setenv("OMPI_MCA_ess", "singleton", 1);
    setenv("OMPI_COMM_WORLD_SIZE", "1", 1);
    CHECK(!tb_comm_launched());

    CHECK(rank_from("OMPI_COMM_WORLD_RANK", "3") == 3);
    CHECK(rank_from("PMI_RANK", "2") == 2);
    CHECK(rank_from("PMIX_RANK", "5") == 5);
    CHECK(rank_from("SLURM_PROCID", "1") == 1);
    CHECK(rank_from("PMI_RANK", "") == 0);
    clear();
    printf("%d checks passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
