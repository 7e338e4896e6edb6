# Several hosts on one machine (tests/multihost/run): network namespaces as
# hosts, Open MPI across them over TCP. Needs root; skipped (exit 77) with the
# reason otherwise. Open MPI only: the hosts are reached through its rsh agent.
if(MPI_C_FOUND AND TB_MPIEXEC_VERSION MATCHES "Open MPI|OpenRTE")
  foreach(t stencil-2hosts stencil-3hosts hybrid-3hosts cg-2hosts cg-3hosts sweep-hostfile)
    string(REPLACE "-" "." name "multihost.${t}")
    add_test(NAME ${name} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/multihost/run --build-dir ${CMAKE_BINARY_DIR} ${t})
    set_tests_properties(${name} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS "multihost;cluster"
      ENVIRONMENT "${TB_TEST_ENV}")
  endforeach()
endif()
