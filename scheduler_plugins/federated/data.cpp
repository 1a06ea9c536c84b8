#include "scheduler_plugins/federated/data.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "sim/random.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

// The whole file, inflated when gzip'd (gzread passes plain files through).
std::vector<std::uint8_t> read_gz(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error(path + ": cannot open (missing or unreadable)");
  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 16];
  for (;;) {
    const int n = gzread(file, chunk, sizeof chunk);
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw std::runtime_error(path + ": corrupt gzip data (" + message + ")");
    }
    if (n == 0) break;
    out.insert(out.end(), chunk, chunk + n);
  }
  gzclose(file);
  return out;
}

std::uint32_t big_endian32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

// Marsaglia and Tsang's method; for shape < 1 the boost Gamma(a) = Gamma(a + 1) U^(1/a), returned
// as a logarithm so that tiny shapes do not underflow to zero.
double log_gamma_draw(double shape, sim::RandomStream& rng) {
  const double boost = shape < 1.0 ? std::log(rng.uniform01_open_low()) / shape : 0.0;
  const double a = shape < 1.0 ? shape + 1.0 : shape;
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = rng.normal(0.0, 1.0);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.uniform01_open_low();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return std::log(d * v) + boost;
  }
}

template <class T>
void shuffle(std::vector<T>& v, sim::RandomStream& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[rng.uniform_int(i)]);
  }
}

Partition from_lists(const std::vector<std::vector<std::uint32_t>>& lists) {
  Partition p;
  p.offsets.reserve(lists.size() + 1);
  p.offsets.push_back(0);
  for (const auto& l : lists) {
    p.indices.insert(p.indices.end(), l.begin(), l.end());
    p.offsets.push_back(static_cast<std::uint32_t>(p.indices.size()));
  }
  return p;
}

}  // namespace

Dataset read_idx(const std::string& images_path, const std::string& labels_path,
                 std::uint32_t num_classes) {
  const std::vector<std::uint8_t> images = read_gz(images_path);
  const std::vector<std::uint8_t> labels = read_gz(labels_path);
  if (images.size() < 16 || big_endian32(images, 0) != 0x00000803u) {
    throw std::runtime_error(images_path + ": not an IDX image file (expected magic 0x00000803)");
  }
  if (labels.size() < 8 || big_endian32(labels, 0) != 0x00000801u) {
    throw std::runtime_error(labels_path + ": not an IDX label file (expected magic 0x00000801)");
  }
  const std::uint32_t count = big_endian32(images, 4);
  const std::uint32_t rows = big_endian32(images, 8);
  const std::uint32_t cols = big_endian32(images, 12);
  const std::uint64_t pixels = std::uint64_t{rows} * cols;
  if (images.size() != 16 + std::uint64_t{count} * pixels) {
    throw std::runtime_error(images_path + ": truncated or oversized: header says " +
                             std::to_string(count) + " images of " + std::to_string(rows) + "x" +
                             std::to_string(cols) + ", file holds " +
                             std::to_string(images.size() - 16) + " pixel bytes");
  }
  const std::uint32_t label_count = big_endian32(labels, 4);
  if (labels.size() != 8 + std::uint64_t{label_count}) {
    throw std::runtime_error(labels_path + ": truncated or oversized: header says " +
                             std::to_string(label_count) + " labels, file holds " +
                             std::to_string(labels.size() - 8));
  }
  if (label_count != count) {
    throw std::runtime_error(labels_path + ": " + std::to_string(label_count) + " labels for " +
                             std::to_string(count) + " images in " + images_path);
  }
  Dataset d;
  d.dim = static_cast<std::uint32_t>(pixels);
  d.num_classes = num_classes;
  d.features.resize(std::uint64_t{count} * pixels);
  for (std::size_t i = 0; i < d.features.size(); ++i) {
    d.features[i] = static_cast<float>(images[16 + i]) / 255.0f;
  }
  d.labels.assign(labels.begin() + 8, labels.end());
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    if (d.labels[i] >= num_classes) {
      throw std::runtime_error(labels_path + ": label " + std::to_string(d.labels[i]) +
                               " of sample " + std::to_string(i) + " is not below " +
                               std::to_string(num_classes));
    }
  }
  return d;
}

TrainTest load_fashion_mnist(const std::string& dir) {
  TrainTest t;
  t.train = read_idx(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
  t.test = read_idx(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
  return t;
}

void standardise(Dataset& fit, Dataset* also) {
  const std::size_t n = fit.size(), dim = fit.dim;
  if (n == 0) return;
  std::vector<double> mean(dim, 0.0), var(dim, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < dim; ++j) mean[j] += fit.features[i * dim + j];
  }
  for (double& m : mean) m /= double(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < dim; ++j) {
      const double e = fit.features[i * dim + j] - mean[j];
      var[j] += e * e;
    }
  }
  auto apply = [&](Dataset& d) {
    for (std::size_t i = 0; i < d.size(); ++i) {
      for (std::size_t j = 0; j < dim; ++j) {
        const double sd = std::sqrt(var[j] / double(n));
        float& x = d.features[i * dim + j];
        x = static_cast<float>((x - mean[j]) / (sd > 0.0 ? sd : 1.0));
      }
    }
  };
  apply(fit);
  if (also != nullptr) {
    if (also->dim != dim) throw std::invalid_argument("standardise: the data sets' dims differ");
    apply(*also);
  }
}

Dataset synthetic_blobs(std::uint64_t seed, std::uint32_t num_classes, std::uint32_t dim,
                        std::uint32_t per_class, double separation, std::uint32_t draw) {
  if (num_classes == 0 || dim == 0 || num_classes > 256) {
    throw std::invalid_argument("synthetic_blobs: needs 1..256 classes and dim > 0");
  }
  sim::RandomStream centres(seed, 0, sim::purpose_id("fl-blob-centres"));
  sim::RandomStream noise(seed, draw, sim::purpose_id("fl-blob-noise"));
  std::vector<double> mean(std::size_t{num_classes} * dim);
  for (double& m : mean) m = centres.uniform(-separation, separation);
  Dataset d;
  d.dim = dim;
  d.num_classes = num_classes;
  const std::size_t n = std::size_t{num_classes} * per_class;
  d.features.resize(n * dim);
  d.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = static_cast<std::uint32_t>(i % num_classes);
    d.labels[i] = static_cast<std::uint8_t>(c);
    for (std::size_t j = 0; j < dim; ++j) {
      d.features[i * dim + j] = static_cast<float>(mean[c * dim + j] + noise.normal(0.0, 1.0));
    }
  }
  return d;
}

Partition partition(const Dataset& data, const PartitionSpec& spec, std::uint64_t seed) {
  if (spec.clients == 0) throw std::invalid_argument("partition: clients must be positive");
  const std::uint32_t n = static_cast<std::uint32_t>(data.size());
  std::vector<std::vector<std::uint32_t>> lists(spec.clients);
  switch (spec.kind) {
    case PartitionKind::kIid: {
      sim::RandomStream rng(seed, 0, sim::purpose_id("fl-partition-iid"));
      std::vector<std::uint32_t> all(n);
      std::iota(all.begin(), all.end(), 0u);
      shuffle(all, rng);
      for (std::uint32_t k = 0; k < spec.clients; ++k) {
        const std::uint64_t lo = std::uint64_t{n} * k / spec.clients;
        const std::uint64_t hi = std::uint64_t{n} * (k + 1) / spec.clients;
        lists[k].assign(all.begin() + lo, all.begin() + hi);
      }
      break;
    }
    case PartitionKind::kDirichlet: {
      if (!(spec.alpha > 0.0) || !std::isfinite(spec.alpha)) {
        throw std::invalid_argument("partition: Dirichlet alpha must be a positive number, got " +
                                    std::to_string(spec.alpha));
      }
      std::vector<std::vector<std::uint32_t>> by_class(data.num_classes);
      for (std::uint32_t i = 0; i < n; ++i) by_class[data.labels[i]].push_back(i);
      std::vector<double> p(spec.clients);
      for (std::uint32_t c = 0; c < data.num_classes; ++c) {
        // Class c's proportions and shuffle come from its own streams.
        sim::RandomStream rng(seed, c, sim::purpose_id("fl-partition-dirichlet"));
        double top = -INFINITY;
        for (double& x : p) top = std::max(top, x = log_gamma_draw(spec.alpha, rng));
        double sum = 0.0;
        for (double& x : p) sum += (x = std::exp(x - top));
        shuffle(by_class[c], rng);
        const std::size_t m = by_class[c].size();
        double cumulative = 0.0;
        std::size_t start = 0;
        for (std::uint32_t k = 0; k < spec.clients; ++k) {
          cumulative += p[k];
          const std::size_t end =
              k + 1 == spec.clients
                  ? m
                  : std::min(m,
                             static_cast<std::size_t>(std::llround(cumulative / sum * double(m))));
          if (end > start) {
            lists[k].insert(lists[k].end(), by_class[c].begin() + start, by_class[c].begin() + end);
            start = end;
          }
        }
      }
      for (auto& l : lists) std::sort(l.begin(), l.end());
      break;
    }
    case PartitionKind::kShards: {
      const std::uint64_t shards = std::uint64_t{spec.clients} * spec.shards_per_client;
      if (spec.shards_per_client == 0 || shards > n) {
        throw std::invalid_argument("partition: " + std::to_string(spec.clients) + " clients x " +
                                    std::to_string(spec.shards_per_client) +
                                    " shards need 1..samples shards; the data set has " +
                                    std::to_string(n) + " samples");
      }
      std::vector<std::uint32_t> sorted(n);
      std::iota(sorted.begin(), sorted.end(), 0u);
      std::stable_sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
        return data.labels[a] < data.labels[b];
      });
      std::vector<std::uint32_t> order(shards);
      std::iota(order.begin(), order.end(), 0u);
      sim::RandomStream rng(seed, 0, sim::purpose_id("fl-partition-shards"));
      shuffle(order, rng);
      for (std::uint64_t s = 0; s < shards; ++s) {
        const std::uint64_t shard = order[s];
        const std::uint64_t lo = n * shard / shards, hi = n * (shard + 1) / shards;
        auto& l = lists[s / spec.shards_per_client];
        l.insert(l.end(), sorted.begin() + lo, sorted.begin() + hi);
      }
      break;
    }
  }
  return from_lists(lists);
}

PartitionKind parse_partition_kind(const std::string& name) {
  if (name == "iid") return PartitionKind::kIid;
  if (name == "dirichlet") return PartitionKind::kDirichlet;
  if (name == "shards") return PartitionKind::kShards;
  throw std::invalid_argument("unknown partition '" + name + "'; valid: dirichlet, iid, shards");
}

}  // namespace edgetwin::scheduler_plugins::federated
