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
} tb_build_info;

const tb_build_info *tb_build(void);

#endif
