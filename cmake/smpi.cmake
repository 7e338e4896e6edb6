# Toolchain of an SMPI build (CMake preset `smpi`, or -DCMAKE_TOOLCHAIN_FILE=
# cmake/smpi.cmake): every file compiled with SimGrid's smpicc, so that the
# MPI executables run on a simulated platform under smpirun and every
# clock_gettime, sleep and malloc of the common code goes through SMPI
# (smpi_helpers.h): timers read simulated time. The serial executable is an
# SMPI program too (one simulated rank), the baseline on the same simulated
# core. See docs/simulation.md.
find_program(TB_SMPICC smpicc)
find_program(TB_SMPIRUN smpirun)
if(NOT TB_SMPICC OR NOT TB_SMPIRUN)
  message(FATAL_ERROR "smpicc/smpirun not found: install SimGrid (apt-get install libsimgrid-dev)")
endif()
set(CMAKE_C_COMPILER ${TB_SMPICC})
set(MPI_C_COMPILER ${TB_SMPICC} CACHE FILEPATH "SimGrid's MPI compiler wrapper")
set(MPIEXEC_EXECUTABLE ${TB_SMPIRUN} CACHE FILEPATH "SimGrid's launcher")
# TRIOBENCH_SIMULATED is set only here: the records of this build say they
# are simulated. SMPI_NO_OVERRIDE_MALLOC: smpi_helpers.h would turn malloc
# into a macro, which breaks <malloc.h> (common/tb_mem.c); SMPI's shared
# malloc is for data whose values do not matter, which no kernel has yet.
set(CMAKE_C_FLAGS_INIT "-DTRIOBENCH_SIMULATED=1 -DSMPI_NO_OVERRIDE_MALLOC=1")
set(TRIOBENCH_SMPI ON CACHE BOOL "An SMPI build (cmake/smpi.cmake)")
