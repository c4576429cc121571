#ifndef TUTOR_LEARNING_TEACHER_LOADING_H_
#define TUTOR_LEARNING_TEACHER_LOADING_H_

#include <string>

#include "envs/env_layout.h"
#include "learning/checkpoint.h"
#include "learning/student_teacher.h"

namespace tutor {

// a frozen teacher for distillation, with the group it reads and the layout it expects
struct LoadedTeacher {
  PolicyNet net{nullptr};
  std::string group;
  EnvLayout layout;
  std::string source_kind;  // "ppo" (its actor) or "distillation" (its student)
};

// From a PPO checkpoint: the actor and its normalizer (architecture read from the file).
// From a distillation checkpoint: its student, for the next stage of a progressive chain.
LoadedTeacher LoadTeacher(const std::string& path);

// a distillation checkpoint's student-teacher model with weights, in eval mode
struct LoadedDistillation {
  StudentTeacher model{nullptr};
  CheckpointMeta meta;
  EnvLayout layout;
};
LoadedDistillation LoadDistillation(const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_TEACHER_LOADING_H_
