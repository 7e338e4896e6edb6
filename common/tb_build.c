#include "tb_build.h"

#include "tb_git_commit.h" /* generated: TB_GIT_COMMIT */

#ifndef TB_C_FLAGS
#define TB_C_FLAGS "unknown"
#endif
#ifndef TB_BUILD_TYPE
#define TB_BUILD_TYPE "unknown"
#endif
#ifndef TB_MARCH_NATIVE
#define TB_MARCH_NATIVE 0
#endif

const tb_build_info *tb_build(void)
{
    static const tb_build_info info = {
        TB_VERSION, "gcc " __VERSION__, TB_C_FLAGS, TB_BUILD_TYPE, TB_GIT_COMMIT, TB_MARCH_NATIVE,
    };
    return &info;
}
