/* The MPI process layer after a process is lost (mpi/comm.c; used by the
 * fault-tolerant task farm, mpi/task_farm.c). See docs/failures.md. */
#ifndef TB_COMM_FT_H
#define TB_COMM_FT_H

#include "tb_status.h"

/* The n processes in lost[] (MPI_COMM_WORLD ranks, every one lost so far)
 * are dead or hung: from now on every tb_comm call runs over the others,
 * and tb_comm_rank/tb_comm_size give this process's place among them.
 * Collective over the survivors only. grace: the --ft-timeout, from which
 * the time MPI_Finalize is given at the end is derived. */
tb_status tb_comm_exclude(const int *lost, int n, double grace);

/* Non-zero when the launcher keeps the job running after a process dies
 * (Open MPI: mpirun --mca orte_enable_recovery 1); the default launcher
 * aborts the whole job instead. */
int tb_comm_launcher_keeps_job(void);

/* End this process now, without the others (a worker whose master is
 * lost): MPI_Finalize given a few seconds, then exit with status. */
void tb_comm_leave(tb_status status) __attribute__((noreturn));

#endif
