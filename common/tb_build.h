/* How this executable was built, for the record. Values come from CMake
 * (compile definitions) and from a header regenerated at every build with
 * the git commit, so the commit is never stale. */
#ifndef TB_BUILD_H
#define TB_BUILD_H

#define TB_VERSION "0.1.0"

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
