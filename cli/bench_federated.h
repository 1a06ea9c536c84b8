// `edgetwin bench federated`: the federated round driver on Fashion-MNIST (or a synthetic set),
// printing final accuracy and wall time. Its options are added to `bench`'s.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "scheduler_plugins/federated/driver.h"

namespace edgetwin::cli {

struct FederatedBenchOptions {
  scheduler_plugins::federated::FederatedConfig config;
  std::string model = "softmax", partition = "dirichlet", compression = "none", data;
  std::uint32_t clients = 100, shards = 2;
  double alpha = 0.5, target = 0.0;
};

void add_federated_options(boost::program_options::options_description& options,
                           FederatedBenchOptions& o);
int bench_federated(const boost::program_options::variables_map& vm, FederatedBenchOptions& o);

}  // namespace edgetwin::cli
