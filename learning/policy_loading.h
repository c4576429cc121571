#ifndef TUTOR_LEARNING_POLICY_LOADING_H_
#define TUTOR_LEARNING_POLICY_LOADING_H_

#include <string>

#include "envs/env_layout.h"
#include "learning/checkpoint.h"
#include "learning/policy.h"

namespace tutor {

// one policy of a checkpoint, frozen (eval mode, no gradients), with what it reads
struct LoadedPolicy {
  PolicyNet net{nullptr};
  std::string name;   // "teacher" or "student": what it is to the user
  std::string role;   // its role in the checkpoint: "actor", "student" or "teacher"
  std::string group;  // the env group it reads
  EnvLayout layout;   // the layout it was trained with
  CheckpointMeta meta;
};

// The one loader of tutor's policies (eval, play, export, bench, and distill's teacher).
// `which`: "" for the checkpoint's acting policy (a PPO checkpoint's actor, a distillation
// checkpoint's student), "teacher" (a PPO actor, or a distillation checkpoint's teacher) or
// "student" ("teacher_1", ... for the further teachers of a multi-teacher distillation).
// Opens the archive once; the architecture comes from the checkpoint.
// ConfigError for a `which` the checkpoint does not hold; CheckpointError for a bad file.
LoadedPolicy LoadPolicy(const std::string& path, const std::string& which = "");

}  // namespace tutor

#endif  // TUTOR_LEARNING_POLICY_LOADING_H_
