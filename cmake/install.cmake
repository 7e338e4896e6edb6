# Install rules (docs/install.md):
#   bin/triobench-{serial,omp,mpi,hybrid}       the executables
#   bin/triobench-<name>                         a symlink to each command script of bench/
#                                                (sweep, lab, ...) and to plots/plot (triobench-plot)
#   share/triobench/{bench,plots,platforms}/     the Python packages, presets and SimGrid platforms, as in
#                                                the source tree (the scripts find each other so)
#   share/triobench/installed.json               tells the sweep it is installed: the version and
#                                                the prefix, relative to share/triobench
#   share/doc/triobench/                         README, CHANGELOG, LICENSE (and copyright), docs/
#   share/man/man1/triobench-*.1.gz              a man page per command, from its --help (help2man)
include(GNUInstallDirs)

# The sweep finds the executables as PREFIX/bin/triobench-*, and the scripts
# link to ../share/triobench: both directories must be relative to the prefix.
if(IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_DATADIR}"
   OR NOT CMAKE_INSTALL_BINDIR STREQUAL "bin")
  message(FATAL_ERROR "triobench installs to PREFIX/bin and a relative CMAKE_INSTALL_DATADIR "
                      "(got BINDIR '${CMAKE_INSTALL_BINDIR}', DATADIR '${CMAKE_INSTALL_DATADIR}')")
endif()
set(TB_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/triobench)
file(RELATIVE_PATH TB_PREFIX_FROM_SHARE /prefix/${TB_SHARE_DIR} /prefix)
file(RELATIVE_PATH TB_SHARE_FROM_BIN /prefix/${CMAKE_INSTALL_BINDIR} /prefix/${TB_SHARE_DIR})

set(TB_EXECUTABLES triobench-serial triobench-omp)
if(TARGET triobench-mpi)
  list(APPEND TB_EXECUTABLES triobench-mpi triobench-hybrid)
endif()
install(TARGETS ${TB_EXECUTABLES} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

file(WRITE ${CMAKE_BINARY_DIR}/installed.json
     "{\"version\": \"${PROJECT_VERSION}\", \"prefix\": \"${TB_PREFIX_FROM_SHARE}\"}\n")
install(FILES ${CMAKE_BINARY_DIR}/installed.json DESTINATION ${TB_SHARE_DIR})

# The commands: every script directly in bench/ (a file named without a dot:
# sweep, and lab when it exists) and plots/plot, as triobench-<name>.
file(GLOB tb_bench_files LIST_DIRECTORIES false CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/*)
set(TB_COMMANDS "")                     # name;script-relative-to-share;...
foreach(f ${tb_bench_files})
  get_filename_component(name ${f} NAME)
  if(NOT name MATCHES "\\.")
    list(APPEND TB_COMMANDS ${name} bench/${name})
  endif()
endforeach()
list(APPEND TB_COMMANDS plot plots/plot)

# bench/ and plots/ without their tests and results, readable by everyone
# whatever the umask of the checkout; the command scripts executable.
set(tb_read OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
set(tb_exec ${tb_read} OWNER_EXECUTE GROUP_EXECUTE WORLD_EXECUTE)
foreach(dir bench plots)
  install(DIRECTORY ${dir}/ DESTINATION ${TB_SHARE_DIR}/${dir}
          FILE_PERMISSIONS ${tb_read} DIRECTORY_PERMISSIONS ${tb_exec}
          PATTERN tests EXCLUDE PATTERN results EXCLUDE
          PATTERN __pycache__ EXCLUDE PATTERN "*.pyc" EXCLUDE PATTERN ".*" EXCLUDE)
endforeach()
# The SimGrid platforms (docs/simulation.md): --preset sim finds cluster-ib.xml here.
install(DIRECTORY platforms/ DESTINATION ${TB_SHARE_DIR}/platforms
        FILE_PERMISSIONS ${tb_read} DIRECTORY_PERMISSIONS ${tb_exec})
set(TB_COMMAND_NAMES "")
while(TB_COMMANDS)
  list(POP_FRONT TB_COMMANDS name script)
  list(APPEND TB_COMMAND_NAMES triobench-${name})
  get_filename_component(script_dir ${script} DIRECTORY)
  install(PROGRAMS ${script} DESTINATION ${TB_SHARE_DIR}/${script_dir} PERMISSIONS ${tb_exec})
  # A relative link: the installation can move (DESTDIR, CPack's staging).
  install(CODE "file(CREATE_LINK ${TB_SHARE_FROM_BIN}/${script}
    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/triobench-${name}\" SYMBOLIC)
    message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/triobench-${name} -> ${TB_SHARE_FROM_BIN}/${script}\")")
  # The same link in the build folder, for the man page (help2man runs it through the link).
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/commands)
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${script} ${CMAKE_BINARY_DIR}/commands/triobench-${name} SYMBOLIC)
endwhile()

install(FILES README.md CHANGELOG.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian's place for the licence of a package's files.
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILE_PERMISSIONS ${tb_read} DIRECTORY_PERMISSIONS ${tb_exec})

# Man pages, generated from each command's --help by help2man (apt-get install
# help2man). Without it the build says so and installs none.
find_program(HELP2MAN_EXECUTABLE help2man)
find_program(GZIP_EXECUTABLE gzip)
set(TB_MAN_NAME_triobench-serial "the triobench kernels, serial (the reference and speedup baseline)")
set(TB_MAN_NAME_triobench-omp "the triobench kernels with OpenMP threads")
set(TB_MAN_NAME_triobench-mpi "the triobench kernels with MPI processes")
set(TB_MAN_NAME_triobench-hybrid "the triobench kernels with MPI processes x OpenMP threads")
set(TB_MAN_NAME_triobench-sweep "run triobench scaling sweeps with statistics and resume")
set(TB_MAN_NAME_triobench-plot "draw the charts and report of a triobench sweep")
set(TB_MAN_NAME_triobench-lab "run triobench's guided labs")
set(TB_MAN_NAME_triobench-calibrate "describe this machine as a SimGrid platform and check the simulation against it")
# Not in an SMPI build: its executables run only under smpirun (cmake/smpi.cmake).
if(HELP2MAN_EXECUTABLE AND GZIP_EXECUTABLE AND NOT TRIOBENCH_SMPI)
  set(tb_pages "")
  foreach(cmd ${TB_EXECUTABLES} ${TB_COMMAND_NAMES})
    if(TARGET ${cmd})
      set(program $<TARGET_FILE:${cmd}>)
      set(depends ${cmd})
    else()
      set(program ${CMAKE_BINARY_DIR}/commands/${cmd})
      file(GLOB_RECURSE depends CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/*.py ${CMAKE_SOURCE_DIR}/plots/*.py)
    endif()
    set(page ${CMAKE_BINARY_DIR}/man/${cmd}.1)
    set(description "${TB_MAN_NAME_${cmd}}")
    if(description STREQUAL "")
      set(description "a triobench command")
    endif()
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -E env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
              ${HELP2MAN_EXECUTABLE} --no-info --no-discard-stderr
              "--version-string=${PROJECT_VERSION}" "--name=${description}" --output=${page} ${program}
      COMMAND ${GZIP_EXECUTABLE} -9nf ${page}
      DEPENDS ${depends}
      COMMENT "Man page ${cmd}.1 (help2man)" VERBATIM)
    list(APPEND tb_pages ${page}.gz)
  endforeach()
  add_custom_target(triobench_man ALL DEPENDS ${tb_pages})
  install(FILES ${tb_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man pages (apt-get install help2man)")
endif()
