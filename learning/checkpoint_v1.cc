// Reading checkpoints of format 1 (tutor before observation sets were named by role and the
// PPO actor became a PolicyNet). Their meta is translated to format 2 on reading; their PPO
// weights are read under the old names. Nothing here writes format 1.
#include <yaml-cpp/yaml.h>

#include <limits>

#include "core/error.h"
#include "learning/checkpoint.h"
#include "learning/policy.h"

namespace tutor {
namespace {

std::string Emit(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << node;
  return out.c_str();
}

// format 1 described the PPO model as two MLP shapes plus std and normalizer flags
std::string TranslateActorCritic(const YAML::Node& v1) {
  PolicySpec actor;
  actor.obs = v1["actor"]["input"].as<int>();
  actor.actions = v1["actor"]["output"].as<int>();
  actor.config.hidden = v1["actor"]["hidden"].as<std::vector<int>>();
  actor.config.memory = MemoryType::kNone;
  actor.config.init_std = v1["init_std"].as<double>();
  actor.config.obs_normalization = v1["actor_obs_normalization"].as<bool>();
  ValueSpec critic;
  critic.obs = v1["critic"]["input"].as<int>();
  critic.config.hidden = v1["critic"]["hidden"].as<std::vector<int>>();
  critic.config.obs_normalization = v1["critic_obs_normalization"].as<bool>();
  if (!ParseChoice(Activations(), v1["actor"]["activation"].as<std::string>(),
                   &actor.config.activation) ||
      !ParseChoice(StdTypes(), v1["std_type"].as<std::string>(), &actor.config.std_type))
    throw YAML::Exception(YAML::Mark::null_mark(), "unknown activation or std_type");
  critic.config.activation = actor.config.activation;
  YAML::Node root;
  root["type"] = "actor_critic";
  root["actor"] = YAML::Load(DescribePolicySpec(actor));
  root["critic"] = YAML::Load(DescribeValueSpec(critic));
  return Emit(root);
}

}  // namespace

CheckpointMeta ReadMetaV1(torch::serialize::InputArchive* archive, const std::string& path) {
  CheckpointMeta meta;
  meta.format_version = 1;
  meta.kind = ReadString(archive, "kind", path);
  const std::string acting = ReadString(archive, "actor_group", path);
  const std::string other = ReadString(archive, "critic_group", path);
  meta.iteration = static_cast<int>(ReadInt(archive, "iteration", path));
  if (meta.kind == "ppo") meta.sets = {{"actor", acting}, {"critic", other}};
  else if (meta.kind == "distillation") meta.sets = {{"student", acting}, {"teacher", other}};
  else throw CheckpointError(path + ": unknown checkpoint kind '" + meta.kind + "'");
  try {
    // the config: runner.actor_group/critic_group become runner.observation_sets
    YAML::Node config = YAML::Load(ReadString(archive, "config", path));
    YAML::Node runner = config["runner"];
    if (runner && runner.IsMap()) {
      runner.remove("actor_group");
      runner.remove("critic_group");
      for (const auto& [role, group] : meta.sets) runner["observation_sets"][role] = group;
    }
    meta.config = Emit(config);
    // the layout: format 1 did not record the action clip; the config did
    EnvLayout layout = EnvLayout::Parse(ReadString(archive, "layout", path));
    const YAML::Node clip = config["env"]["robot"]["action_clip"];
    layout.action_clip = clip ? clip.as<double>() : 100.0;  // RobotConfig's default then
    meta.layout = layout.Serialize();
    // the model: a PPO description changes shape, a distillation one is the same
    const std::string model = ReadString(archive, "model", path);
    meta.model = meta.kind == "ppo" ? TranslateActorCritic(YAML::Load(model)) : model;
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed format-1 checkpoint: " + e.what());
  }
  return meta;
}

void LoadPpoActorV1(torch::serialize::InputArchive* model, PolicyNetImpl* actor,
                    const std::string& path) {
  // format 1 names: actor_normalizer.*, actor.layers.*, std (the critic is not needed here)
  try {
    torch::serialize::InputArchive normalizer, mlp;
    model->read("actor_normalizer", normalizer);
    actor->normalizer->load(normalizer);
    model->read("actor", mlp);
    actor->mlp->load(mlp);
    torch::NoGradGuard no_grad;
    torch::Tensor std;
    model->read("std", std);
    actor->std_param.copy_(std);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": format-1 actor weights do not match its description: " +
                          e.what_without_backtrace());
  }
}

}  // namespace tutor
