#ifndef TUTOR_LEARNING_ACTOR_CRITIC_H_
#define TUTOR_LEARNING_ACTOR_CRITIC_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "learning/configs.h"
#include "learning/mlp.h"
#include "learning/normalizer.h"

namespace tutor {


// what the policy outputs for a batch of observations
struct ActionDistribution {
  torch::Tensor mean;  // [B, A]
  torch::Tensor std;   // [B, A]
  torch::Tensor LogProb(const torch::Tensor& actions) const;  // [B, 1]
  torch::Tensor Entropy() const;                              // [B, 1]
  torch::Tensor Sample() const;                               // [B, A]
};

// Gaussian actor on the actor observation set, value critic on the critic set; each with its
// own normalizer inside the model (saved and exported with it).
struct ActorCriticImpl : torch::nn::Module {
  ActorCriticImpl(int actor_obs, int critic_obs, int num_actions, const ActorCriticConfig& config);

  ActionDistribution Distribution(const torch::Tensor& actor_obs);
  torch::Tensor ActInference(const torch::Tensor& actor_obs);  // the mean action
  torch::Tensor Evaluate(const torch::Tensor& critic_obs);     // [B, 1] values
  void UpdateNormalization(const torch::Tensor& actor_obs, const torch::Tensor& critic_obs);
  torch::Tensor Std() const;  // [A]

  ActorCriticConfig config;
  EmpiricalNormalizer actor_normalizer{nullptr}, critic_normalizer{nullptr};
  Mlp actor{nullptr}, critic{nullptr};
  torch::Tensor std_param;  // [A]
};
TORCH_MODULE(ActorCritic);

}  // namespace tutor

#endif  // TUTOR_LEARNING_ACTOR_CRITIC_H_
