#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>

#include "scheduler_plugins/federated/data.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

namespace fs = std::filesystem;

// Every sample index appears exactly once across the clients.
void expect_each_sample_once(const Partition& p, std::size_t n) {
  ASSERT_EQ(p.indices.size(), n);
  std::vector<int> seen(n, 0);
  for (std::uint32_t k = 0; k < p.num_clients(); ++k) {
    for (std::uint32_t i : p.client(k)) ++seen[i];
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
}

TEST(FederatedData, SyntheticBlobsAreDeterministicAndLabelledRoundRobin) {
  const Dataset a = synthetic_blobs(7, 4, 3, 5), b = synthetic_blobs(7, 4, 3, 5);
  const Dataset c = synthetic_blobs(8, 4, 3, 5);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a.features, b.features);
  EXPECT_NE(a.features, c.features);
  EXPECT_EQ(a.labels[0], 0);
  EXPECT_EQ(a.labels[5], 1);  // 5 % 4
}

TEST(FederatedData, StandardiseUsesTheFitSetsMeanAndDeviationForBoth) {
  // Fit samples (0, 2) and (2, 2): means (1, 2), population deviations (1, 0). The first feature
  // maps to (x - 1) / 1; the second has no variance and is only centred: x - 2. The other set's
  // (3, 5) becomes (2, 3).
  Dataset fit, other;
  fit.dim = other.dim = 2;
  fit.num_classes = other.num_classes = 2;
  fit.features = {0, 2, 2, 2};
  fit.labels = {0, 1};
  other.features = {3, 5};
  other.labels = {0};
  standardise(fit, &other);
  EXPECT_EQ(fit.features, (std::vector<float>{-1, 0, 1, 0}));
  EXPECT_EQ(other.features, (std::vector<float>{2, 3}));
}

TEST(FederatedData, DirichletPartitionAssignsEverySampleOnceAndDependsOnlyOnTheSeed) {
  const Dataset data = synthetic_blobs(1, 10, 2, 300);
  PartitionSpec spec{PartitionKind::kDirichlet, 50, 0.5, 2};
  const Partition p = partition(data, spec, 42), q = partition(data, spec, 42);
  expect_each_sample_once(p, data.size());
  EXPECT_EQ(p.offsets, q.offsets);
  EXPECT_EQ(p.indices, q.indices);
  EXPECT_NE(partition(data, spec, 43).indices, p.indices);
  // alpha = 0.5 over 50 clients is skewed: some client holds mostly one class. With alpha = 1000
  // every client's class histogram is close to uniform (300 x 10 / 50 = 60 samples, 6 per class).
  spec.alpha = 1000.0;
  const Partition even = partition(data, spec, 42);
  expect_each_sample_once(even, data.size());
  for (std::uint32_t k = 0; k < even.num_clients(); ++k) {
    EXPECT_NEAR(double(even.client(k).size()), 60.0, 12.0) << "client " << k;
  }
}

// The mean number of distinct labels held by a client.
double mean_labels(const Dataset& data, const Partition& p) {
  double sum = 0.0;
  for (std::uint32_t k = 0; k < p.num_clients(); ++k) {
    std::set<int> labels;
    for (std::uint32_t i : p.client(k)) labels.insert(data.labels[i]);
    sum += double(labels.size());
  }
  return sum / p.num_clients();
}

TEST(FederatedData, SmallerDirichletAlphaConcentratesClientsOnFewerLabels) {
  // 10 classes x 300 samples over 50 clients. Dir(0.05) puts nearly all of a class on a few of
  // the 50 clients, so a client holds few labels (2.24 on average with seed 4, against 10 possible;
  // the bound leaves room for other seeds). Dir(100) is close to uniform, 6 expected samples of
  // each class per client, so every client has all 10. alpha = 0.01 must not underflow (log-space
  // gamma draws).
  const Dataset data = synthetic_blobs(1, 10, 2, 300);
  const double skewed =
      mean_labels(data, partition(data, {PartitionKind::kDirichlet, 50, 0.05, 2}, 4));
  const double even =
      mean_labels(data, partition(data, {PartitionKind::kDirichlet, 50, 100, 2}, 4));
  EXPECT_LT(skewed, 4.0);
  EXPECT_GT(even, 9.5);
  expect_each_sample_once(partition(data, {PartitionKind::kDirichlet, 50, 0.01, 2}, 4), 3000);
}

TEST(FederatedData, DirichletAlphaMustBePositive) {
  const Dataset data = synthetic_blobs(1, 3, 2, 10);
  for (double alpha : {0.0, -1.0}) {
    try {
      partition(data, {PartitionKind::kDirichlet, 5, alpha, 2}, 1);
      FAIL() << "alpha " << alpha << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("alpha must be a positive number"), std::string::npos);
    }
  }
}

TEST(FederatedData, IidPartitionSizesDifferByAtMostOne) {
  const Dataset data = synthetic_blobs(1, 3, 2, 11);  // 33 samples over 5 clients: 6 or 7
  const Partition p = partition(data, {PartitionKind::kIid, 5, 0.5, 2}, 3);
  expect_each_sample_once(p, 33);
  for (std::uint32_t k = 0; k < 5; ++k) {
    EXPECT_GE(p.client(k).size(), 6u);
    EXPECT_LE(p.client(k).size(), 7u);
  }
}

TEST(FederatedData, TwoLabelShardsPerClientGiveAtMostTwoLabels) {
  // 10 classes x 100 samples, 50 clients x 2 shards = 100 shards of 10 samples: each shard lies in
  // one class, so each client sees at most 2 labels.
  const Dataset data = synthetic_blobs(1, 10, 2, 100);
  const Partition p = partition(data, {PartitionKind::kShards, 50, 0.5, 2}, 9);
  expect_each_sample_once(p, data.size());
  for (std::uint32_t k = 0; k < 50; ++k) {
    std::set<int> labels;
    for (std::uint32_t i : p.client(k)) labels.insert(data.labels[i]);
    EXPECT_EQ(p.client(k).size(), 20u);
    EXPECT_LE(labels.size(), 2u);
  }
  EXPECT_THROW(partition(data, {PartitionKind::kShards, 600, 0.5, 2}, 9), std::invalid_argument);
}

void write_gz(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

// An IDX header: the magic number, then each dimension, all big-endian 32-bit.
std::vector<std::uint8_t> header(std::uint32_t magic, const std::vector<std::uint32_t>& dims) {
  std::vector<std::uint32_t> words = {magic};
  words.insert(words.end(), dims.begin(), dims.end());
  std::vector<std::uint8_t> out;
  for (std::uint32_t v : words) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  }
  return out;
}

TEST(FederatedData, IdxReaderScalesPixelsAndNamesTheBadFile) {
  const fs::path dir = fs::temp_directory_path() / ("edgetwin_idx_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Two 2x2 images: pixels 0, 51, 255, 102 and 0, 0, 0, 255; labels 3 and 1.
  std::vector<std::uint8_t> images = header(0x803, {2, 2, 2});
  for (int v : {0, 51, 255, 102, 0, 0, 0, 255}) images.push_back(static_cast<std::uint8_t>(v));
  std::vector<std::uint8_t> labels = header(0x801, {2});
  labels.push_back(3);
  labels.push_back(1);
  write_gz(dir / "img.gz", images);
  write_gz(dir / "lab.gz", labels);
  const Dataset d = read_idx((dir / "img.gz").string(), (dir / "lab.gz").string());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.dim, 4u);
  EXPECT_FLOAT_EQ(d.features[1], 0.2f);  // 51 / 255
  EXPECT_FLOAT_EQ(d.features[2], 1.0f);
  EXPECT_EQ(d.labels[0], 3);

  auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string missing = (dir / "nope.gz").string();
  EXPECT_EQ(message([&] { read_idx(missing, (dir / "lab.gz").string()); }),
            missing + ": cannot open (missing or unreadable)");
  images.pop_back();  // one pixel short
  write_gz(dir / "short.gz", images);
  EXPECT_NE(message([&] {
              read_idx((dir / "short.gz").string(), (dir / "lab.gz").string());
            }).find("short.gz: truncated"),
            std::string::npos);
  EXPECT_NE(message([&] {
              read_idx((dir / "lab.gz").string(), (dir / "lab.gz").string());
            }).find("not an IDX image file"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(FederatedData, FashionMnistTestSetWhenInstalled) {
  const std::string dir = kFashionMnistDir;
  if (!fs::exists(dir + "/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST not installed (Debian package dataset-fashion-mnist)";
  }
  const Dataset test =
      read_idx(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(test.size(), 10000u);
  EXPECT_EQ(test.dim, 784u);
  // The test set is balanced: 1,000 samples of each of the 10 classes; its first is an ankle
  // boot (9).
  std::vector<int> count(10, 0);
  for (std::uint8_t l : test.labels) ++count[l];
  EXPECT_EQ(count, std::vector<int>(10, 1000));
  EXPECT_EQ(test.labels[0], 9);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::federated
