# A real one-node Slurm (tests/slurm/run): munged, slurmctld and slurmd started
# by the test and stopped after it; bench/sweep --submit and --launcher slurm
# against it. Needs root and Debian's munge, slurmctld, slurmd, slurm-client;
# skipped (exit 77) with the reason otherwise. The two tests share nothing but
# the CPUs, so they take turns (RESOURCE_LOCK).
if(MPI_C_FOUND)
  foreach(t submit salloc)
    add_test(NAME slurm.${t} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/slurm/run --build-dir ${CMAKE_BINARY_DIR} ${t})
    set_tests_properties(slurm.${t} PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77 LABELS "slurm;cluster"
      RESOURCE_LOCK slurm ENVIRONMENT "${TB_TEST_ENV}")
  endforeach()
endif()
