#include "learning/actor_critic.h"

#include <cmath>

#include "envs/error.h"

namespace tutor {
namespace {
constexpr double kMinStd = 1e-4;  // the std never reaches 0 (a Normal with std 0 is undefined)
constexpr double kLogSqrt2Pi = 0.91893853320467274;  // log(sqrt(2 pi))
}  // namespace

torch::Tensor ActionDistribution::LogProb(const torch::Tensor& actions) const {
  // log N(a; mu, sigma) = -(a - mu)^2 / (2 sigma^2) - log sigma - log sqrt(2 pi), summed
  const auto z = (actions - mean) / std;
  return (-0.5 * z.square() - std.log() - kLogSqrt2Pi).sum(-1, true);
}

torch::Tensor ActionDistribution::Entropy() const {
  // H = 0.5 + log(sqrt(2 pi) sigma) per dimension
  return (0.5 + kLogSqrt2Pi + std.log()).sum(-1, true);
}

torch::Tensor ActionDistribution::Sample() const {
  return mean + std * torch::randn_like(mean);
}

ActorCriticImpl::ActorCriticImpl(int actor_obs, int critic_obs, int num_actions,
                                 const ActorCriticConfig& cfg)
    : config(cfg) {
  if (config.std_type != "scalar" && config.std_type != "log")
    throw ConfigError("policy.std_type: expected 'scalar' or 'log', got '" + config.std_type + "'");
  actor_normalizer = register_module(
      "actor_normalizer", EmpiricalNormalizer(actor_obs, config.actor_obs_normalization));
  critic_normalizer = register_module(
      "critic_normalizer", EmpiricalNormalizer(critic_obs, config.critic_obs_normalization));
  actor = register_module("actor", Mlp(MlpSpec{actor_obs, config.actor_hidden, num_actions,
                                               config.activation}));
  critic = register_module(
      "critic", Mlp(MlpSpec{critic_obs, config.critic_hidden, 1, config.activation}));
  const double init = config.std_type == "log" ? std::log(config.init_std) : config.init_std;
  std_param = register_parameter("std", torch::full({num_actions}, init));
}

torch::Tensor ActorCriticImpl::Std() const {
  const auto std = config.std_type == "log" ? std_param.exp() : std_param;
  return std.clamp_min(kMinStd);
}

ActionDistribution ActorCriticImpl::Distribution(const torch::Tensor& actor_obs) {
  const auto mean = actor->forward(actor_normalizer->forward(actor_obs));
  return {mean, Std().expand_as(mean)};
}

torch::Tensor ActorCriticImpl::ActInference(const torch::Tensor& actor_obs) {
  return actor->forward(actor_normalizer->forward(actor_obs));
}

torch::Tensor ActorCriticImpl::Evaluate(const torch::Tensor& critic_obs) {
  return critic->forward(critic_normalizer->forward(critic_obs));
}

void ActorCriticImpl::UpdateNormalization(const torch::Tensor& actor_obs,
                                          const torch::Tensor& critic_obs) {
  actor_normalizer->Update(actor_obs);
  critic_normalizer->Update(critic_obs);
}

}  // namespace tutor
