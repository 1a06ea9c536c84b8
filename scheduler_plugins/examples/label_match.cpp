// An example out-of-tree placement plug-in (docs/scheduling.md, "Writing an out-of-tree
// plug-in"), built as a shared library and loaded with `edgetwin ... --plugin PATH`.
//
// LabelMatch scores a node by how many of the pod's own labels ("key=value") the node carries as
// node labels, normalised with Kubernetes' default (100 x raw / max): a pod labelled "zone=a"
// prefers nodes labelled zone=a, one labelled "zone=a" and "arch=aarch64" prefers nodes with both.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "scheduler_plugins/loader.h"
#include "scheduler_plugins/placement/framework.h"

namespace {

using edgetwin::scheduler_plugins::placement::NodeTable;
using edgetwin::scheduler_plugins::placement::Plugin;
using edgetwin::scheduler_plugins::placement::PodSpec;

class LabelMatch final : public Plugin {
 public:
  std::string_view name() const override { return "LabelMatch"; }
  bool has_score() const override { return true; }
  // Reads only the table and the pod: safe for concurrent calls (parallel scheduler).
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int node) const override {
    std::int64_t matches = 0;
    for (const std::string& label : pod.labels) {
      const std::size_t eq = label.find('=');
      if (eq == std::string::npos) continue;
      const std::string_view key = std::string_view(label).substr(0, eq);
      const std::string_view value = std::string_view(label).substr(eq + 1);
      for (const auto& [k, v] : t.labels_[node]) {
        if (k == key && v == value) {
          ++matches;
          break;
        }
      }
    }
    return matches;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    // A function of the host (edgetwin exports its symbols to the libraries it loads).
    edgetwin::scheduler_plugins::placement::default_normalize_score(scores, /*reverse=*/false);
  }
};

}  // namespace

extern "C" __attribute__((visibility("default"))) int edgetwin_register_plugins(
    edgetwin::scheduler_plugins::PluginHost* host) {
  using namespace edgetwin::scheduler_plugins;
  if (Registry<Plugin>* registry = host_placement_registry(host)) {
    registry->add({"LabelMatch", "prefers nodes carrying the pod's own labels (example plug-in)",
                   [] { return std::make_unique<LabelMatch>(); }});
  }
  return kPluginApiVersion;
}
