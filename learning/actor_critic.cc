#include "learning/actor_critic.h"

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace tutor {

ActorCriticImpl::ActorCriticImpl(const PolicySpec& actor_spec, const ValueSpec& critic_spec) {
  actor = register_module("actor", PolicyNet(actor_spec));
  critic = register_module("critic", ValueNet(critic_spec));
}

void ActorCriticImpl::UpdateNormalization(const torch::Tensor& actor_obs,
                                          const torch::Tensor& critic_obs) {
  actor->normalizer->Update(actor_obs);
  critic->normalizer->Update(critic_obs);
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
  try {
    const YAML::Node root = YAML::Load(text);
    if (root["type"].as<std::string>() != "actor_critic")
      throw CheckpointError(path + ": holds a '" + root["type"].as<std::string>() +
                            "' model, expected an actor_critic (a PPO checkpoint)");
    YAML::Emitter actor, critic;
    actor << root["actor"];
    critic << root["critic"];
    return ActorCritic(ParsePolicySpec(actor.c_str(), path), ParseValueSpec(critic.c_str(), path));
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}

}  // namespace tutor
