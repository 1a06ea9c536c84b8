// `edgetwin bench federated`: the federated round driver on Fashion-MNIST (or a synthetic set),
// printing final accuracy and wall time; with --simulate, the FL process in simulated time on a
// generated heterogeneous fleet (process.h). Its options are added to `bench`'s.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "scheduler_plugins/federated/driver.h"
#include "scheduler_plugins/federated/process.h"

namespace edgetwin::cli {

struct FederatedBenchOptions {
  scheduler_plugins::federated::FederatedConfig config;
  std::string model = "softmax", partition = "dirichlet", compression = "none", data;
  std::uint32_t clients = 100, shards = 2;
  double alpha = 0.5, target = 0.0;
  // --simulate: the fleet (device types cycled over the clients, `site_size` devices per edge
  // site, one access preset) and the process settings.
  bool simulate = false;
  scheduler_plugins::federated::FlSimConfig sim;
  std::string fleet_types = "rpi3,rpi4,jetson-nano,nuc", access = "wifi", deadline = "0",
              mtbf = "0", mttr = "10m";
  std::uint32_t site_size = 100;
};

void add_federated_options(boost::program_options::options_description& options,
                           FederatedBenchOptions& o);
int bench_federated(const boost::program_options::variables_map& vm, FederatedBenchOptions& o);

}  // namespace edgetwin::cli
