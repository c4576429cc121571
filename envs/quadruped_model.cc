#include "envs/quadruped_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace tutor {
namespace {

// the group's terms with offsets, scales and noise; noise only in noisy groups
GroupLayout CompileGroup(const std::string& name, const std::vector<std::string>& terms,
                         const ObservationConfig& obs, int num_joints, int num_feet) {
  GroupLayout group;
  group.name = name;
  bool noisy = false;
  for (const auto& g : obs.noisy_groups) noisy = noisy || g == name;
  for (const auto& term_name : terms) {
    const ObsTermInfo* info = FindObservationTerm(term_name);
    if (!info)
      throw ConfigError("env.observations.groups." + name + ": unknown term '" + term_name +
                        "' (known: " + KnownObservationTermNames() + ")");
    TermLayout term;
    term.name = term_name;
    term.offset = group.width;
    term.width = ObservationTermWidth(info->id, num_joints, num_feet);
    for (const auto& t : obs.terms)
      if (t.name == term_name) term.scale = t.scale, term.noise = noisy ? t.noise : 0.0;
    group.width += term.width;
    group.terms.push_back(term);
  }
  return group;
}

}  // namespace

QuadrupedModel::QuadrupedModel(const EnvConfig& cfg, const std::string& source) : config(cfg) {
  ValidateEnvConfig(config, source);
  const RobotConfig& robot = config.robot;
  mj_model = LoadModel(robot.mjcf);
  const mjModel* model = mj_model.get();

  // every name the config needs, all missing ones reported together
  std::vector<std::string> missing;
  base_body = ObjectId(model, mjOBJ_BODY, robot.base_body);
  if (base_body < 0) missing.push_back("body '" + robot.base_body + "'");
  num_joints = static_cast<int>(robot.joints.size());
  for (const auto& name : robot.joints) {
    const int id = ObjectId(model, mjOBJ_JOINT, name);
    if (id < 0) {
      missing.push_back("joint '" + name + "'");
      continue;
    }
    if (model->jnt_type[id] != mjJNT_HINGE && model->jnt_type[id] != mjJNT_SLIDE)
      throw ModelError(robot.mjcf + ": joint '" + name + "' must be a hinge or slide joint");
    joint_qpos.push_back(model->jnt_qposadr[id]);
    joint_dof.push_back(model->jnt_dofadr[id]);
    const double soft = config.rewards.soft_joint_limit;
    if (model->jnt_limited[id]) {
      const double mid = 0.5 * (model->jnt_range[2 * id] + model->jnt_range[2 * id + 1]);
      const double half = 0.5 * (model->jnt_range[2 * id + 1] - model->jnt_range[2 * id]);
      joint_low.push_back(mid - soft * half);
      joint_high.push_back(mid + soft * half);
    } else {
      joint_low.push_back(-std::numeric_limits<double>::infinity());
      joint_high.push_back(std::numeric_limits<double>::infinity());
    }
  }
  num_feet = static_cast<int>(robot.feet.size());
  geom_role.assign(model->ngeom, kOtherGeom);
  for (int k = 0; k < num_feet; ++k) {
    const int id = ObjectId(model, mjOBJ_GEOM, robot.feet[k]);
    if (id < 0)
      missing.push_back("foot geom '" + robot.feet[k] + "'");
    else
      geom_role[id] = k, foot_geoms.push_back(id);
  }
  for (const auto& name : robot.fall_contact_geoms) {
    const int id = ObjectId(model, mjOBJ_GEOM, name);
    if (id < 0)
      missing.push_back("fall-contact geom '" + name + "'");
    else
      geom_role[id] = kFallGeom;
  }
  floor_geom = ObjectId(model, mjOBJ_GEOM, robot.floor_geom);
  if (floor_geom < 0) missing.push_back("floor geom '" + robot.floor_geom + "'");
  if (!robot.keyframe.empty()) {
    keyframe = ObjectId(model, mjOBJ_KEY, robot.keyframe);
    if (keyframe < 0) missing.push_back("keyframe '" + robot.keyframe + "'");
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& item : missing) list += (list.empty() ? "" : ", ") + item;
    throw ModelError(robot.mjcf + ": missing " + list + " (named in " + source + ")");
  }
  const int root = model->body_jntadr[base_body];
  if (root < 0 || model->jnt_type[root] != mjJNT_FREE)
    throw ModelError(robot.mjcf + ": base body '" + robot.base_body + "' needs a free joint");
  base_qpos = model->jnt_qposadr[root];
  base_dof = model->jnt_dofadr[root];
  base_mass = model->body_mass[base_body];
  for (int i = 0; i < 3; ++i) base_inertia[i] = model->body_inertia[3 * base_body + i];
  if (base_mass + config.randomization.added_mass[0] <= 0)
    throw ConfigError(source + ": env.randomization.added_mass: would make the base mass " +
                      "non-positive (base mass " + std::to_string(base_mass) + " kg)");

  // timing
  const double control_dt = robot.decimation * model->opt.timestep;  // s
  episode_steps =
      std::max(1, static_cast<int>(std::lround(config.termination.episode_length_s / control_dt)));

  // observation layout; `critic` defaults to `teacher` (or `policy` when there is no teacher)
  auto groups_cfg = config.observations.groups;
  for (const auto& name : config.observations.noisy_groups) {
    bool found = false;
    for (const auto& g : groups_cfg) found = found || g.first == name;
    if (!found)
      throw ConfigError(source + ": env.observations.noisy_groups: no group '" + name + "'");
  }
  auto find_group = [&](const std::string& name) -> const std::vector<std::string>* {
    for (const auto& g : groups_cfg)
      if (g.first == name) return &g.second;
    return nullptr;
  };
  if (!find_group("critic")) {
    const auto* fallback = find_group("teacher") ? find_group("teacher") : find_group("policy");
    if (fallback) groups_cfg.emplace_back("critic", *fallback);
  }
  for (const auto& g : groups_cfg) {
    layout.groups.push_back(
        CompileGroup(g.first, g.second, config.observations, num_joints, num_feet));
    CompiledGroup compiled;
    compiled.width = layout.groups.back().width;
    for (const auto& t : layout.groups.back().terms)
      compiled.terms.push_back(
          {FindObservationTerm(t.name)->id, t.offset, t.width, t.scale, t.noise});
    groups.push_back(compiled);
  }
  // the env's only source of control parameters; the robot config is just the input
  layout.joint_names = robot.joints;
  layout.default_pose = robot.default_pose;
  layout.kp = robot.kp;
  layout.kd = robot.kd;
  layout.torque_limits = robot.torque_limits;
  layout.action_scale = robot.action_scale;
  layout.action_clip = robot.action_clip;
  layout.control_dt = control_dt;

  for (const auto& [name, scale] : config.rewards.scales) {
    if (scale == 0.0) continue;
    rewards.emplace_back(FindRewardTerm(name)->id, scale);
    reward_names.push_back(name);
  }
}

}  // namespace tutor
