# Writes TB_GIT_COMMIT into OUT, touching the file only when the value
# changes, so the record names the commit the binary was built from without
# rebuilding anything when it has not changed. Run at every build.
#
# The commit is the source's own: a source tree unpacked inside some other
# repository (a tarball in a packaging repo, a vendored copy) must not record
# that repository's commit, so git's top level must be SRC itself. Otherwise,
# and without git, the commit is "unknown" (the record's suite_version still
# names the release).
set(commit "unknown")
execute_process(
  COMMAND git -C "${SRC}" rev-parse --show-toplevel
  OUTPUT_VARIABLE toplevel
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE result)
if(result EQUAL 0 AND NOT toplevel STREQUAL "")
  get_filename_component(toplevel "${toplevel}" REALPATH)
  get_filename_component(src "${SRC}" REALPATH)
  if(toplevel STREQUAL src)
    execute_process(
      COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
      OUTPUT_VARIABLE described
      OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET
      RESULT_VARIABLE result)
    if(result EQUAL 0 AND NOT described STREQUAL "")
      set(commit "${described}")
    endif()
  endif()
endif()
set(text "#define TB_GIT_COMMIT \"${commit}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
