#include "tb_build.h"

#include "tb_build_flags.h" /* generated per executable: version, compiler, flags, build type */
#include "tb_git_commit.h"  /* generated at every build: TB_GIT_COMMIT */

const tb_build_info *tb_build(void)
{
    static const tb_build_info info = {
        TB_VERSION,    TB_COMPILER,     TB_C_FLAGS,         TB_BUILD_TYPE,
        TB_GIT_COMMIT, TB_MARCH_NATIVE, TB_BUILD_SIMULATED,
    };
    return &info;
}
