#include "learning/normalizer.h"

namespace tutor {

EmpiricalNormalizerImpl::EmpiricalNormalizerImpl(int size, bool enabled_, double epsilon_)
    : enabled(enabled_), epsilon(epsilon_) {
  mean = register_buffer("mean", torch::zeros({size}));
  var = register_buffer("var", torch::ones({size}));
  count = register_buffer("count", torch::zeros({}, torch::kFloat64));
}

torch::Tensor EmpiricalNormalizerImpl::forward(const torch::Tensor& x) {
  if (!enabled) return x;
  return (x - mean) / (var.sqrt() + epsilon);
}

void EmpiricalNormalizerImpl::Update(const torch::Tensor& x, Communicator* comm) {
  if (!enabled || !is_training()) return;
  torch::NoGradGuard no_grad;
  const auto flat = x.reshape({-1, x.size(-1)});
  torch::Tensor batch_mean, batch_var;
  double n = static_cast<double>(flat.size(0));
  if (IsDistributed(comm)) {
    // the union of the ranks' batches, in two passes of float64 sums: the mean, then the
    // squared deviations from it (no E[x^2] - E[x]^2 cancellation)
    const auto x64 = flat.to(torch::kFloat64);
    auto sums = torch::cat({x64.sum(0), torch::tensor({n}, torch::kFloat64)});
    sums = SumOverRanks(comm, sums);
    n = sums[-1].item<double>();
    if (n == 0) return;
    const auto mean64 = sums.slice(0, 0, -1) / n;
    const auto squares = SumOverRanks(comm, (x64 - mean64).square().sum(0).contiguous());
    batch_mean = mean64.to(torch::kFloat32);
    batch_var = (squares / n).to(torch::kFloat32);
  } else {
    if (n == 0) return;
    batch_mean = flat.mean(0);
    batch_var = flat.var(0, /*unbiased=*/false);
  }
  const double seen = count.item<double>();
  const double total = seen + n;
  const auto delta = batch_mean - mean;
  // combined mean and population variance of the two sets
  mean.add_(delta * (n / total));
  var.copy_((var * seen + batch_var * n + delta.square() * (seen * n / total)) / total);
  count.fill_(total);
}

}  // namespace tutor
