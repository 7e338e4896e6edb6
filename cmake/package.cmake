# The Debian package: cd build && cpack -G DEB  ->  triobench_<version>_<arch>.deb
# (docs/install.md). It holds what `cmake --install` installs, under /usr.
# Dependencies: the shared libraries the executables link, found by
# dpkg-shlibdeps (libc6, libgomp1 or libomp5, libhwloc15, libopenmpi3 or
# libmpich12, ...), plus the programs the commands run: Python 3.11
# (tomllib) for the sweep and plotter, the MPI library's launcher (mpirun)
# and hwloc-bind (the sweep pins serial runs with it).
set(CPACK_PACKAGE_NAME triobench)
set(CPACK_PACKAGE_VENDOR "the triobench authors")
set(CPACK_PACKAGE_CONTACT "triobench maintainers <maintainers@users.noreply.r-seed-99f2da22.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "parallel kernels run as MPI, OpenMP, hybrid and serial, with scaling sweeps and charts")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# (CPack puts the summary on the first line itself.)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"triobench runs the same parallel kernels (stencil, STREAM, transpose, dgemm,
NPB EP and CG, communication micro-benchmarks, the FMA peak) as pure MPI,
pure OpenMP, hybrid MPI x OpenMP and serial, validates every answer, and
sweeps processes x threads with repetitions and confidence intervals
(triobench-sweep), then draws speedup, efficiency and roofline charts
(triobench-plot). Licence: MIT (/usr/share/doc/triobench/copyright).")

find_program(DPKG_SHLIBDEPS_EXECUTABLE dpkg-shlibdeps)
if(DPKG_SHLIBDEPS_EXECUTABLE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "dpkg-shlibdeps not found: a Debian package would lack its library "
                 "dependencies (apt-get install dpkg-dev)")
endif()

set(tb_depends "python3 (>= 3.11)" "hwloc | hwloc-nox")
if(MPI_C_FOUND)
  if(MPI_C_LIBRARIES MATCHES "mpich")
    list(APPEND tb_depends mpich)
  elseif(MPI_C_LIBRARIES MATCHES "openmpi")
    list(APPEND tb_depends openmpi-bin)
  else()
    message(STATUS "Neither Open MPI nor MPICH (${MPI_C_LIBRARIES}): a Debian package "
                   "would not depend on an MPI launcher")
  endif()
endif()
string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS ${tb_depends})
# Without matplotlib the plotter writes its tables and says what to install.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS python3-matplotlib)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS slurm-client)

include(CPack)
