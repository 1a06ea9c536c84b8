// Data for federated learning: a labelled data set held as one row-major float matrix, the IDX
// reader for (Fashion-)MNIST, a synthetic data set for fast tests, and the partitioning of a data
// set over clients (IID, Dirichlet(alpha) per class, label shards). Everything random is drawn
// from streams derived from (seed, entity, purpose), so a partition depends on the seed only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace edgetwin::scheduler_plugins::federated {

// `size()` samples of `dim` features each (row-major in `features`) with labels in
// [0, num_classes).
struct Dataset {
  std::uint32_t dim = 0;
  std::uint32_t num_classes = 0;
  std::vector<float> features;       // size() x dim, row-major
  std::vector<std::uint8_t> labels;  // size()

  std::size_t size() const { return labels.size(); }
  std::span<const float> row(std::size_t i) const { return {features.data() + i * dim, dim}; }
};

// Where Debian's dataset-fashion-mnist package installs the four gzip'd IDX files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Reads a gzip'd (or plain) IDX image file (magic 0x00000803) and the matching label file
// (0x00000801); pixels scaled to [0, 1] (divided by 255). Throws std::runtime_error naming the
// file when it is missing, truncated or not IDX, or when the counts of the two files differ.
Dataset read_idx(const std::string& images_path, const std::string& labels_path,
                 std::uint32_t num_classes = 10);

struct TrainTest {
  Dataset train;
  Dataset test;
};
// The 60,000 training and 10,000 test samples of Fashion-MNIST from `dir`.
TrainTest load_fashion_mnist(const std::string& dir = kFashionMnistDir);

// Standardises every feature to zero mean and unit variance over `fit` and applies the same
// affine map to `fit` and `also` (pass the test set there). Features with zero variance are only
// centred.
void standardise(Dataset& fit, Dataset* also = nullptr);

// Gaussian blobs: class c's mean is a point drawn uniformly on [-separation, separation]^dim,
// each sample is that mean plus N(0, 1) noise per feature. `per_class` samples of every class,
// interleaved (sample i has label i % num_classes). The means depend on `seed` only, the noise on
// (seed, draw): draws 0 and 1 of one seed are a training and a test set of the same task.
Dataset synthetic_blobs(std::uint64_t seed, std::uint32_t num_classes, std::uint32_t dim,
                        std::uint32_t per_class, double separation = 2.0, std::uint32_t draw = 0);

// The samples of each client, as index lists into one data set (compressed rows).
struct Partition {
  std::vector<std::uint32_t> offsets;  // num_clients() + 1
  std::vector<std::uint32_t> indices;  // client k's samples: [offsets[k], offsets[k + 1])

  std::uint32_t num_clients() const {
    return offsets.empty() ? 0 : static_cast<std::uint32_t>(offsets.size() - 1);
  }
  std::span<const std::uint32_t> client(std::uint32_t k) const {
    return {indices.data() + offsets[k], offsets[k + 1] - offsets[k]};
  }
};

enum class PartitionKind : std::uint8_t { kIid, kDirichlet, kShards };

struct PartitionSpec {
  PartitionKind kind = PartitionKind::kDirichlet;
  std::uint32_t clients = 100;
  double alpha = 0.5;                   // Dirichlet concentration; REQUIRES > 0
  std::uint32_t shards_per_client = 2;  // label shards (McMahan et al. 2017 use 2)
};

// IID: a seeded shuffle cut into `clients` parts whose sizes differ by at most one.
// Dirichlet: for each class, proportions p ~ Dir(alpha, ..., alpha) over the clients; the class's
// shuffled samples are cut at the cumulative proportions (Hsu et al. 2019). Clients may get no
// sample at all when alpha is small or clients are many.
// Shards: the samples sorted by label (stable), cut into clients x shards_per_client equal shards,
// shards dealt to clients in a seeded random order.
// Every sample is assigned to exactly one client. Throws std::invalid_argument for alpha <= 0,
// zero clients or shards, or more shards than samples.
Partition partition(const Dataset& data, const PartitionSpec& spec, std::uint64_t seed);

// "iid", "dirichlet" or "shards"; std::invalid_argument listing the valid names otherwise.
PartitionKind parse_partition_kind(const std::string& name);

}  // namespace edgetwin::scheduler_plugins::federated
