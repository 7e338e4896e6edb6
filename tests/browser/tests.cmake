# report.html in headless Chromium (tests/browser/check_report.py): every image loaded, every
# relative link resolves, no sideways scrolling at 1366 and 390 px; screenshots for a person in
# <build>/browser/report-1366.png and report-390.png. Skipped (77) without chromium or
# matplotlib unless TRIOBENCH_REQUIRE_BROWSER=1.
if(Python3_FOUND)
  add_test(NAME browser.report
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/check_report.py
                   ${CMAKE_BINARY_DIR}/browser)
  set_tests_properties(browser.report PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77 LABELS "browser"
                       ENVIRONMENT "${TB_TEST_ENV}")
endif()
