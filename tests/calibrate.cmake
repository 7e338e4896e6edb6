# bench/calibrate (docs/calibration.md): its Python tests are registered with the others
# (bench/tests/test_calibrate*.py); here, what they need from ctest. The simulated ones use the SMPI
# build that smpi.build makes (tests/smpi/tests.cmake, fixture "smpi"), and the end-to-end validation
# times real runs, so it runs alone.
foreach(t test_calibrate_smpi test_calibrate_validate)
  if(TEST bench.${t} AND NOT TRIOBENCH_SMPI)
    set_tests_properties(bench.${t} PROPERTIES FIXTURES_REQUIRED smpi)
  endif()
endforeach()
if(TEST bench.test_calibrate_validate)
  set_tests_properties(bench.test_calibrate_validate PROPERTIES RUN_SERIAL TRUE)
endif()
