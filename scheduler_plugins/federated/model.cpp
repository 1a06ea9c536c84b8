#include "scheduler_plugins/federated/model.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::federated {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMatrix>;
using ColMap = Eigen::Map<Eigen::MatrixXd>;
using ConstColMap = Eigen::Map<const Eigen::MatrixXd>;
using ConstVecMap = Eigen::Map<const Eigen::VectorXd>;
using VecMap = Eigen::Map<Eigen::VectorXd>;

void grow(AlignedVector& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

constexpr std::size_t kEvalChunk = 1000;

}  // namespace

ModelKind parse_model_kind(const std::string& name) {
  if (name == "softmax") return ModelKind::kSoftmax;
  if (name == "mlp") return ModelKind::kMlp;
  throw std::invalid_argument("unknown model '" + name + "'; valid: mlp, softmax");
}

Model::Model(const ModelSpec& spec) : spec_(spec) {
  if (spec.dim == 0 || spec.classes < 2 || (spec.kind == ModelKind::kMlp && spec.hidden == 0)) {
    throw std::invalid_argument("model: needs dim > 0, classes >= 2 and (MLP) hidden > 0");
  }
}

std::size_t Model::num_parameters() const {
  const std::size_t d = spec_.dim, c = spec_.classes, h = spec_.hidden;
  return spec_.kind == ModelKind::kSoftmax ? c * d + c : h * d + h + c * h + c;
}

double Model::forward_flops_per_sample() const {
  const double d = spec_.dim, c = spec_.classes, h = spec_.hidden;
  return spec_.kind == ModelKind::kSoftmax ? 2.0 * d * c : 2.0 * (d * h + h * c);
}

void Model::init(std::span<double> params, std::uint64_t seed) const {
  std::fill(params.begin(), params.end(), 0.0);
  if (spec_.kind == ModelKind::kSoftmax) return;
  sim::RandomStream rng(seed, 0, sim::purpose_id("fl-init"));
  const std::size_t d = spec_.dim, c = spec_.classes, h = spec_.hidden;
  const double r1 = std::sqrt(6.0 / double(d + h)), r2 = std::sqrt(6.0 / double(h + c));
  for (std::size_t i = 0; i < h * d; ++i) params[i] = rng.uniform(-r1, r1);
  for (std::size_t i = 0; i < c * h; ++i) params[h * d + h + i] = rng.uniform(-r2, r2);
}

// Fills scratch.probs (B x C, row-major) with the softmax outputs, and for the MLP scratch.pre /
// scratch.act (B x H) with the hidden pre-activations and ReLU outputs.
BatchLoss Model::forward(std::span<const double> params, const Dataset& data,
                         std::span<const std::uint32_t> batch, Scratch& s) const {
  const Eigen::Index b = static_cast<Eigen::Index>(batch.size());
  const Eigen::Index d = spec_.dim, c = spec_.classes, h = spec_.hidden;
  grow(s.x, batch.size() * spec_.dim);
  grow(s.probs, batch.size() * spec_.classes);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const float* row = data.features.data() + std::size_t{batch[i]} * spec_.dim;
    std::copy(row, row + spec_.dim, s.x.data() + i * spec_.dim);
  }
  RowMap x(s.x.data(), b, d);
  RowMap z(s.probs.data(), b, c);
  if (spec_.kind == ModelKind::kSoftmax) {
    ConstColMap w(params.data(), c, d);
    ConstVecMap bias(params.data() + c * d, c);
    z.noalias() = x * w.transpose();
    z.rowwise() += bias.transpose();
  } else {
    grow(s.pre, batch.size() * spec_.hidden);
    grow(s.act, batch.size() * spec_.hidden);
    ConstColMap w1(params.data(), h, d);
    ConstVecMap b1(params.data() + h * d, h);
    ConstColMap w2(params.data() + h * d + h, c, h);
    ConstVecMap b2(params.data() + h * d + h + c * h, c);
    RowMap pre(s.pre.data(), b, h), act(s.act.data(), b, h);
    pre.noalias() = x * w1.transpose();
    pre.rowwise() += b1.transpose();
    act = pre.cwiseMax(0.0);
    z.noalias() = act * w2.transpose();
    z.rowwise() += b2.transpose();
  }
  BatchLoss out;
  for (Eigen::Index i = 0; i < b; ++i) {
    const double top = z.row(i).maxCoeff();
    z.row(i).array() -= top;
    const double log_sum = std::log(z.row(i).array().exp().sum());
    const double l = log_sum - z(i, data.labels[batch[static_cast<std::size_t>(i)]]);
    out.mean += l;
    out.sum_squares += l * l;
    z.row(i) = (z.row(i).array() - log_sum).exp();
  }
  out.mean /= double(b);
  return out;
}

BatchLoss Model::loss(std::span<const double> params, const Dataset& data,
                      std::span<const std::uint32_t> batch, Scratch& scratch) const {
  if (batch.empty()) return {};
  return forward(params, data, batch, scratch);
}

BatchLoss Model::loss_gradient(std::span<const double> params, const Dataset& data,
                               std::span<const std::uint32_t> batch, std::span<double> grad,
                               Scratch& s) const {
  std::fill(grad.begin(), grad.end(), 0.0);
  if (batch.empty()) return {};
  const BatchLoss out = forward(params, data, batch, s);
  const Eigen::Index b = static_cast<Eigen::Index>(batch.size());
  const Eigen::Index d = spec_.dim, c = spec_.classes, h = spec_.hidden;
  RowMap x(s.x.data(), b, d);
  RowMap g(s.probs.data(), b, c);  // becomes (P - Y) / B in place
  for (Eigen::Index i = 0; i < b; ++i) g(i, data.labels[batch[static_cast<std::size_t>(i)]]) -= 1.0;
  g /= double(b);
  if (spec_.kind == ModelKind::kSoftmax) {
    ColMap dw(grad.data(), c, d);
    VecMap db(grad.data() + c * d, c);
    dw.noalias() = g.transpose() * x;
    db = g.colwise().sum().transpose();
  } else {
    ConstColMap w2(params.data() + h * d + h, c, h);
    ColMap dw1(grad.data(), h, d);
    VecMap db1(grad.data() + h * d, h);
    ColMap dw2(grad.data() + h * d + h, c, h);
    VecMap db2(grad.data() + h * d + h + c * h, c);
    RowMap pre(s.pre.data(), b, h), act(s.act.data(), b, h);
    dw2.noalias() = g.transpose() * act;
    db2 = g.colwise().sum().transpose();
    grow(s.grad_hidden, batch.size() * spec_.hidden);
    RowMap gh(s.grad_hidden.data(), b, h);
    gh.noalias() = g * w2;
    gh = (pre.array() > 0.0).select(gh, 0.0);
    dw1.noalias() = gh.transpose() * x;
    db1 = gh.colwise().sum().transpose();
  }
  return out;
}

std::uint32_t Model::correct(std::span<const double> params, const Dataset& data,
                             std::span<const std::uint32_t> batch, Scratch& s,
                             double* loss_sum) const {
  const BatchLoss l = forward(params, data, batch, s);
  *loss_sum = l.mean * double(batch.size());
  std::uint32_t right = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const double* p = s.probs.data() + i * spec_.classes;
    const auto best = static_cast<std::size_t>(std::max_element(p, p + spec_.classes) - p);
    right += best == data.labels[batch[i]] ? 1u : 0u;
  }
  return right;
}

Evaluation Model::evaluate(std::span<const double> params, const Dataset& data) const {
  const std::size_t n = data.size();
  if (n == 0) return {};
  const std::size_t chunks = (n + kEvalChunk - 1) / kEvalChunk;
  std::vector<double> losses(chunks);
  std::vector<std::uint32_t> rights(chunks);
  tbb::enumerable_thread_specific<Scratch> scratch;
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> ids;
  tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t k) {
    auto& batch = ids.local();
    const std::size_t lo = k * kEvalChunk, hi = std::min(n, lo + kEvalChunk);
    batch.resize(hi - lo);
    for (std::size_t i = lo; i < hi; ++i) batch[i - lo] = static_cast<std::uint32_t>(i);
    Scratch& s = scratch.local();
    s.w.assign(params.begin(), params.end());  // aligned, see CacheAligned
    rights[k] = correct(s.w, data, batch, s, &losses[k]);
  });
  double loss = 0.0, right = 0.0;
  for (std::size_t k = 0; k < chunks; ++k) {
    loss += losses[k];
    right += rights[k];
  }
  return {right / double(n), loss / double(n)};
}

LocalResult local_sgd(const Model& model, std::span<double> params, std::span<const double> global,
                      const Dataset& data, std::span<const std::uint32_t> samples,
                      const LocalConfig& config, sim::RandomStream& rng, Scratch& s) {
  LocalResult r;
  r.samples = static_cast<std::uint32_t>(samples.size());
  if (samples.empty() || config.batch_size == 0) return r;
  s.order.assign(samples.begin(), samples.end());
  if (s.grad.size() != params.size()) s.grad.resize(params.size());
  // Trained on aligned copies (see CacheAligned), written back at the end.
  s.w.assign(params.begin(), params.end());
  if (config.proximal_mu != 0.0) s.w0.assign(global.begin(), global.end());
  double loss_sum = 0.0, squares = 0.0, seen = 0.0;
  const double lr = config.learning_rate, mu = config.proximal_mu;
  for (std::uint32_t e = 0; e < config.epochs; ++e) {
    for (std::size_t i = s.order.size(); i > 1; --i) {
      std::swap(s.order[i - 1], s.order[rng.uniform_int(i)]);
    }
    for (std::size_t at = 0; at < s.order.size(); at += config.batch_size) {
      if (config.max_steps != 0 && r.steps == config.max_steps) break;
      const std::size_t len = std::min<std::size_t>(config.batch_size, s.order.size() - at);
      const std::span<const std::uint32_t> batch(s.order.data() + at, len);
      const BatchLoss l = model.loss_gradient(s.w, data, batch, s.grad, s);
      loss_sum += l.mean;
      squares += l.sum_squares;
      seen += double(len);
      VecMap w(s.w.data(), static_cast<Eigen::Index>(s.w.size()));
      ConstVecMap g(s.grad.data(), static_cast<Eigen::Index>(params.size()));
      if (mu != 0.0) {
        ConstVecMap w0(s.w0.data(), static_cast<Eigen::Index>(s.w0.size()));
        w -= lr * (g + mu * (w - w0));
      } else {
        w -= lr * g;
      }
      ++r.steps;
    }
  }
  std::copy(s.w.begin(), s.w.end(), params.begin());
  if (r.steps > 0) {
    r.mean_loss = loss_sum / r.steps;
    r.loss_rms = std::sqrt(squares / seen);
  }
  return r;
}

}  // namespace edgetwin::scheduler_plugins::federated
