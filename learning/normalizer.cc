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

void EmpiricalNormalizerImpl::Update(const torch::Tensor& x) {
  if (!enabled || !is_training()) return;
  torch::NoGradGuard no_grad;
  const auto flat = x.reshape({-1, x.size(-1)});
  const double n = static_cast<double>(flat.size(0));
  if (n == 0) return;
  const double seen = count.item<double>();
  const double total = seen + n;
  const auto batch_mean = flat.mean(0);
  const auto batch_var = flat.var(0, /*unbiased=*/false);
  const auto delta = batch_mean - mean;
  // combined mean and population variance of the two sets
  mean.add_(delta * (n / total));
  var.copy_((var * seen + batch_var * n + delta.square() * (seen * n / total)) / total);
  count.fill_(total);
}

}  // namespace tutor
