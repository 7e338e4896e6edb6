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

/* No core of any CPU has more last-level cache to itself than this: the
 * largest share is AMD EPYC 9184X's, 768 MB of L3 over 16 cores (48 MB a
 * core). A virtual machine can report its host's whole L3 as the cache of
 * each virtual core (this project's 2-core VMs: 508 MiB for each of two
 * cores), which would make the STREAM rule ask for gigabytes. */
#define TB_LLC_MAX_PER_CORE (48.0 * 1024 * 1024)

/* The machine's last-level cache in bytes: the caches of the deepest level
 * hwloc reports, summed over all of them, each counted as at most
 * TB_LLC_MAX_PER_CORE times the cores that share it (0 when hwloc reports
 * none). *reported: the plain sum hwloc gives. Loads the topology if
 * tb_topo_init has not. */
double tb_topo_llc_bytes(double *reported);

/* The binding of the calling thread. */
void tb_topo_thread_binding(int thread, tb_thread_binding *out);

#endif
