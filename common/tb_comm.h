/* The process layer: what the entry point and drivers need from "the other
 * processes". Two implementations are chosen at link time:
 *   common/comm_single.c  one process (serial and omp executables)
 *   mpi/comm.c        MPI (mpi and hybrid executables)
 * Every call is collective over all processes unless it says otherwise. */
#ifndef TB_COMM_H
#define TB_COMM_H

#include <stddef.h>

#include "tb_status.h"

typedef enum tb_thread_need {
    TB_THREADS_SINGLE,   /* only the main thread exists */
    TB_THREADS_FUNNELED, /* threads exist; only the master thread communicates */
    TB_THREADS_MULTIPLE  /* any thread may communicate */
} tb_thread_need;

/* Start the process layer. Not collective-safe to fail: on failure every
 * process returns the same status (e.g. the library lacks the thread level). */
tb_status tb_comm_init(int *argc, char ***argv, tb_thread_need need);
/* End the process layer; status is what this process is about to exit with.
 * After a run lost processes (--ft), the MPI layer may have to end the job
 * itself with that status (docs/failures.md). */
void tb_comm_finalize(tb_status status);

int tb_comm_rank(void);
int tb_comm_size(void);
/* Processes sharing this process's node (MPI_COMM_TYPE_SHARED), and this
 * process's index among them. Not collective. */
int tb_comm_node_size(void);
int tb_comm_node_rank(void);

/* Every process passes its status; all get the worst (largest) one back. If
 * it is not TB_OK, the lowest rank whose own status was that bad prints its
 * message, prefixed by program, on stderr: the user sees one line. */
tb_status tb_comm_agree(tb_status mine, const char *program);

/* The worst status over all processes, printing nothing: a driver calls it
 * after a step that can fail on one rank only (an allocation), before any
 * communication, and returns the result. */
tb_status tb_comm_worst(tb_status mine);

void tb_comm_barrier(void);
void tb_comm_sum_doubles(double *values, int count);
void tb_comm_max_doubles(double *values, int count);
void tb_comm_min_doubles(double *values, int count);
void tb_comm_max_longs(long *values, int count);
void tb_comm_sum_longs(long *values, int count);

/* Rank 0 receives every rank's `size` bytes in rank order into `all`
 * (which must hold size * tb_comm_size() bytes); other ranks may pass NULL. */
void tb_comm_gather_bytes(const void *mine, size_t size, void *all);

/* The name of this process's host, for the record: gethostname's, and in
 * an SMPI build the simulated host's (MPI_Get_processor_name: "node-3").
 * Not collective. */
void tb_comm_host_name(char *name, size_t size);

/* Library name and version for the record ("" for the single process). */
const char *tb_comm_library(void);
const char *tb_comm_standard_version(void);
/* The thread level the MPI library provides ("MPI_THREAD_FUNNELED"; ""
 * for the single process). */
const char *tb_comm_thread_level(void);

/* This process's rank as its launcher announces it in the environment, 0
 * when none does. Needs no tb_comm_init: for work done before (or without)
 * the process layer, such as --list, that one process of a launch does. */
int tb_comm_launch_rank(void);

/* Non-zero when the process was started by a launcher that reports more than
 * one process, or by any launcher at all (used to explain singleton runs). */
int tb_comm_launched(void);

#endif
