#include "envs/env_config.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/config_reader.h"
#include "core/error.h"
#include "envs/terms.h"

namespace tutor {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void ReadRobot(const ConfigReader& r, RobotConfig* robot) {
  r.ExpectKeys({"mjcf", "base_body", "joints", "feet", "floor_geom", "fall_contacts",
                "fall_contact_geoms", "collision_contacts", "control", "default_pose", "kp",
                "kd", "torque_limits", "action_scale", "action_clip", "control_dt",
                "decimation", "base_height", "keyframe", "mirror"});
  r.ReadPath("mjcf", &robot->mjcf);
  r.Read("base_body", &robot->base_body);
  r.Read("joints", &robot->joints);
  r.Read("feet", &robot->feet);
  r.Read("floor_geom", &robot->floor_geom);
  r.Read("fall_contacts", &robot->fall_contacts);
  // the key's name before contacts could be bodies (configs stored in older checkpoints)
  r.Read("fall_contact_geoms", &robot->fall_contacts);
  r.Read("collision_contacts", &robot->collision_contacts);
  r.ReadChoice("control", ControlModes(), &robot->control);
  const int num_joints = static_cast<int>(robot->joints.size());
  r.Read("default_pose", &robot->default_pose);
  r.Read("kp", &robot->kp, num_joints);
  r.Read("kd", &robot->kd, num_joints);
  r.Read("torque_limits", &robot->torque_limits, num_joints);
  r.Read("action_scale", &robot->action_scale, 0.0, 10.0);
  r.Read("action_clip", &robot->action_clip, 0.0, kInf);
  r.Read("control_dt", &robot->control_dt, 0.0, 10.0);
  r.Read("decimation", &robot->decimation, 0, 1000);
  r.Read("base_height", &robot->base_height, 0.0, 10.0);
  r.Read("keyframe", &robot->keyframe);
  const ConfigReader mirror = r.Child("mirror");
  mirror.ExpectKeys({"joints", "signs", "feet"});
  mirror.Read("joints", &robot->mirror.joints);
  mirror.Read("signs", &robot->mirror.signs, num_joints);
  mirror.Read("feet", &robot->mirror.feet);
}

void ReadGait(const ConfigReader& r, GaitConfig* g) {
  r.ExpectKeys({"period_s", "offsets", "stance"});
  r.Read("period_s", &g->period_s, 0.0, 100.0);
  r.Read("offsets", &g->offsets);
  for (double o : g->offsets)
    if (o < 0 || o >= 1) r.Fail("offsets", "phase offsets in [0, 1), one per foot");
  r.Read("stance", &g->stance, 0.0, 1.0);
}

void ReadPhysics(const ConfigReader& r, PhysicsConfig* p) {
  r.ExpectKeys({"timestep", "cone", "impratio", "solver", "iterations", "tolerance",
                "foot_condim", "frictionloss"});
  r.Read("timestep", &p->timestep, 0.0, 0.1);
  r.ReadChoice("cone", Cones(), &p->cone);
  r.Read("impratio", &p->impratio, 0.0, 1e6);
  r.ReadChoice("solver", Solvers(), &p->solver);
  r.Read("iterations", &p->iterations, 0, 100000);
  r.Read("tolerance", &p->tolerance, 0.0, 1.0);
  r.Read("foot_condim", &p->foot_condim, 0, 6);
  if (p->foot_condim == 2 || p->foot_condim == 5)
    r.Fail("foot_condim", "0 (the file's), 1, 3, 4 or 6");
  r.Read("frictionloss", &p->frictionloss);
}

void ReadCommands(const ConfigReader& r, CommandConfig* c) {
  r.ExpectKeys({"resample_s", "vx", "vy", "yaw", "zero_probability", "small_to_zero"});
  r.Read("resample_s", &c->resample_s, 0.02, kInf);
  r.ReadRange("vx", &c->vx[0], &c->vx[1]);
  r.ReadRange("vy", &c->vy[0], &c->vy[1]);
  r.ReadRange("yaw", &c->yaw[0], &c->yaw[1]);
  r.Read("zero_probability", &c->zero_probability, 0.0, 1.0);
  r.Read("small_to_zero", &c->small_to_zero, 0.0, kInf);
}

void ReadRandomization(const ConfigReader& r, RandomizationConfig* c) {
  r.ExpectKeys({"friction", "added_mass", "motor_strength", "push_interval_s", "push_velocity",
                "init_joint_pos", "init_base_velocity", "init_random_yaw", "kp_factor",
                "kd_factor", "action_latency"});
  r.ReadRange("friction", &c->friction[0], &c->friction[1]);
  if (c->friction[0] < 0) r.Fail("friction", "non-negative friction coefficients");
  r.ReadRange("added_mass", &c->added_mass[0], &c->added_mass[1]);
  r.ReadRange("motor_strength", &c->motor_strength[0], &c->motor_strength[1]);
  if (c->motor_strength[0] < 0) r.Fail("motor_strength", "non-negative multipliers");
  r.ReadRange("push_interval_s", &c->push_interval_s[0], &c->push_interval_s[1]);
  if (c->push_interval_s[0] <= 0) r.Fail("push_interval_s", "positive seconds");
  if (r.Has("push_velocity") && r.node()["push_velocity"].IsScalar()) {
    c->push_velocity[0] = 0.0;
    r.Read("push_velocity", &c->push_velocity[1], 0.0, 10.0);
  } else {
    r.ReadRange("push_velocity", &c->push_velocity[0], &c->push_velocity[1]);
    if (c->push_velocity[0] < 0 || c->push_velocity[1] > 10.0)
      r.Fail("push_velocity", "one speed in [0, 10] m/s or a [low, high] range within it");
  }
  r.Read("init_joint_pos", &c->init_joint_pos, 0.0, 1.0);
  r.Read("init_base_velocity", &c->init_base_velocity, 0.0, 5.0);
  r.Read("init_random_yaw", &c->init_random_yaw);
  r.ReadRange("kp_factor", &c->kp_factor[0], &c->kp_factor[1]);
  if (c->kp_factor[0] < 0) r.Fail("kp_factor", "non-negative multipliers");
  r.ReadRange("kd_factor", &c->kd_factor[0], &c->kd_factor[1]);
  if (c->kd_factor[0] < 0) r.Fail("kd_factor", "non-negative multipliers");
  r.ReadRange("action_latency", &c->action_latency[0], &c->action_latency[1]);
  if (c->action_latency[0] < 0 || c->action_latency[1] > 1)
    r.Fail("action_latency", "a range within [0, 1] policy steps");
}

void ReadObservations(const ConfigReader& r, ObservationConfig* c) {
  r.ExpectKeys({"terms", "groups", "noisy_groups"});
  const ConfigReader terms = r.Child("terms");
  for (const std::string& name : terms.Keys()) {
    if (!FindObservationTerm(name))
      terms.Fail(name, "a known observation term (" + KnownObservationTermNames() + ")");
    const ConfigReader term = terms.Child(name);
    term.ExpectKeys({"scale", "noise"});
    ObsTermConfig* target = nullptr;
    for (auto& t : c->terms)
      if (t.name == name) target = &t;
    if (!target) {
      c->terms.push_back({name, 1.0, 0.0});
      target = &c->terms.back();
    }
    term.Read("scale", &target->scale, -1e6, 1e6);
    term.Read("noise", &target->noise, 0.0, 1e6);
  }
  const ConfigReader groups = r.Child("groups");
  for (const std::string& group : groups.Keys()) {
    std::vector<std::string> names;
    groups.Read(group, &names);
    if (names.empty()) groups.Fail(group, "a non-empty list of observation terms");
    for (const auto& name : names)
      if (!FindObservationTerm(name))
        groups.Fail(group, "known observation terms (unknown '" + name + "'; known: " +
                               KnownObservationTermNames() + ")");
    bool replaced = false;
    for (auto& g : c->groups)
      if (g.first == group) g.second = names, replaced = true;
    if (!replaced) c->groups.emplace_back(group, names);
  }
  r.Read("noisy_groups", &c->noisy_groups);
}

void ReadRewards(const ConfigReader& r, RewardConfig* c) {
  r.ExpectKeys({"scales", "tracking_sigma", "base_height_target", "feet_air_time_target",
                "feet_clearance_target", "soft_joint_limit", "collision_force", "clip_negative"});
  const ConfigReader scales = r.Child("scales");
  for (const std::string& name : scales.Keys()) {
    if (!FindRewardTerm(name))
      scales.Fail(name, "a known reward term (" + KnownRewardTermNames() + ")");
    double value = 0;
    scales.Read(name, &value, -1e6, 1e6);
    bool replaced = false;
    for (auto& s : c->scales)
      if (s.first == name) s.second = value, replaced = true;
    if (!replaced) c->scales.emplace_back(name, value);
  }
  r.Read("tracking_sigma", &c->tracking_sigma, 1e-6, kInf);
  r.Read("base_height_target", &c->base_height_target, 0.0, 10.0);
  r.Read("feet_air_time_target", &c->feet_air_time_target, 0.0, 10.0);
  r.Read("feet_clearance_target", &c->feet_clearance_target, 0.0, 1.0);
  r.Read("soft_joint_limit", &c->soft_joint_limit, 0.0, 1.0);
  r.Read("collision_force", &c->collision_force, 0.0, 1e6);
  r.Read("clip_negative", &c->clip_negative);
}

void ReadTermination(const ConfigReader& r, TerminationConfig* c) {
  r.ExpectKeys({"episode_length_s", "max_tilt", "min_base_height", "randomize_start"});
  r.Read("episode_length_s", &c->episode_length_s, 0.02, 1e6);
  r.Read("max_tilt", &c->max_tilt, 0.0, M_PI);
  r.Read("min_base_height", &c->min_base_height, -kInf, kInf);
  r.Read("randomize_start", &c->randomize_start);
}

void ReadTerrain(const ConfigReader& r, TerrainConfig* c) {
  r.ExpectKeys({"types", "patch_size", "border", "platform", "cell", "levels", "slope_deg",
                "rough_height", "rough_scale", "stair_height", "stair_tread", "obstacle_height",
                "obstacle_width", "obstacle_count", "curriculum", "max_init_level",
                "height_scan", "nconmax", "njmax"});
  if (r.Has("types")) {
    const ConfigReader types = r.Child("types");
    std::vector<std::pair<TerrainType, double>> shares;
    for (const std::string& name : types.Keys()) {
      TerrainType type;
      if (!ParseChoice(TerrainTypes(), name, &type))
        types.Fail(name, "a terrain type (" + ChoiceList(TerrainTypes()) + ") with its share");
      double share = 0;
      types.Read(name, &share, 0.0, 1e6);
      if (share > 0) shares.emplace_back(type, share);
    }
    if (!types.Keys().empty() && shares.empty())
      r.Fail("types", "at least one type with a positive share");
    c->types.clear();
    for (const auto& [name, type] : TerrainTypes())  // table order, whatever the file's
      for (const auto& share : shares)
        if (share.first == type) c->types.push_back(share);
  }
  TerrainGeometryConfig& g = c->geometry;
  r.Read("patch_size", &g.patch_size, 1.0, 1000.0);
  r.Read("border", &g.border, 0.0, 100.0);
  r.Read("platform", &g.platform, 0.0, 100.0);
  r.Read("cell", &g.cell, 0.005, 10.0);
  r.Read("levels", &g.levels, 1, 1000);
  r.ReadRange("slope_deg", &g.slope_deg[0], &g.slope_deg[1]);
  if (g.slope_deg[0] < 0 || g.slope_deg[1] >= 80) r.Fail("slope_deg", "a range within [0, 80) degrees");
  r.ReadRange("rough_height", &g.rough_height[0], &g.rough_height[1]);
  if (g.rough_height[0] < 0) r.Fail("rough_height", "non-negative heights (m)");
  r.Read("rough_scale", &g.rough_scale, 0.01, 100.0);
  r.ReadRange("stair_height", &g.stair_height[0], &g.stair_height[1]);
  if (g.stair_height[0] < 0) r.Fail("stair_height", "non-negative riser heights (m)");
  // a tread range may run downwards (narrower is harder): read it as written
  if (r.Has("stair_tread")) {
    std::vector<double> tread;
    r.Read("stair_tread", &tread);
    if (tread.size() != 2 || tread[0] <= 0 || tread[1] <= 0)
      r.Fail("stair_tread", "[easiest, hardest] positive tread depths (m)");
    g.stair_tread[0] = tread[0], g.stair_tread[1] = tread[1];
  }
  r.ReadRange("obstacle_height", &g.obstacle_height[0], &g.obstacle_height[1]);
  if (g.obstacle_height[0] < 0) r.Fail("obstacle_height", "non-negative heights (m)");
  r.ReadRange("obstacle_width", &g.obstacle_width[0], &g.obstacle_width[1]);
  if (g.obstacle_width[0] <= 0) r.Fail("obstacle_width", "positive sides (m)");
  r.Read("obstacle_count", &g.obstacle_count, 0, 1000);
  if (2 * g.border + g.platform >= g.patch_size)
    r.Fail("patch_size", "a patch larger than its platform plus twice its border");
  // true, false, or the list of the types the curriculum moves
  if (r.Has("curriculum") && r.node()["curriculum"].IsSequence()) {
    std::vector<std::string> names;
    r.Read("curriculum", &names);
    if (names.empty()) r.Fail("curriculum", "true, false or a non-empty list of terrain types");
    c->curriculum = true;
    c->curriculum_types.clear();
    for (const std::string& name : names) {
      TerrainType type;
      if (!ParseChoice(TerrainTypes(), name, &type))
        r.Fail("curriculum",
               "true, false or a list of terrain types (" + ChoiceList(TerrainTypes()) + ")");
      c->curriculum_types.push_back(type);
    }
  } else if (r.Has("curriculum")) {
    r.Read("curriculum", &c->curriculum);
    c->curriculum_types.clear();
  }
  r.Read("max_init_level", &c->max_init_level, 0, 1000);
  const ConfigReader scan = r.Child("height_scan");
  scan.ExpectKeys({"nx", "ny", "spacing", "clip"});
  scan.Read("nx", &c->height_scan.nx, 1, 1000);
  scan.Read("ny", &c->height_scan.ny, 1, 1000);
  scan.Read("spacing", &c->height_scan.spacing, 1e-3, 10.0);
  scan.Read("clip", &c->height_scan.clip, 1e-3, 100.0);
  r.Read("nconmax", &c->nconmax, 0, 1 << 20);
  r.Read("njmax", &c->njmax, 0, 1 << 22);
}

}  // namespace

const ChoiceTable<ControlMode>& ControlModes() {
  static const ChoiceTable<ControlMode> table = {{"pd", ControlMode::kPd},
                                                 {"actuators", ControlMode::kActuators}};
  return table;
}

const ChoiceTable<PhysicsConfig::Cone>& Cones() {
  static const ChoiceTable<PhysicsConfig::Cone> table = {
      {"file", PhysicsConfig::Cone::kFile},
      {"pyramidal", PhysicsConfig::Cone::kPyramidal},
      {"elliptic", PhysicsConfig::Cone::kElliptic}};
  return table;
}

const ChoiceTable<PhysicsConfig::Solver>& Solvers() {
  static const ChoiceTable<PhysicsConfig::Solver> table = {
      {"file", PhysicsConfig::Solver::kFile},
      {"pgs", PhysicsConfig::Solver::kPgs},
      {"cg", PhysicsConfig::Solver::kCg},
      {"newton", PhysicsConfig::Solver::kNewton}};
  return table;
}

int TerrainOfEnv(const TerrainConfig& terrain, int env, int num_envs) {
  double total = 0;
  for (const auto& type : terrain.types) total += type.second;
  const double at = (env + 0.5) / num_envs * total;
  double sum = 0;
  for (size_t i = 0; i < terrain.types.size(); ++i) {
    sum += terrain.types[i].second;
    if (at < sum) return static_cast<int>(i);
  }
  return static_cast<int>(terrain.types.size()) - 1;
}

void ReadEnvConfig(const ConfigReader& r, EnvConfig* config) {
  r.ExpectKeys({"num_envs", "seed", "robot", "physics", "commands", "randomization", "gait",
                "observations", "rewards", "termination", "terrain"});
  r.Read("num_envs", &config->num_envs, 1, 1 << 20);
  r.Read("seed", &config->seed, 0, std::numeric_limits<int>::max());
  ReadRobot(r.Child("robot"), &config->robot);
  ReadPhysics(r.Child("physics"), &config->physics);
  ReadCommands(r.Child("commands"), &config->commands);
  ReadRandomization(r.Child("randomization"), &config->randomization);
  ReadGait(r.Child("gait"), &config->gait);
  ReadObservations(r.Child("observations"), &config->observations);
  ReadRewards(r.Child("rewards"), &config->rewards);
  ReadTermination(r.Child("termination"), &config->termination);
  ReadTerrain(r.Child("terrain"), &config->terrain);
}

void ValidateEnvConfig(const EnvConfig& config, const std::string& source) {
  const RobotConfig& robot = config.robot;
  const size_t n = robot.joints.size();
  auto fail = [&](const std::string& what) { throw ConfigError(source + ": env.robot." + what); };
  if (robot.mjcf.empty()) fail("mjcf: expected the path of an MJCF scene");
  if (n == 0) fail("joints: expected a non-empty list of joint names");
  if (robot.feet.empty()) fail("feet: expected a non-empty list of foot geom or body names");
  auto check = [&](const std::vector<double>& v, const char* key) {
    if (v.size() != n)
      fail(std::string(key) + ": expected " + std::to_string(n) + " values (one per joint), got " +
           std::to_string(v.size()));
  };
  check(robot.default_pose, "default_pose");
  check(robot.kp, "kp");
  check(robot.kd, "kd");
  check(robot.torque_limits, "torque_limits");
  for (double limit : robot.torque_limits)
    if (limit <= 0) fail("torque_limits: expected positive limits");
  const RobotConfig::Mirror& m = robot.mirror;
  if (!m.joints.empty() || !m.signs.empty() || !m.feet.empty()) {
    if (m.joints.size() != n)
      fail("mirror.joints: expected " + std::to_string(n) + " joint names (one per joint), got " +
           std::to_string(m.joints.size()));
    if (m.signs.size() != n)
      fail("mirror.signs: expected " + std::to_string(n) + " signs (one per joint), got " +
           std::to_string(m.signs.size()));
    for (double s : m.signs)
      if (s != 1.0 && s != -1.0) fail("mirror.signs: expected each sign to be 1 or -1");
    if (m.feet.size() != robot.feet.size())
      fail("mirror.feet: expected " + std::to_string(robot.feet.size()) +
           " foot names (one per foot), got " + std::to_string(m.feet.size()));
  }
  const GaitConfig& gait = config.gait;
  if (gait.period_s > 0 && gait.offsets.size() != robot.feet.size())
    throw ConfigError(source + ": env.gait.offsets: expected " +
                      std::to_string(robot.feet.size()) + " phase offsets (one per foot), got " +
                      std::to_string(gait.offsets.size()));
  if (config.observations.groups.empty())
    throw ConfigError(source + ": env.observations.groups: expected at least a 'policy' group");
  // only while the curriculum is on: the tools that turn it off (eval, play) may narrow the mix
  const TerrainConfig& terrain = config.terrain;
  for (TerrainType type : terrain.curriculum ? terrain.curriculum_types
                                             : std::vector<TerrainType>{})
    if (std::none_of(terrain.types.begin(), terrain.types.end(),
                     [type](const auto& share) { return share.first == type; }))
      throw ConfigError(source + ": env.terrain.curriculum: " +
                        ChoiceName(TerrainTypes(), type) +
                        " has no share in env.terrain.types; expected types of the mix");
}

}  // namespace tutor
