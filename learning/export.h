#ifndef TUTOR_LEARNING_EXPORT_H_
#define TUTOR_LEARNING_EXPORT_H_

#include <string>

#include "envs/env_layout.h"
#include "learning/policy.h"

namespace tutor {

// Writes `net` (normalizer, memory, MLP) with the observation layout of `group`, the joint
// order, default pose, gains, action scale and clip and control period, in the format that
// learning/eigen_policy.h reads. Atomic (temp + rename).
void ExportPolicy(PolicyNet net, const EnvLayout& layout, const std::string& group,
                  const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_EXPORT_H_
