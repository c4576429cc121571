#include "tools/policy_loader.h"

#include "envs/error.h"
#include "learning/checkpoint.h"
#include "learning/teacher_loading.h"

namespace tutor {

LoadedEvalPolicy LoadEvalPolicy(const std::string& path, const std::string& which) {
  if (!which.empty() && which != "teacher" && which != "student")
    throw ConfigError("--policy: expected 'teacher' or 'student', got '" + which + "'");
  const CheckpointMeta meta = ReadCheckpointMeta(path);
  LoadedEvalPolicy loaded;
  loaded.config = meta.config;
  loaded.layout = EnvLayout::Parse(meta.layout);
  if (meta.kind == "ppo") {
    if (which == "student")
      throw ConfigError(path + ": a PPO checkpoint holds only a teacher (--policy teacher)");
    loaded.net = PolicyNetFromActor(LoadPpoPolicy(path).policy);
    loaded.name = "teacher";
    loaded.group = meta.actor_group;
  } else if (meta.kind == "distillation") {
    LoadedDistillation d = LoadDistillation(path);
    const bool student = which != "teacher";
    loaded.net = student ? d.model->student : d.model->teacher;
    loaded.name = student ? "student" : "teacher";
    loaded.group = student ? meta.actor_group : meta.critic_group;
  } else {
    throw CheckpointError(path + ": unknown checkpoint kind '" + meta.kind + "'");
  }
  PolicyNet net = loaded.net;
  net->eval();
  for (const auto& p : net->mlp->parameters()) loaded.parameters += p.numel();
  if (net->memory)
    for (const auto& p : net->memory->parameters()) loaded.parameters += p.numel();
  const std::string group = loaded.group;
  // a recurrent policy starts each episode from a zero state
  loaded.policy = [net, group](const ObsMap& obs, const torch::Tensor& starts) mutable {
    net->Reset(starts);
    return net->forward(obs.at(group));
  };
  return loaded;
}

}  // namespace tutor
