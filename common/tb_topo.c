#include "tb_topo.h"

#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static hwloc_topology_t topology;
static int loaded;

void tb_topo_init(void)
{
    if (loaded) return;
    if (hwloc_topology_init(&topology) == 0 && hwloc_topology_load(topology) == 0) loaded = 1;
}

void tb_topo_finalize(void)
{
    if (loaded) hwloc_topology_destroy(topology);
    loaded = 0;
}

static int count_of(hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(topology, type);
    return n < 0 ? 0 : n;
}

void tb_topo_host(tb_host_info *info)
{
    memset(info, 0, sizeof *info);
    gethostname(info->name, sizeof info->name - 1);
    if (!loaded) return;
    info->packages = count_of(HWLOC_OBJ_PACKAGE);
    info->cores = count_of(HWLOC_OBJ_CORE);
    info->pus = count_of(HWLOC_OBJ_PU);
    info->numa_nodes = count_of(HWLOC_OBJ_NUMANODE);
    hwloc_obj_t package = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PACKAGE, 0);
    const char *model = package ? hwloc_obj_get_info_by_name(package, "CPUModel") : NULL;
    if (!model) model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topology), "CPUModel");
    snprintf(info->cpu_model, sizeof info->cpu_model, "%s", model ? model : "unknown");
}

double tb_topo_llc_bytes(double *reported)
{
    *reported = 0.0;
    tb_topo_init();
    if (!loaded) return 0.0;
    static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE,
                                              HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
                                              HWLOC_OBJ_L1CACHE};
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        double total = 0.0;
        hwloc_obj_t cache = NULL;
        while ((cache = hwloc_get_next_obj_by_type(topology, levels[l], cache)) != NULL) {
            if (!cache->attr) continue;
            double size = (double)cache->attr->cache.size;
            int cores =
                hwloc_get_nbobjs_inside_cpuset_by_type(topology, cache->cpuset, HWLOC_OBJ_CORE);
            double most = TB_LLC_MAX_PER_CORE * (cores > 0 ? cores : 1);
            *reported += size;
            total += size < most ? size : most;
        }
        if (total > 0.0) return total;
    }
    return 0.0;
}

void tb_topo_thread_binding(int thread, tb_thread_binding *out)
{
    memset(out, 0, sizeof *out);
    out->thread = thread;
    out->last_cpu = -1;
    if (!loaded) return;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set) return;
    if (hwloc_get_cpubind(topology, set, HWLOC_CPUBIND_THREAD) == 0) {
        hwloc_bitmap_snprintf(out->cpuset, sizeof out->cpuset, set);
        hwloc_bitmap_list_snprintf(out->cpus, sizeof out->cpus, set);
    }
    if (hwloc_get_last_cpu_location(topology, set, HWLOC_CPUBIND_THREAD) == 0)
        out->last_cpu = hwloc_bitmap_first(set);
    hwloc_bitmap_free(set);
}
