// The models clients train: multinomial softmax regression and a one-hidden-layer ReLU MLP, with
// mean cross-entropy loss. Parameters are one flat vector so that strategies, compression and the
// driver treat every model alike. Eigen stays in model.cpp; this header is plain C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "scheduler_plugins/federated/data.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::federated {

enum class ModelKind : std::uint8_t { kSoftmax, kMlp };

// "softmax" or "mlp"; std::invalid_argument listing the valid names otherwise.
ModelKind parse_model_kind(const std::string& name);

struct ModelSpec {
  ModelKind kind = ModelKind::kSoftmax;
  std::uint32_t dim = 0;
  std::uint32_t classes = 0;
  std::uint32_t hidden = 128;  // MLP only
};

// An allocator of 64-byte aligned storage. Eigen's vectorised loops (matrix products, bias sums,
// the SGD step, row-wise exp and sums) peel a scalar head whose length depends on the address,
// and the peeled elements round differently from the packed ones: the same numbers at another
// address can train to other bits. Every buffer local_sgd and evaluate compute on is aligned to
// the widest packet (AVX-512), so a result does not depend on which thread's scratch (or which
// allocation) held the data. (loss and loss_gradient compute on the spans they are given.)
template <class T>
struct CacheAligned {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheAligned() = default;
  template <class U>
  CacheAligned(const CacheAligned<U>&) {}  // NOLINT: allocators convert implicitly
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
  template <class U>
  bool operator==(const CacheAligned<U>&) const { return true; }
};
using AlignedVector = std::vector<double, CacheAligned<double>>;

// Work buffers of one thread; they grow to the largest batch once and are then reused, so a
// training step allocates nothing. `w` and `w0` hold aligned copies of the parameters being
// trained (or evaluated) and of the global model.
struct Scratch {
  AlignedVector x, pre, act, probs, grad_hidden;
  std::vector<std::uint32_t> order;
  AlignedVector grad, w, w0;
};

struct BatchLoss {
  double mean = 0.0;         // mean cross-entropy over the batch
  double sum_squares = 0.0;  // sum over the batch of (per-sample cross-entropy)^2 (Oort)
};

struct Evaluation {
  double accuracy = 0.0;  // share of samples whose arg-max class (lowest index on ties) is right
  double loss = 0.0;      // mean cross-entropy
};

class Model {
 public:
  // Throws std::invalid_argument for a zero dim, classes < 2 or a zero hidden width.
  explicit Model(const ModelSpec& spec);

  const ModelSpec& spec() const { return spec_; }
  const char* name() const { return spec_.kind == ModelKind::kSoftmax ? "softmax" : "mlp"; }
  // Softmax: classes x dim weights then classes biases. MLP: hidden x dim, hidden, classes x
  // hidden, classes. Weight matrices column-major.
  std::size_t num_parameters() const;

  // Forward pass: 2 flops per multiply-add of the dense layers (softmax 2 d C; MLP
  // 2 (d H + H C)); bias, ReLU and softmax element-wise work is not counted.
  double forward_flops_per_sample() const;
  // Training: forward + backward, the backward pass counted as twice the forward (FedScale's
  // "3 x" rule; reference fl-rollout-anchors A.1).
  double training_flops_per_sample() const { return 3.0 * forward_flops_per_sample(); }

  // Softmax: zeros. MLP: Glorot-uniform weights from stream (seed, 0, "fl-init"), zero biases.
  void init(std::span<double> params, std::uint64_t seed) const;

  // Mean cross-entropy of `data`'s samples `batch` under `params`; its gradient is written to
  // `grad` (size num_parameters()).
  BatchLoss loss_gradient(std::span<const double> params, const Dataset& data,
                          std::span<const std::uint32_t> batch, std::span<double> grad,
                          Scratch& scratch) const;
  // The same loss without the gradient.
  BatchLoss loss(std::span<const double> params, const Dataset& data,
                 std::span<const std::uint32_t> batch, Scratch& scratch) const;

  // Accuracy and mean loss over all of `data`, in fixed chunks of 1,000 samples evaluated in
  // parallel (TBB) and summed in chunk order: the same result for any thread count.
  Evaluation evaluate(std::span<const double> params, const Dataset& data) const;

 private:
  BatchLoss forward(std::span<const double> params, const Dataset& data,
                    std::span<const std::uint32_t> batch, Scratch& scratch) const;
  std::uint32_t correct(std::span<const double> params, const Dataset& data,
                        std::span<const std::uint32_t> batch, Scratch& scratch,
                        double* loss_sum) const;

  ModelSpec spec_;
};

struct LocalConfig {
  double learning_rate = 0.1;
  std::uint32_t batch_size = 32;
  std::uint32_t epochs = 1;
  // FedProx: the local objective adds mu/2 ||w - w_global||^2, so each step's gradient adds
  // mu (w - w_global).
  double proximal_mu = 0.0;
  // Stop after this many steps (0: no limit): "one local step" in the tests.
  std::uint32_t max_steps = 0;
};

struct LocalResult {
  std::uint32_t samples = 0;  // the client's sample count (the FedAvg weight)
  std::uint32_t steps = 0;
  double mean_loss = 0.0;  // mean batch loss over all steps (without the proximal term)
  double loss_rms = 0.0;   // sqrt(mean over trained samples of loss^2) (Oort)
};

// Mini-batch SGD on `samples` from `params` (in/out): each epoch shuffles the samples with `rng`
// and walks them in batches of batch_size (the last one may be smaller); each step is
// w -= lr * (grad + mu (w - global)). `global` is read only when mu != 0. No sample: nothing
// changes.
LocalResult local_sgd(const Model& model, std::span<double> params, std::span<const double> global,
                      const Dataset& data, std::span<const std::uint32_t> samples,
                      const LocalConfig& config, sim::RandomStream& rng, Scratch& scratch);

}  // namespace edgetwin::scheduler_plugins::federated
