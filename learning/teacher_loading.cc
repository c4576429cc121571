#include "learning/teacher_loading.h"

#include "envs/error.h"

namespace tutor {

LoadedDistillation LoadDistillation(const std::string& path) {
  torch::serialize::InputArchive archive;
  LoadedDistillation loaded;
  loaded.meta = OpenCheckpoint(path, &archive);
  if (loaded.meta.kind != "distillation")
    throw CheckpointError(path + ": a '" + loaded.meta.kind +
                          "' checkpoint, expected a distillation one");
  loaded.layout = EnvLayout::Parse(loaded.meta.layout);
  loaded.model = StudentTeacherFromDescription(loaded.meta.model, path);
  LoadPolicyWeights(&archive, loaded.model.get(), path);
  loaded.model->eval();
  return loaded;
}

LoadedTeacher LoadTeacher(const std::string& path) {
  const CheckpointMeta meta = ReadCheckpointMeta(path);
  LoadedTeacher teacher;
  teacher.source_kind = meta.kind;
  if (meta.kind == "ppo") {
    LoadedPolicy ppo = LoadPpoPolicy(path);
    teacher.net = PolicyNetFromActor(ppo.policy);
    teacher.group = meta.actor_group;
    teacher.layout = ppo.layout;
  } else if (meta.kind == "distillation") {
    LoadedDistillation d = LoadDistillation(path);
    teacher.net = d.model->student;
    teacher.group = meta.actor_group;
    teacher.layout = d.layout;
  } else {
    throw CheckpointError(path + ": unknown checkpoint kind '" + meta.kind + "'");
  }
  for (auto& p : teacher.net->parameters()) p.requires_grad_(false);
  teacher.net->eval();
  return teacher;
}

}  // namespace tutor
