#ifndef TUTOR_LEARNING_ACTOR_CRITIC_H_
#define TUTOR_LEARNING_ACTOR_CRITIC_H_

#include <torch/torch.h>

#include <string>

#include "learning/policy.h"

namespace tutor {

// PPO's model: the Gaussian actor (a PolicyNet on the actor set) and the value critic (a
// ValueNet on the critic set), each with its own normalizer (saved and exported with it).
struct ActorCriticImpl : torch::nn::Module {
  ActorCriticImpl(const PolicySpec& actor_spec, const ValueSpec& critic_spec);

  ActionDistribution Distribution(const torch::Tensor& actor_obs) {
    return actor->Distribution(actor_obs);
  }
  torch::Tensor Evaluate(const torch::Tensor& critic_obs) { return critic->forward(critic_obs); }
  // normalizer statistics from a rollout: [.., Da] and [.., Dc]
  void UpdateNormalization(const torch::Tensor& actor_obs, const torch::Tensor& critic_obs,
                           Communicator* comm = nullptr);

  PolicyNet actor{nullptr};
  ValueNet critic{nullptr};
};
TORCH_MODULE(ActorCritic);

// architecture <-> YAML text ({type: actor_critic, actor: ..., critic: ...})
std::string DescribeActorCritic(const ActorCritic& model);
ActorCritic ActorCriticFromDescription(const std::string& text, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_ACTOR_CRITIC_H_
