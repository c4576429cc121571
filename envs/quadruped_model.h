#ifndef TUTOR_ENVS_QUADRUPED_MODEL_H_
#define TUTOR_ENVS_QUADRUPED_MODEL_H_

#include <string>
#include <utility>
#include <vector>

#include "envs/env_config.h"
#include "envs/env_layout.h"
#include "envs/mujoco_util.h"
#include "envs/terms.h"

namespace tutor {

// Read-only facts shared by every env of a batch: the resolved config, the loaded scene, its
// MuJoCo ids, the observation layout compiled into term lists. Built once; every name is
// checked here. The control parameters the env runs on (default pose, gains, torque limits,
// action scale and clip, control period) live in `layout` only; `config.robot` is the input
// they were built from.
struct QuadrupedModel {
  struct CompiledTerm {
    ObsTerm id;
    int offset, width;
    double scale, noise;
  };
  struct CompiledGroup {
    std::vector<CompiledTerm> terms;
    int width = 0;
  };

  QuadrupedModel(const EnvConfig& config, const std::string& source);

  EnvConfig config;
  ModelPtr mj_model;  // the loaded scene; each env copies it (randomization edits model fields)
  EnvLayout layout;
  std::vector<CompiledGroup> groups;                   // parallel to layout.groups
  std::vector<std::pair<RewardTerm, double>> rewards;  // non-zero scales, per second
  std::vector<std::string> reward_names;               // parallel to `rewards`

  int num_joints = 0, num_feet = 0;
  int base_body = -1, base_qpos = 0, base_dof = 0, keyframe = -1, floor_geom = -1;
  std::vector<int> joint_qpos, joint_dof;     // per policy joint
  std::vector<double> joint_low, joint_high;  // soft limits (rad)
  std::vector<int> foot_geoms;
  std::vector<int> geom_role;  // per geom: foot index >= 0, kFallGeom, or kOtherGeom
  double base_mass = 0;        // kg, before randomization
  double base_inertia[3] = {0, 0, 0};
  int episode_steps = 1000;  // policy steps per episode

  static constexpr int kOtherGeom = -1;
  static constexpr int kFallGeom = -2;
};

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_MODEL_H_
