# Install rules and the build record's provenance (docs/install.md). The
# Debian package test (tests/package/deb_test.sh) installs into the system
# and needs root: tests/run runs it in CI (TRIOBENCH_CI=1), not ctest.

# An installation used from outside the source tree, through a symlink.
add_test(NAME install.layout
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check_install.sh ${CMAKE_BINARY_DIR})
set_tests_properties(install.layout PROPERTIES TIMEOUT 120 ENVIRONMENT "${TB_TEST_ENV}")

# The record's git commit is the source's own, never an enclosing repository's.
add_test(NAME install.git_commit_not_enclosing
         COMMAND ${CMAKE_COMMAND} -DSOURCE=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_git_commit.cmake)
