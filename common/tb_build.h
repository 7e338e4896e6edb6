/* How this executable was built, for the record. Values come from CMake
 * (a header generated per executable from cmake/tb_build_flags.h.in: the
 * version of project(), the compiler CMake identified, flags, build type,
 * -march=native or not) and from a header regenerated at every build with
 * the git commit, so the commit is never stale. */
#ifndef TB_BUILD_H
#define TB_BUILD_H

typedef struct tb_build_info {
    const char *version;
    const char *compiler;
    const char *flags;
    const char *build_type;
    const char *git_commit;
    int march_native;
    /* An SMPI build (SimGrid): every rank is a simulated process of one
     * process of this machine (docs/simulation.md). What is per process
     * (memory, binding, huge pages, the hwloc topology) then exists once,
     * not per rank. */
    int simulated;
} tb_build_info;

const tb_build_info *tb_build(void);

/* tb_build()->simulated, for code outside the executable's own files (the
 * core library): TRIOBENCH_SIMULATED is defined for every file of the SMPI
 * build (cmake/smpi.cmake) and of no other. */
#ifdef TRIOBENCH_SIMULATED
#define TB_BUILD_SIMULATED 1
#else
#define TB_BUILD_SIMULATED 0
#endif
static inline int tb_simulated(void) { return TB_BUILD_SIMULATED; }

#endif
