#include "learning/actor_critic.h"

#include <yaml-cpp/yaml.h>


namespace tutor {

ActorCriticImpl::ActorCriticImpl(const PolicySpec& actor_spec, const ValueSpec& critic_spec) {
  actor = register_module("actor", PolicyNet(actor_spec));
  critic = register_module("critic", ValueNet(critic_spec));
}

void ActorCriticImpl::UpdateNormalization(const torch::Tensor& actor_obs,
                                          const torch::Tensor& critic_obs, Communicator* comm) {
  actor->normalizer->Update(actor_obs, comm);
  critic->normalizer->Update(critic_obs, comm);
}

std::string DescribeActorCritic(const ActorCritic& model) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << "actor_critic";
  out << YAML::Key << "actor" << YAML::Value << YAML::Load(DescribePolicySpec(model->actor->spec));
  out << YAML::Key << "critic" << YAML::Value
      << YAML::Load(DescribeValueSpec(model->critic->spec));
  out << YAML::EndMap;
  return out.c_str();
}

ActorCritic ActorCriticFromDescription(const std::string& text, const std::string& path) {
  CheckModelType(text, "actor_critic", "an actor_critic (a PPO checkpoint)", path);
  return ActorCritic(PolicySpecAt(text, "actor", path), ValueSpecAt(text, "critic", path));
}

}  // namespace tutor
