# A real one-node Slurm (tests/slurm/run): munged, slurmctld and slurmd started
# by the test and stopped after it; bench/sweep --submit and --launcher slurm
# against it. Needs root and Debian's munge, slurmctld, slurmd, slurm-client;
# skipped (exit 77) with the reason otherwise. They run alone (RUN_SERIAL): a
# job's ranks are bound to the cores, and other tests' ranks spinning on the
# same two cores would starve them.
# Against MPICH (4.0.2 with UCX, Debian 12) the transport tested is shm only:
# its TCP path (MPIR_CVAR_NOLOCAL=1, UCX_TLS=self,tcp) hangs in MPI_Finalize
# now and then (about 1 run in 10 here), which a sweep records as a timeout.
set(tb_slurm_env ${TB_TEST_ENV})
if(NOT TB_MPIEXEC_VERSION MATCHES "Open MPI|OpenRTE")
  list(APPEND tb_slurm_env TB_SLURM_TRANSPORTS=shm)
endif()
if(MPI_C_FOUND)
  foreach(t submit salloc)
    add_test(NAME slurm.${t} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/slurm/run --build-dir ${CMAKE_BINARY_DIR} ${t})
    set_tests_properties(slurm.${t} PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77 LABELS "slurm;cluster"
      RUN_SERIAL TRUE ENVIRONMENT "${tb_slurm_env}")
  endforeach()
endif()
