// The parallel engine across MPI ranks (CMake option EDGETWIN_WITH_MPI; docs/scaling.md).
#pragma once

#include <memory>

#include "sim/parallel_engine.h"

namespace edgetwin::sim {

// True iff this build has MPI.
bool mpi_built();

// A RankExchange over MPI_COMM_WORLD. Initialises MPI (thread level "funneled": only the thread
// that calls ParallelEngine::run talks to MPI) unless it already is, and finalises it when the last
// exchange it made goes away. Throws std::runtime_error when the build has no MPI.
std::unique_ptr<RankExchange> make_mpi_exchange();

}  // namespace edgetwin::sim
