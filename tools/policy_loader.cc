#include "tools/policy_loader.h"

#include "envs/error.h"
#include "learning/checkpoint.h"

namespace tutor {

LoadedEvalPolicy LoadEvalPolicy(const std::string& path, const std::string& which) {
  if (!which.empty() && which != "teacher" && which != "student")
    throw ConfigError("--policy: expected 'teacher' or 'student', got '" + which + "'");
  torch::serialize::InputArchive archive;
  OpenCheckpoint(path, &archive);
  const CheckpointMeta meta = ReadMeta(&archive, path);
  LoadedEvalPolicy loaded;
  loaded.config = meta.config;
  loaded.layout = EnvLayout::Parse(meta.layout);
  if (meta.kind == "ppo") {
    if (which == "student")
      throw ConfigError(path + ": a PPO checkpoint holds only a teacher (--policy teacher)");
    LoadedPolicy ppo = LoadPpoPolicy(path);
    ActorCritic policy = ppo.policy;
    loaded.name = "teacher";
    loaded.group = meta.actor_group;
    for (const auto& p : policy->actor->parameters()) loaded.parameters += p.numel();
    const std::string group = loaded.group;
    loaded.policy = [policy, group](const ObsMap& obs, const torch::Tensor&) mutable {
      return policy->ActInference(obs.at(group));
    };
    return loaded;
  }
  throw CheckpointError(path + ": unknown checkpoint kind '" + meta.kind + "'");
}

}  // namespace tutor
