#include "learning/policy_loading.h"

#include "core/error.h"

namespace tutor {

LoadedPolicy LoadPolicy(const std::string& path, const std::string& which) {
  // "teacher_1", ...: the further teachers of a multi-teacher distillation checkpoint
  const bool further_teacher =
      which.rfind("teacher_", 0) == 0 && which.size() > 8 &&
      which.find_first_not_of("0123456789", 8) == std::string::npos;
  if (!which.empty() && which != "teacher" && which != "student" && !further_teacher)
    throw ConfigError("--policy: expected 'teacher' or 'student', got '" + which + "'");
  torch::serialize::InputArchive archive;
  LoadedPolicy loaded;
  loaded.meta = OpenCheckpoint(path, &archive);
  const CheckpointMeta& meta = loaded.meta;

  // which network of the checkpoint: the only place that tells PPO from distillation
  if (meta.kind == "ppo") {
    if (which == "student" || further_teacher)
      throw ConfigError(path + ": a PPO checkpoint holds only a teacher (--policy teacher)");
    loaded.role = "actor";
    loaded.name = "teacher";
  } else if (meta.kind == "distillation") {
    loaded.role = which.empty() ? "student" : which;
    loaded.name = further_teacher ? "teacher" : loaded.role;
  } else {
    throw CheckpointError(path + ": unknown checkpoint kind '" + meta.kind + "'");
  }
  const auto set = meta.sets.find(loaded.role);
  if (set == meta.sets.end())
    throw CheckpointError(path + ": no observation set for its " + loaded.role);
  loaded.group = set->second;
  loaded.layout = EnvLayout::Parse(meta.layout);

  // the network as the checkpoint describes it, then its weights
  loaded.net = PolicyNet(PolicySpecAt(meta.model, loaded.role, path));
  torch::serialize::InputArchive model = ModelArchive(&archive, path);
  if (meta.format_version == 1 && meta.kind == "ppo") {
    LoadPpoActorV1(&model, loaded.net.get(), path);
  } else {
    try {
      torch::serialize::InputArchive weights;
      model.read(loaded.role, weights);
      loaded.net->load(weights);
    } catch (const c10::Error& e) {
      throw CheckpointError(path + ": " + loaded.role +
                            " weights do not match the stored architecture: " +
                            e.what_without_backtrace());
    }
  }
  for (auto& p : loaded.net->parameters()) p.requires_grad_(false);
  loaded.net->eval();
  return loaded;
}

}  // namespace tutor
