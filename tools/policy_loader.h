#ifndef TUTOR_TOOLS_POLICY_LOADER_H_
#define TUTOR_TOOLS_POLICY_LOADER_H_

#include <string>

#include "envs/env_layout.h"
#include "learning/student_teacher.h"
#include "tools/evaluation.h"

namespace tutor {

// a checkpoint's deterministic policy, ready to drive an env
struct LoadedEvalPolicy {
  PolicyFn policy;
  std::string name;    // "teacher" or "student"
  std::string group;   // the observation group it reads
  EnvLayout layout;    // the layout it was trained with
  std::string config;  // the resolved config stored in the checkpoint
  int64_t parameters = 0;  // of the acting network (normalizer excluded)
  PolicyNet net{nullptr};  // the acting network itself (export, latency)
};

// which: "teacher", "student" or "" (a PPO checkpoint's teacher, a distillation's student)
LoadedEvalPolicy LoadEvalPolicy(const std::string& path, const std::string& which);

}  // namespace tutor

#endif  // TUTOR_TOOLS_POLICY_LOADER_H_
