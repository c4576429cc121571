#include "envs/quadruped_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

namespace tutor {
namespace {

// the group's terms with offsets, scales and noise; noise only in noisy groups
GroupLayout CompileGroup(const std::string& name, const std::vector<std::string>& terms,
                         const ObservationConfig& obs, int num_joints, int num_feet,
                         int scan_width) {
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
    term.width = ObservationTermWidth(info->id, num_joints, num_feet, scan_width);
    for (const auto& t : obs.terms)
      if (t.name == term_name) term.scale = t.scale, term.noise = noisy ? t.noise : 0.0;
    group.width += term.width;
    group.terms.push_back(term);
  }
  return group;
}

// true when a geom takes part in collisions at all
bool Colliding(const mjModel* model, int geom) {
  return model->geom_contype[geom] != 0 || model->geom_conaffinity[geom] != 0;
}

// the colliding geoms a contact-part name stands for: the geom of that name, else every
// colliding geom of the body of that name; "geom:" / "body:" force one reading. Empty when
// there is no such object (a body without colliding geoms is an error of its own).
std::vector<int> ResolvePart(const mjModel* model, const std::string& name,
                             const std::string& mjcf, const std::string& key) {
  std::string bare = name;
  bool geom_only = false, body_only = false;
  if (bare.rfind("geom:", 0) == 0) bare = bare.substr(5), geom_only = true;
  if (bare.rfind("body:", 0) == 0) bare = bare.substr(5), body_only = true;
  if (!body_only) {
    const int geom = ObjectId(model, mjOBJ_GEOM, bare);
    if (geom >= 0) {
      if (!Colliding(model, geom))
        throw ModelError(mjcf + ": geom '" + bare + "' (env.robot." + key +
                         ") collides with nothing (contype = conaffinity = 0)");
      return {geom};
    }
  }
  if (geom_only) return {};
  const int body = ObjectId(model, mjOBJ_BODY, bare);
  if (body < 0) return {};
  std::vector<int> geoms;
  for (int g = model->body_geomadr[body]; g >= 0 && g < model->body_geomadr[body] +
                                                         model->body_geomnum[body]; ++g)
    if (Colliding(model, g)) geoms.push_back(g);
  if (geoms.empty())
    throw ModelError(mjcf + ": body '" + bare + "' (env.robot." + key +
                     ") has no colliding geom");
  return geoms;
}

// the physics options of the config written over the file's
void ApplyPhysics(const PhysicsConfig& p, mjModel* model) {
  if (p.timestep > 0) model->opt.timestep = p.timestep;
  if (p.cone == PhysicsConfig::Cone::kPyramidal) model->opt.cone = mjCONE_PYRAMIDAL;
  if (p.cone == PhysicsConfig::Cone::kElliptic) model->opt.cone = mjCONE_ELLIPTIC;
  if (p.impratio > 0) model->opt.impratio = p.impratio;
  if (p.solver == PhysicsConfig::Solver::kPgs) model->opt.solver = mjSOL_PGS;
  if (p.solver == PhysicsConfig::Solver::kCg) model->opt.solver = mjSOL_CG;
  if (p.solver == PhysicsConfig::Solver::kNewton) model->opt.solver = mjSOL_NEWTON;
  if (p.iterations > 0) model->opt.iterations = p.iterations;
  if (p.tolerance > 0) model->opt.tolerance = p.tolerance;
}

std::string Format(const char* format, double a, double b = 0, double c = 0) {
  char text[320];
  std::snprintf(text, sizeof(text), format, a, b, c);
  return text;
}

}  // namespace

QuadrupedModel::QuadrupedModel(const EnvConfig& cfg, const std::string& source) : config(cfg) {
  ValidateEnvConfig(config, source);
  const RobotConfig& robot = config.robot;
  mj_model = LoadModel(robot.mjcf);
  const TerrainConfig& terrain = config.terrain;
  has_terrain = terrain.enabled();
  if (has_terrain) {  // the scene again, with the terrain's geoms and larger contact buffers
    const int nconmax = terrain.nconmax > 0 ? terrain.nconmax : 2 * mj_model->nconmax;
    const int njmax = terrain.njmax > 0 ? terrain.njmax : 2 * mj_model->njmax;
    mj_model = LoadTerrainScene(robot.mjcf, terrain.geometry, terrain.geometry.box_pool, nconmax,
                                njmax, &terrain_geoms);
  }
  mjModel* model = mj_model.get();
  ApplyPhysics(config.physics, model);
  if (model->opt.integrator == mjINT_RK4)
    throw ModelError(robot.mjcf + ": integrator RK4 is not supported (the env steps with "
                     "mj_step1/mj_step2, which integrate with Euler): use Euler or implicit");

  // every name the config needs, all missing ones reported together
  std::vector<std::string> missing;
  base_body = ObjectId(model, mjOBJ_BODY, robot.base_body);
  if (base_body < 0) missing.push_back("body '" + robot.base_body + "'");
  num_joints = static_cast<int>(robot.joints.size());
  std::vector<int> joint_ids;
  for (const auto& name : robot.joints) {
    const int id = ObjectId(model, mjOBJ_JOINT, name);
    if (id < 0) {
      missing.push_back("joint '" + name + "'");
      continue;
    }
    if (model->jnt_type[id] != mjJNT_HINGE && model->jnt_type[id] != mjJNT_SLIDE)
      throw ModelError(robot.mjcf + ": joint '" + name + "' must be a hinge or slide joint");
    joint_ids.push_back(id);
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
  // contact parts: feet, fall contacts, collision-penalty parts (geom or body names)
  num_feet = static_cast<int>(robot.feet.size());
  geom_foot.assign(model->ngeom, -1);
  geom_fall.assign(model->ngeom, 0);
  geom_collision.assign(model->ngeom, -1);
  for (int k = 0; k < num_feet; ++k) {
    foot_geoms.push_back(ResolvePart(model, robot.feet[k], robot.mjcf, "feet"));
    if (foot_geoms.back().empty()) missing.push_back("foot geom or body '" + robot.feet[k] + "'");
    for (int g : foot_geoms.back()) geom_foot[g] = k;
  }
  // a body's feet stay feet: a calf body that holds the foot sphere penalises its capsule
  for (const auto& name : robot.fall_contacts) {
    const auto geoms = ResolvePart(model, name, robot.mjcf, "fall_contacts");
    if (geoms.empty()) missing.push_back("fall-contact geom or body '" + name + "'");
    for (int g : geoms)
      if (geom_foot[g] < 0) geom_fall[g] = 1;
  }
  for (const auto& name : robot.collision_contacts) {
    const auto geoms = ResolvePart(model, name, robot.mjcf, "collision_contacts");
    if (geoms.empty()) missing.push_back("collision-contact geom or body '" + name + "'");
    for (int g : geoms)
      if (geom_foot[g] < 0) geom_collision[g] = num_collision_parts;
    ++num_collision_parts;
  }
  floor_geom = ObjectId(model, mjOBJ_GEOM, robot.floor_geom);
  if (floor_geom < 0) missing.push_back("floor geom '" + robot.floor_geom + "'");
  if (!robot.keyframe.empty()) {
    keyframe = ObjectId(model, mjOBJ_KEY, robot.keyframe);
    if (keyframe < 0) missing.push_back("keyframe '" + robot.keyframe + "'");
  }
  if (has_terrain && floor_geom >= 0) {
    // the terrain is the ground now: it touches as the floor did, the floor touches nothing
    // and is not drawn; the height field looks like the floor
    terrain_geoms.box_contype = model->geom_contype[floor_geom];
    terrain_geoms.box_conaffinity = model->geom_conaffinity[floor_geom];
    CopyContactProperties(model, floor_geom, terrain_geoms.hfield_geom);
    for (int b : terrain_geoms.box_geoms) {  // parked until a patch places them
      CopyContactProperties(model, floor_geom, b);
      model->geom_contype[b] = model->geom_conaffinity[b] = 0;
    }
    model->geom_matid[terrain_geoms.hfield_geom] = model->geom_matid[floor_geom];
    floor_plane = model->geom_type[floor_geom] == mjGEOM_PLANE && model->geom_pos[3 * floor_geom + 2] == 0 &&
                  model->geom_bodyid[floor_geom] == 0;
    floor_matid = model->geom_matid[floor_geom];
    std::copy_n(model->geom_rgba + 4 * floor_geom, 4, floor_rgba);
    model->geom_contype[floor_geom] = model->geom_conaffinity[floor_geom] = 0;
    model->geom_rgba[4 * floor_geom + 3] = 0;
    model->geom_matid[floor_geom] = -1;
    if (terrain_geoms.box_contype == 0 && terrain_geoms.box_conaffinity == 0)
      throw ModelError(robot.mjcf + ": floor geom '" + robot.floor_geom +
                       "' collides with nothing, so the terrain would not either");
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
  // the ground is what the world body owns; the robot is the base body's subtree
  geom_ground.assign(model->ngeom, 0);
  geom_robot.assign(model->ngeom, 0);
  for (int g = 0; g < model->ngeom; ++g) {
    if (!Colliding(model, g)) continue;
    int body = model->geom_bodyid[g];
    geom_ground[g] = body == 0;
    while (body > 0 && body != base_body) body = model->body_parentid[body];
    geom_robot[g] = body == base_body;
  }
  for (int k = 0; k < num_feet; ++k)
    for (int g : foot_geoms[k])
      if (!geom_robot[g])
        throw ModelError(robot.mjcf + ": foot '" + robot.feet[k] + "' is not part of the robot '" +
                         robot.base_body + "'");
  if (config.physics.foot_condim > 0)
    for (const auto& geoms : foot_geoms)
      for (int g : geoms) model->geom_condim[g] = config.physics.foot_condim;
  if (!config.physics.frictionloss)
    for (int dof : joint_dof) model->dof_frictionloss[dof] = 0;

  // drives: the env's PD, or the file's actuator on each joint; never both
  drives.assign(num_joints, JointDrive{});
  int disabled = 0, motors = 0, servos = 0;
  for (int a = 0; a < model->nu; ++a) {
    if (model->actuator_trntype[a] != mjTRN_JOINT) continue;
    const int j = static_cast<int>(
        std::find(joint_ids.begin(), joint_ids.end(), model->actuator_trnid[2 * a]) -
        joint_ids.begin());
    if (j == num_joints) continue;  // not a controlled joint: left as the file has it
    const std::string name = mj_id2name(model, mjOBJ_ACTUATOR, a)
                                 ? mj_id2name(model, mjOBJ_ACTUATOR, a)
                                 : "#" + std::to_string(a);
    if (robot.control == ControlMode::kPd) {
      // disabled: no force whatever its ctrl (a keyframe may set one)
      std::fill_n(model->actuator_gainprm + a * mjNGAIN, mjNGAIN, 0.0);
      std::fill_n(model->actuator_biasprm + a * mjNBIAS, mjNBIAS, 0.0);
      ++disabled;
      continue;
    }
    if (drives[j].actuator >= 0)
      throw ModelError(robot.mjcf + ": joint '" + robot.joints[j] + "' has two actuators (#" +
                       std::to_string(drives[j].actuator) + " and '" + name +
                       "'); env.robot.control: actuators needs exactly one per joint");
    const bool fixed_gain =
        model->actuator_gaintype[a] == mjGAIN_FIXED && model->actuator_dyntype[a] == mjDYN_NONE;
    const double* bias = model->actuator_biasprm + a * mjNBIAS;
    drives[j].actuator = a;
    drives[j].gear = model->actuator_gear[6 * a];
    if (fixed_gain && model->actuator_biastype[a] == mjBIAS_NONE) {
      drives[j].kind = Drive::kMotor;
    } else if (fixed_gain && model->actuator_biastype[a] == mjBIAS_AFFINE && bias[1] < 0) {
      drives[j].kind = Drive::kPosition;
    } else {
      throw ModelError(robot.mjcf + ": actuator '" + name + "' on joint '" + robot.joints[j] +
                       "' is neither a motor nor a position servo; use env.robot.control: pd");
    }
    if (drives[j].gear == 0) throw ModelError(robot.mjcf + ": actuator '" + name + "' has gear 0");
  }
  for (int j = 0; j < num_joints && robot.control == ControlMode::kActuators; ++j) {
    if (drives[j].actuator < 0)
      throw ModelError(robot.mjcf + ": joint '" + robot.joints[j] +
                       "' has no actuator; env.robot.control: actuators needs one per joint");
    (drives[j].kind == Drive::kMotor ? motors : servos) += 1;
  }
  if (robot.control == ControlMode::kPd)
    summary.push_back("control: the env's PD as joint torques" +
                      (disabled ? " (the file's " + std::to_string(disabled) +
                                      " actuators on these joints disabled)"
                                : std::string(" (the file has no actuators on these joints)")));
  else
    summary.push_back("control: the file's actuators (" + std::to_string(servos) +
                      " position servos with the config's kp/kd written in, ctrl = target; " +
                      std::to_string(motors) + " motors, ctrl = the env's PD torque)");

  // timing: the physics step is the file's (or physics.timestep); the policy period is
  // control_dt, decimation is derived from it or checked against it
  const double timestep = model->opt.timestep;
  double control_dt = robot.control_dt;
  if (robot.decimation > 0) {
    decimation = robot.decimation;
    if (control_dt > 0 && std::abs(decimation * timestep - control_dt) > 1e-9 * control_dt)
      throw ConfigError(source + ": env.robot.decimation: " + std::to_string(decimation) +
                        Format(" substeps of the %g s physics step give a %g s policy step, but "
                               "env.robot.control_dt asks for %g s (drop decimation to derive it)",
                               timestep, decimation * timestep, control_dt));
    control_dt = decimation * timestep;
  } else {
    if (control_dt <= 0)
      throw ConfigError(source + ": env.robot.control_dt: expected the policy period in seconds");
    decimation = static_cast<int>(std::lround(control_dt / timestep));
    if (decimation < 1 || std::abs(decimation * timestep - control_dt) > 1e-6 * control_dt)
      throw ConfigError(source + ": env.robot.control_dt: " +
                        Format("%g s is not a whole number of %g s physics steps (the "
                               "file's timestep, or env.physics.timestep)",
                               control_dt, timestep));
  }
  summary.push_back(Format("timing: physics step %g s x %g substeps = %g s policy step",
                           timestep, decimation, control_dt));
  {
    const char* solver = model->opt.solver == mjSOL_NEWTON ? "Newton"
                         : model->opt.solver == mjSOL_CG   ? "CG"
                                                           : "PGS";
    char text[256];
    std::snprintf(text, sizeof(text),
                  "physics: %s cones, impratio %g, %s solver %d iterations, foot condim %d, "
                  "joint frictionloss %s, nconmax %d, njmax %d",
                  model->opt.cone == mjCONE_ELLIPTIC ? "elliptic" : "pyramidal",
                  model->opt.impratio, solver, model->opt.iterations,
                  model->geom_condim[foot_geoms[0][0]],
                  config.physics.frictionloss ? "as in the file" : "removed", model->nconmax,
                  model->njmax);
    summary.push_back(text);
  }
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
    layout.groups.push_back(CompileGroup(g.first, g.second, config.observations, num_joints,
                                         num_feet, HeightScanWidth(terrain.height_scan)));
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
    if (FindRewardTerm(name)->id == RewardTerm::kGait && config.gait.period_s <= 0)
      throw ConfigError(source + ": env.rewards.scales.gait: the gait reward needs a clock "
                        "(env.gait.period_s > 0)");
  }
  for (const auto& group : layout.groups)
    for (const auto& t : group.terms)
      if (t.name == "gait_phase" && config.gait.period_s <= 0)
        throw ConfigError(source + ": env.observations.groups." + group.name +
                          ": gait_phase needs a clock (env.gait.period_s > 0)");
  for (const auto& group : layout.groups)
    for (const auto& t : group.terms)
      if (t.name == "height_scan" && !has_terrain)
        throw ConfigError(source + ": env.observations.groups." + group.name +
                          ": height_scan needs terrain (env.terrain.types)");
  const int total_envs = config.total_envs > 0 ? config.total_envs : config.num_envs;
  if (config.first_env_id < 0 || config.first_env_id + config.num_envs > total_envs)
    throw ConfigError(source + ": envs " + std::to_string(config.first_env_id) + " to " +
                      std::to_string(config.first_env_id + config.num_envs) + " of " +
                      std::to_string(total_envs) + ": outside the run's envs");
  for (int i = 0; i < config.num_envs && has_terrain; ++i)
    env_terrain.push_back(TerrainOfEnv(terrain, config.first_env_id + i, total_envs));
  if (has_terrain) {
    std::string types;
    for (const auto& [type, share] : terrain.types)
      types += (types.empty() ? "" : ", ") + std::string(ChoiceName(TerrainTypes(), type)) +
               Format(" %.2g", share);
    std::string curriculum = terrain.curriculum ? ", curriculum" : ", fixed levels";
    if (terrain.curriculum && !terrain.curriculum_types.empty()) {
      curriculum += " on";
      for (TerrainType type : terrain.curriculum_types)
        curriculum += std::string(" ") + ChoiceName(TerrainTypes(), type);
      curriculum += " (the other types at random levels)";
    }
    summary.push_back("terrain: " + types + Format(" of %g m patches, %g levels", 
                      terrain.geometry.patch_size, terrain.geometry.levels) +
                      curriculum +
                      Format(", %g pool boxes per env within %g m, nconmax %g",
                             static_cast<double>(terrain_geoms.box_geoms.size()),
                             terrain.geometry.box_radius, model->nconmax) +
                      " njmax " + std::to_string(model->njmax));
  }
  layout.gait_period = config.gait.period_s;
  layout.gait_offsets = config.gait.offsets;
  layout.gait_stance = config.gait.stance;
  CompileMirror(source);
}

void QuadrupedModel::CompileMirror(const std::string& source) {
  const RobotConfig::Mirror& m = config.robot.mirror;
  if (m.joints.empty()) return;
  const RobotConfig& robot = config.robot;
  auto index_of = [&](const std::vector<std::string>& names, const std::string& name,
                      const char* key) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw ConfigError(source + ": env.robot.mirror." + key + ": '" + name +
                        "' is not one of env.robot." + key);
    return static_cast<int>(it - names.begin());
  };
  for (int j = 0; j < num_joints; ++j) mirror_joint.push_back(index_of(robot.joints, m.joints[j], "joints"));
  for (int k = 0; k < num_feet; ++k) mirror_foot.push_back(index_of(robot.feet, m.feet[k], "feet"));
  mirror_sign = m.signs;
  for (int j = 0; j < num_joints; ++j)
    if (mirror_joint[mirror_joint[j]] != j || mirror_sign[mirror_joint[j]] != mirror_sign[j])
      throw ConfigError(source + ": env.robot.mirror: joint '" + robot.joints[j] + "' maps to '" +
                        m.joints[j] + "', which does not map back to it with the same sign");
  for (int k = 0; k < num_feet; ++k)
    if (mirror_foot[mirror_foot[k]] != k)
      throw ConfigError(source + ": env.robot.mirror.feet: foot '" + robot.feet[k] +
                        "' maps to '" + m.feet[k] + "', which does not map back to it");
  for (int j = 0; j < num_joints; ++j)
    if (std::abs(layout.default_pose[mirror_joint[j]] - mirror_sign[j] * layout.default_pose[j]) > 1e-9)
      throw ConfigError(source + ": env.robot.default_pose is not mirror-symmetric at joint '" +
                        robot.joints[j] + "' (joint observations are relative to it)");
  // the clock: mirroring swaps feet, so it must shift every foot's phase by the same amount
  const GaitConfig& gait = config.gait;
  if (gait.period_s > 0) {
    auto wrap = [](double x) { return x - std::floor(x); };
    gait_mirror_shift = wrap(gait.offsets[mirror_foot[0]] - gait.offsets[0]);
    bool consistent = std::abs(gait_mirror_shift) < 1e-9 || std::abs(gait_mirror_shift - 0.5) < 1e-9;
    for (int k = 0; k < num_feet; ++k)
      consistent = consistent &&
                   std::abs(wrap(gait.offsets[mirror_foot[k]] - gait.offsets[k] - gait_mirror_shift + 0.5) - 0.5) < 1e-9;
    if (!consistent)
      throw ConfigError(source + ": env.gait.offsets: the mirror must shift every foot's phase "
                        "by the same 0 or 0.5 cycle (it swaps mirror feet)");
  }
  has_mirror = true;

  // vectors in the base frame (x forward, y left, z up): polar ones flip y, axial ones x and z
  const float polar[3] = {1, -1, 1}, axial[3] = {-1, 1, -1}, command[3] = {1, -1, -1};
  for (size_t g = 0; g < groups.size(); ++g) {
    Mirror mirror;
    mirror.index.resize(groups[g].width);
    mirror.sign.assign(groups[g].width, 1.0f);
    for (int i = 0; i < groups[g].width; ++i) mirror.index[i] = i;
    for (const auto& t : groups[g].terms) {
      int* index = mirror.index.data() + t.offset;
      float* sign = mirror.sign.data() + t.offset;
      switch (t.id) {
        case ObsTerm::kBaseLinVel:
        case ObsTerm::kBaseLinAcc:
        case ObsTerm::kProjectedGravity:
          std::copy(polar, polar + 3, sign);
          break;
        case ObsTerm::kBaseAngVel:
          std::copy(axial, axial + 3, sign);
          break;
        case ObsTerm::kVelocityCommand:
          std::copy(command, command + 3, sign);
          break;
        case ObsTerm::kJointPos:
        case ObsTerm::kJointVel:
        case ObsTerm::kLastAction:
          for (int j = 0; j < num_joints; ++j)
            index[j] = t.offset + mirror_joint[j], sign[j] = static_cast<float>(mirror_sign[j]);
          break;
        case ObsTerm::kMotorStrength:
          for (int j = 0; j < num_joints; ++j) index[j] = t.offset + mirror_joint[j];
          break;
        case ObsTerm::kFootContactForces:
        case ObsTerm::kFootHeights:
          for (int k = 0; k < num_feet; ++k) index[k] = t.offset + mirror_foot[k];
          break;
        case ObsTerm::kHeightScan: {  // left and right swap: column j <-> ny - 1 - j
          const HeightScanConfig& scan = config.terrain.height_scan;
          for (int i = 0; i < scan.nx; ++i)
            for (int j = 0; j < scan.ny; ++j)
              index[i * scan.ny + j] = t.offset + i * scan.ny + (scan.ny - 1 - j);
          break;
        }
        case ObsTerm::kGaitPhase:  // half a cycle on: (sin, cos) -> (-sin, -cos)
          if (gait_mirror_shift > 0) sign[0] = sign[1] = -1;
          break;
        case ObsTerm::kFriction:
        case ObsTerm::kAddedMass:
        case ObsTerm::kBaseHeight:
          break;
      }
    }
    group_mirrors.push_back(std::move(mirror));
  }
  for (int j = 0; j < num_joints; ++j) {
    action_mirror.index.push_back(mirror_joint[j]);
    action_mirror.sign.push_back(static_cast<float>(mirror_sign[j]));
  }
}

void ApplyMirror(const QuadrupedModel::Mirror& mirror, const float* x, float* out) {
  for (size_t i = 0; i < mirror.index.size(); ++i) out[i] = mirror.sign[i] * x[mirror.index[i]];
}

}  // namespace tutor
