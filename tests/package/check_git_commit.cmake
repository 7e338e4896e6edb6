# cmake -DSOURCE=DIR -DWORK=DIR -P check_git_commit.cmake: a folder inside the
# source's repository that is not its top (common/, standing for a tarball
# unpacked inside another repository) must record "unknown", never the
# enclosing repository's commit (cmake/git_commit.cmake).
set(out "${WORK}/git_commit_enclosed.h")
file(REMOVE "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -DSRC=${SOURCE}/common -DOUT=${out}
                        -P ${SOURCE}/cmake/git_commit.cmake RESULT_VARIABLE rc)
file(READ "${out}" text)
if(NOT rc EQUAL 0 OR NOT text STREQUAL "#define TB_GIT_COMMIT \"unknown\"\n")
  message(FATAL_ERROR "common/ inside the repository recorded: ${text} (exit ${rc})")
endif()
message(STATUS "an enclosed source folder records: ${text}")
