/* The machine as hwloc sees it: the host summary and where each thread runs. */
#ifndef TB_TOPO_H
#define TB_TOPO_H

typedef struct tb_host_info {
    char name[64];
    char cpu_model[128];
    int packages, cores, pus, numa_nodes;
} tb_host_info;

typedef struct tb_thread_binding {
    int thread;
    int last_cpu;    /* the PU the thread last ran on (-1 unknown) */
    char cpuset[96]; /* hwloc bitmap string, e.g. "0x00000003" */
    char cpus[96];   /* list form, e.g. "0-1" */
} tb_thread_binding;

/* Load the topology once per process (not collective). */
void tb_topo_init(void);
void tb_topo_finalize(void);

void tb_topo_host(tb_host_info *info);

/* The machine's last-level cache in bytes: the caches of the deepest level
 * hwloc reports, summed over all of them (0 when hwloc reports none).
 * Loads the topology if tb_topo_init has not. */
double tb_topo_llc_bytes(void);

/* The binding of the calling thread. */
void tb_topo_thread_binding(int thread, tb_thread_binding *out);

#endif
