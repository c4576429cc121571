#ifndef TUTOR_ENVS_QUADRUPED_MODEL_H_
#define TUTOR_ENVS_QUADRUPED_MODEL_H_

#include <string>
#include <utility>
#include <vector>

#include "envs/env_config.h"
#include "envs/env_layout.h"
#include "envs/mujoco_util.h"
#include "envs/terms.h"
#include "envs/terrain.h"

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
  void CompileMirror(const std::string& source);  // the mirror maps below, if declared

  EnvConfig config;
  ModelPtr mj_model;  // the loaded scene; each env copies it (randomization edits model fields)
  EnvLayout layout;
  std::vector<CompiledGroup> groups;                   // parallel to layout.groups
  std::vector<std::pair<RewardTerm, double>> rewards;  // non-zero scales, per second
  std::vector<std::string> reward_names;               // parallel to `rewards`

  // how one controlled joint is driven (see ControlMode)
  enum class Drive { kEnvPd, kMotor, kPosition };
  struct JointDrive {
    Drive kind = Drive::kEnvPd;
    int actuator = -1;  // the file's actuator on the joint (kMotor, kPosition)
    double gear = 1;    // its gear: joint torque = gear * actuator force
  };

  int num_joints = 0, num_feet = 0, num_collision_parts = 0;
  int base_body = -1, base_qpos = 0, base_dof = 0, keyframe = -1, floor_geom = -1;
  int decimation = 1;                         // physics substeps per policy step
  std::vector<int> joint_qpos, joint_dof;     // per policy joint
  std::vector<double> joint_low, joint_high;  // soft limits (rad)
  std::vector<JointDrive> drives;             // per policy joint
  std::vector<std::vector<int>> foot_geoms;   // per foot, its colliding geoms
  // per geom of the model
  std::vector<int> geom_foot;       // foot index, or -1
  std::vector<char> geom_fall;      // touching the ground is a fall
  std::vector<int> geom_collision;  // collision part index, or -1
  std::vector<char> geom_ground;    // a colliding geom of the world body: the ground
  std::vector<char> geom_robot;     // a colliding geom of the robot (the base body's subtree)
  double base_mass = 0;             // kg, before randomization
  double base_inertia[3] = {0, 0, 0};
  int episode_steps = 1000;  // policy steps per episode
  // terrain (config.terrain.enabled()): its geoms in mj_model (the floor geom is switched off,
  // its contact properties copied onto them), and the terrain type of each env
  bool has_terrain = false;
  TerrainGeoms terrain_geoms;
  // a patch without height (flat, obstacles) is the floor plane (about 2.5x cheaper than a
  // height field) when the floor is a plane at z = 0: the env switches the floor or the height
  // field on; these are what the floor collides and looks like
  bool floor_plane = false;
  int floor_matid = -1;
  float floor_rgba[4] = {0, 0, 0, 0};
  std::vector<int> env_terrain;  // per env: index into config.terrain.types
  // what the env does with the file, for the log: control, timing, physics options
  std::vector<std::string> summary;

  // The left-right mirror as index maps: mirrored[i] = sign[i] * x[index[i]]. Empty when the
  // config declares no mirror. Per group (parallel to `groups`) and for the actions.
  struct Mirror {
    std::vector<int> index;
    std::vector<float> sign;
  };
  bool has_mirror = false;
  std::vector<int> mirror_joint, mirror_foot;  // policy joint / foot -> its mirror
  std::vector<double> mirror_sign;             // per policy joint
  std::vector<Mirror> group_mirrors;
  Mirror action_mirror;
  // the gait clock's phase shift under the mirror (0 or 0.5 of a cycle)
  double gait_mirror_shift = 0;
};

// the mirror of `x` (one group's row or an action) under `mirror`
void ApplyMirror(const QuadrupedModel::Mirror& mirror, const float* x, float* out);

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_MODEL_H_
