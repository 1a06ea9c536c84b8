# edgetwin_determinism_test(NAME name COMMAND exe args... [MODES mode...])
#
# The determinism test (STYLE.md, habit 5): runs COMMAND once per mode, with the mode's arguments
# appended, and fails unless every run exits 0 and prints the same event-sequence fingerprint (a
# line with `"fingerprint":"HEX"` or `fingerprint HEX`) and, when printed, the same
# `"events_total"`. The default modes are the sequential engine and the parallel engine with 1, 2
# and N threads (N = the machine's cores, at least 4), each a string of arguments:
#   "--engine sequential", "--engine parallel --threads 1", "... --threads 2", "... --threads N",
# and, in a build with EDGETWIN_WITH_MPI, "MPIRUN --engine parallel --threads 1 --mpi": a mode that
# starts with MPIRUN runs the command under `mpirun --allow-run-as-root --oversubscribe -np 2`.
# Arguments are split on spaces, so neither COMMAND nor MODES may contain paths with spaces.
function(edgetwin_determinism_test)
  cmake_parse_arguments(D "" "NAME" "COMMAND;MODES" ${ARGN})
  if(NOT D_MODES)
    cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
    if(cores LESS 4)
      set(cores 4)
    endif()
    set(D_MODES "--engine sequential" "--engine parallel --threads 1"
                "--engine parallel --threads 2" "--engine parallel --threads ${cores}")
    if(EDGETWIN_WITH_MPI)
      list(APPEND D_MODES "MPIRUN --engine parallel --threads 1 --mpi")
    endif()
  endif()
  set(mpirun "")
  if(EDGETWIN_WITH_MPI)
    find_package(MPI REQUIRED COMPONENTS CXX)
    set(mpirun "${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe ${MPIEXEC_NUMPROC_FLAG} 2")
  endif()
  string(REPLACE ";" " " command "${D_COMMAND}")
  string(REPLACE ";" "," modes "${D_MODES}")
  add_test(NAME ${D_NAME}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${command}" "-DMODES=${modes}" "-DMPIRUN=${mpirun}"
                   -P ${PROJECT_SOURCE_DIR}/cmake/check_determinism.cmake)
endfunction()
