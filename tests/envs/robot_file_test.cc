// Robot files as people publish them, loaded by config alone (tests/envs/fixtures/
// quirky_quadruped.xml), and the realistic Go1's contacts, spawn and failure handling.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/mujoco_util.h"
#include "envs/quadruped_vec_env.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

std::string FixturePath() {
  return std::string(TUTOR_SOURCE_DIR) + "/tests/envs/fixtures/quirky_quadruped.xml";
}

// the shipped env's observations and rewards on the fixture, every random draw pinned
EnvConfig FixtureConfig(ControlMode control) {
  EnvConfig config = StillConfig(1);
  config.physics = PhysicsConfig{};  // the fixture file's own options (the shipped env's are Go1's)
  RobotConfig& robot = config.robot;
  robot.mjcf = FixturePath();
  robot.base_body = "base";
  robot.mirror = {};  // the shipped Go1's mirror names Go1 joints
  robot.joints.clear();
  for (const char* leg : {"FR", "FL", "RR", "RL"})
    for (const char* joint : {"_abd", "_hip", "_knee"}) robot.joints.push_back(leg + std::string(joint));
  robot.feet = {"FR", "FL", "RR", "RL"};  // geoms, and sites of the same names
  robot.floor_geom = "ground";
  robot.fall_contacts = {"base"};  // its geoms are unnamed
  robot.collision_contacts = {"FR_upper", "FR_lower", "FL_upper", "FL_lower",
                              "RR_upper", "RR_lower", "RL_upper", "RL_lower"};
  robot.control = control;
  robot.default_pose = {0, 0.8, -1.6, 0, 0.8, -1.6, 0, 0.8, -1.6, 0, 0.8, -1.6};
  robot.kp.assign(12, 40.0);             // N·m/rad
  robot.kd.assign(12, 1.0);              // N·m·s/rad
  robot.torque_limits.assign(12, 30.0);  // N·m
  robot.keyframe = "stand";
  robot.control_dt = 0.02;  // the file has no timestep: 0.002 s, so 10 substeps
  robot.decimation = 0;
  return config;
}

// steps of zero actions until a fall or `seconds`; returns the seconds it stood
double SecondsStanding(QuadrupedVecEnv* env, double seconds) {
  env->Reset();
  const std::vector<float> zeros(env->NumActions(), 0.0f);
  const int steps = static_cast<int>(std::lround(seconds / env->Layout().control_dt));
  for (int k = 0; k < steps; ++k) {
    env->Step(zeros.data());
    if (env->Terminated()[0] > 0) return k * env->Layout().control_dt;
  }
  return seconds;
}

TEST(RobotFileTest, FixtureTimingComesFromTheFile) {
  QuadrupedVecEnv env(FixtureConfig(ControlMode::kPd));
  EXPECT_DOUBLE_EQ(env.Env(0).model()->opt.timestep, 0.002);  // MuJoCo's default
  EXPECT_EQ(env.Model().decimation, 10);
  EXPECT_DOUBLE_EQ(env.Layout().control_dt, 0.02);

  // decimation 5 of a 0.002 s file is a 100 Hz policy: an error when 50 Hz is asked for
  EnvConfig config = FixtureConfig(ControlMode::kPd);
  config.robot.decimation = 5;
  EXPECT_THROW(QuadrupedVecEnv bad(config, "fixture.yaml"), ConfigError);
  // without control_dt, decimation alone sets the period
  config.robot.control_dt = 0;
  QuadrupedVecEnv fast(config);
  EXPECT_DOUBLE_EQ(fast.Layout().control_dt, 0.01);
  // a period that is not a whole number of physics steps
  config.robot.decimation = 0;
  config.robot.control_dt = 0.021;
  EXPECT_THROW(QuadrupedVecEnv odd(config, "fixture.yaml"), ConfigError);
}

TEST(RobotFileTest, FixturePartsResolveByGeomAndByBody) {
  QuadrupedVecEnv env(FixtureConfig(ControlMode::kPd));
  const QuadrupedModel& q = env.Model();
  const mjModel* model = env.Env(0).model();
  for (int k = 0; k < 4; ++k) {  // the foot geom, not the site of the same name
    ASSERT_EQ(q.foot_geoms[k].size(), 1u);
    EXPECT_EQ(model->geom_type[q.foot_geoms[k][0]], mjGEOM_SPHERE);
  }
  int fall = 0, parts = 0;
  for (int g = 0; g < model->ngeom; ++g) fall += q.geom_fall[g], parts += q.geom_collision[g] >= 0;
  EXPECT_EQ(fall, 2);   // the two unnamed trunk boxes
  EXPECT_EQ(parts, 8);  // one capsule per upper and lower leg (the feet stay feet)
  EXPECT_EQ(q.num_collision_parts, 8);
  // "body:" forces the body reading: FR_lower's capsule and its foot sphere
  EnvConfig config = FixtureConfig(ControlMode::kPd);
  config.robot.feet[0] = "body:FR_lower";
  QuadrupedVecEnv by_body(config);
  EXPECT_EQ(by_body.Model().foot_geoms[0].size(), 2u);
  config.robot.feet[0] = "geom:FR_lower";  // there is no such geom
  EXPECT_THROW(QuadrupedVecEnv missing(config), ModelError);
}

TEST(RobotFileTest, FixtureStandsUnderEitherControlAndCollapsesWithoutGains) {
  for (ControlMode control : {ControlMode::kPd, ControlMode::kActuators}) {
    SCOPED_TRACE(ChoiceName(ControlModes(), control));
    QuadrupedVecEnv env(FixtureConfig(control));
    EXPECT_EQ(SecondsStanding(&env, 10.0), 10.0);
    EXPECT_GT(env.Env(0).data()->qpos[2], 0.2);  // trunk height, m (0.29 standing)

    // kp = kd = 0: nothing holds it; with `pd` the file's servos (kp 60, keyframe ctrl set to
    // the standing pose) would, were they not disabled; with `actuators` they carry 0 gains
    EnvConfig limp = FixtureConfig(control);
    limp.robot.kp.assign(12, 0.0);
    limp.robot.kd.assign(12, 0.0);
    QuadrupedVecEnv collapsing(limp);
    EXPECT_LT(SecondsStanding(&collapsing, 10.0), 3.0);
  }
}

TEST(RobotFileTest, ActuatorControlEqualsTheEnvsOwnPd) {
  // the position servos with the config's gains written in apply the env's PD law: the same
  // trajectory under random actions, up to rounding
  std::vector<std::vector<double>> qpos;
  for (ControlMode control : {ControlMode::kPd, ControlMode::kActuators}) {
    EnvConfig config = FixtureConfig(control);
    config.randomization.motor_strength[0] = 0.8;  // strength scales the written gains too
    config.randomization.motor_strength[1] = 1.2;
    QuadrupedVecEnv env(config);
    env.Reset();
    StepRandomly(&env, 25, 5);
    const mjData* data = env.Env(0).data();
    qpos.emplace_back(data->qpos, data->qpos + env.Env(0).model()->nq);
  }
  double moved = 0;
  for (size_t i = 0; i < qpos[0].size(); ++i) {
    EXPECT_NEAR(qpos[0][i], qpos[1][i], 1e-6) << "qpos " << i;
    moved = std::max(moved, std::abs(qpos[0][i]));
  }
  EXPECT_GT(moved, 0.1);
}

// the fixture's text with `edit` applied, written to a temp file
std::string WriteEditedFixture(const std::string& name, const std::string& from,
                               const std::string& to) {
  std::ifstream in(FixturePath());
  std::stringstream text;
  text << in.rdbuf();
  std::string xml = text.str();
  const size_t at = xml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  xml.replace(at, from.size(), to);
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << xml;
  return path;
}

TEST(RobotFileTest, ActuatorsModeNeedsOneActuatorPerJoint) {
  QuadrupedVecEnv servos(FixtureConfig(ControlMode::kActuators));
  EXPECT_EQ(servos.Model().drives[0].kind, QuadrupedModel::Drive::kPosition);
  EnvConfig config = ShippedEnvConfig(1);  // the realistic Go1's torque motors
  QuadrupedVecEnv motors(config);
  EXPECT_EQ(motors.Model().drives[0].kind, QuadrupedModel::Drive::kMotor);

  // FR_abd's servo driving FR_hip as well: two actuators on one joint
  EnvConfig doubled = FixtureConfig(ControlMode::kActuators);
  doubled.robot.mjcf = WriteEditedFixture("tutor_doubled.xml",
                                          "name=\"FR_abd\" joint=\"FR_abd\"",
                                          "name=\"FR_abd\" joint=\"FR_hip\"");
  const std::string message = [&] {
    try {
      QuadrupedVecEnv env(doubled);
    } catch (const ModelError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  EXPECT_NE(message.find("joint 'FR_hip' has two actuators"), std::string::npos) << message;
  // FR_abd now has none: fine for `pd`, which drives every joint itself
  doubled.robot.control = ControlMode::kPd;
  QuadrupedVecEnv pd(doubled);
  EXPECT_EQ(SecondsStanding(&pd, 1.0), 1.0);
}

// the realistic Go1, pinned, on its back legs' side: only contacts can end the episode
EnvConfig ContactOnlyConfig() {
  EnvConfig config = StillConfig(1);
  config.termination.max_tilt = M_PI;
  config.termination.min_base_height = -1e9;
  return config;
}

TEST(RobotFileTest, HipContactIsAFallOnlyWhenConfigured) {
  for (bool hips : {true, false}) {
    EnvConfig config = ContactOnlyConfig();
    config.robot.fall_contacts = hips ? std::vector<std::string>{"FR_hip", "RR_hip"}
                                      : std::vector<std::string>{};
    QuadrupedVecEnv env(config);
    env.Reset();
    // rolled +90 deg about x: the right side (y < 0) down; the hip motors reach 0.107 m from
    // the trunk's axis, the trunk box 0.047 m: at z = 0.1 only the hips touch
    mjData* data = env.Env(0).data();
    data->qpos[2] = 0.1;
    data->qpos[3] = std::cos(M_PI / 4), data->qpos[4] = std::sin(M_PI / 4);
    data->qpos[5] = data->qpos[6] = 0.0;
    std::fill(data->qvel, data->qvel + 6, 0.0);
    const std::vector<float> zeros(env.NumActions(), 0.0f);
    env.Step(zeros.data());
    EXPECT_EQ(env.Terminated()[0], hips ? 1.0f : 0.0f) << "hips configured: " << hips;
  }
}

// contacts of the robot's thighs and calves with the floor, counted from MuJoCo's contact
// list independently of the env: parts whose summed normal force exceeds `threshold`
int CountPressedParts(const mjModel* model, const mjData* data, double threshold) {
  std::vector<double> force(model->nbody, 0.0);
  for (int c = 0; c < data->ncon; ++c) {
    mjtNum f[6];
    mj_contactForce(model, data, c, f);
    for (int g : {data->contact[c].geom1, data->contact[c].geom2}) {
      const char* geom = mj_id2name(model, mjOBJ_GEOM, g);
      if (!geom || std::string(geom).find("_foot") == std::string::npos)  // feet are not legs
        force[model->geom_bodyid[g]] += f[0];
    }
  }
  int count = 0;
  for (int b = 0; b < model->nbody; ++b) {
    const std::string name = mj_id2name(model, mjOBJ_BODY, b) ? mj_id2name(model, mjOBJ_BODY, b) : "";
    const bool leg = name.find("_thigh") != std::string::npos || name.find("_calf") != std::string::npos;
    count += leg && force[b] > threshold;
  }
  return count;
}

TEST(RobotFileTest, LegsTouchTheGroundAndTheCollisionTermCountsThem) {
  // limp motors: the Go1 folds onto its legs and trunk; the only reward term is `collision`.
  // One physics step per policy step, so the step's contacts are those of the state it
  // started from, which a copy of that state run through mj_forward reproduces independently.
  EnvConfig config = ContactOnlyConfig();
  config.robot.fall_contacts.clear();
  config.robot.kp.assign(12, 0.0);
  config.robot.kd.assign(12, 0.0);
  config.physics.timestep = 0.004;  // the file's own step is 0.005 s
  config.robot.control_dt = 0.004;  // decimation 1
  for (auto& [name, scale] : config.rewards.scales) scale = name == "collision" ? 1.0 : 0.0;
  config.rewards.clip_negative = false;
  QuadrupedVecEnv env(config);
  ASSERT_EQ(env.Model().decimation, 1);
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  const mjModel* model = env.Env(0).model();
  int most = 0;
  for (int k = 0; k < 250; ++k) {
    DataPtr before = MakeData(model);
    mj_copyData(before.get(), model, env.Env(0).data());
    mj_forward(model, before.get());
    const int pressed = CountPressedParts(model, before.get(), config.rewards.collision_force);
    env.Step(zeros.data());
    EXPECT_NEAR(env.Rewards()[0], pressed * env.Layout().control_dt, 1e-7) << "step " << k;
    most = std::max(most, pressed);
  }
  EXPECT_GE(most, 4);  // knees and calves down, not just feet
  // a collapsed robot has non-foot ground contact
  config.robot.control_dt = 0.02;
  config.termination.episode_length_s = 1.0;  // 50 steps
  QuadrupedVecEnv timed(config);
  timed.Reset();
  EpisodeInfo episode;
  for (int k = 0; k < 50; ++k) {
    timed.Step(zeros.data());
    if (!timed.FinishedEpisodes().empty()) episode = timed.FinishedEpisodes()[0];
  }
  EXPECT_EQ(episode.length, 50);
  EXPECT_GT(episode.nonfoot_contact_steps, 25);
}

TEST(RobotFileTest, SpawnsWithTheLowestFootOnTheFloor) {
  EnvConfig config = ShippedEnvConfig(8);  // joint jitter, random yaw and base twist on
  config.termination.randomize_start = false;
  QuadrupedVecEnv env(config);
  env.Reset();
  for (int i = 0; i < env.NumEnvs(); ++i) {
    const mjModel* model = env.Env(i).model();
    DataPtr fresh = MakeData(model);  // positions from the env's qpos alone
    mju_copy(fresh->qpos, env.Env(i).data()->qpos, model->nq);
    mj_kinematics(model, fresh.get());
    double lowest = 1e9;
    for (const auto& foot : config.robot.feet) {
      const int g = mj_name2id(model, mjOBJ_GEOM, foot.c_str());
      lowest = std::min(lowest, fresh->geom_xpos[3 * g + 2] - model->geom_size[3 * g]);
    }
    EXPECT_NEAR(lowest, 0.0, 1e-9) << "env " << i;
  }
}

// the fixture with a contact buffer of four: enough for its feet (MuJoCo's compile-time
// forward pass sees them), not for a collapsed robot
std::string WriteTinyBufferFixture() {
  const std::string anchor = "<compiler angle=\"radian\" autolimits=\"true\"/>";
  return WriteEditedFixture("tutor_tiny_buffer.xml", anchor, anchor + "\n  <size nconmax=\"4\"/>");
}

// the termination term's reward alone: the fall penalty x dt
double FallPenalty(const EnvConfig& config, double dt) {
  for (const auto& [name, scale] : config.rewards.scales)
    if (name == "termination") return scale * dt;
  return 0;
}

// counts MuJoCo warnings instead of failing the test on them (tests/test_main.cc), while alive
class ExpectWarnings {
 public:
  ExpectWarnings() : saved_(mju_user_warning) { count_ = 0, mju_user_warning = Count; }
  ~ExpectWarnings() { mju_user_warning = saved_; }
  static int count() { return count_; }

 private:
  static void Count(const char*) { ++count_; }
  static inline int count_ = 0;
  void (*saved_)(const char*);
};

TEST(RobotFileTest, WarningsEndTheEpisodeAsAFallWithThePenalty) {
  const ExpectWarnings warnings;
  auto expect_fall = [](QuadrupedVecEnv* env, const EnvConfig& config, const char* what) {
    SCOPED_TRACE(what);
    const std::vector<float> zeros(env->NumActions(), 0.0f);
    env->Step(zeros.data());
    EXPECT_EQ(env->Terminated()[0], 1.0f);
    ASSERT_EQ(env->FinishedEpisodes().size(), 1u);
    EXPECT_TRUE(env->FinishedEpisodes()[0].unstable);
    EXPECT_NEAR(env->Rewards()[0], FallPenalty(config, env->Layout().control_dt), 1e-7);
    EXPECT_LT(env->Rewards()[0], -0.1);  // -10 x 0.02: worse than any clipped step (>= 0)
  };
  {
    // limp, with contacts and tilt no fall: only the overflowing buffer can end the episode
    EnvConfig config = FixtureConfig(ControlMode::kPd);
    config.robot.mjcf = WriteTinyBufferFixture();
    config.robot.fall_contacts.clear();
    config.robot.kp.assign(12, 0.0);
    config.robot.kd.assign(12, 0.0);
    config.termination.max_tilt = M_PI;
    config.termination.min_base_height = -1e9;
    QuadrupedVecEnv env(config);
    env.Reset();
    const std::vector<float> zeros(env.NumActions(), 0.0f);
    int step = 0;
    while (env.FinishedEpisodes().empty() && step < 200) env.Step(zeros.data()), ++step;
    ASSERT_EQ(env.FinishedEpisodes().size(), 1u) << "no overflow in 4 s";
    EXPECT_TRUE(env.FinishedEpisodes()[0].unstable);
    EXPECT_EQ(env.Terminated()[0], 1.0f);
    EXPECT_NEAR(env.Rewards()[0], FallPenalty(config, env.Layout().control_dt), 1e-7);
  }
  EnvConfig config = StillConfig(1);
  QuadrupedVecEnv env(config);
  env.Reset();
  env.Env(0).data()->qpos[8] = std::nan("");
  expect_fall(&env, config, "bad qpos");
  env.Env(0).data()->qvel[7] = 1e11;  // beyond mjMAXVAL
  expect_fall(&env, config, "bad qvel");
  // the episodes after them are clean
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  env.Step(zeros.data());
  EXPECT_EQ(env.Terminated()[0], 0.0f);
  EXPECT_EQ(ExpectWarnings::count(), 3);  // contact buffer, qpos, qvel
}

TEST(RobotFileTest, PhysicsOptionsOverrideTheFile) {
  EnvConfig config = StillConfig(1);
  config.physics.timestep = 0.002;
  config.physics.cone = PhysicsConfig::Cone::kElliptic;
  config.physics.impratio = 100;
  config.physics.foot_condim = 6;
  config.physics.iterations = 100;
  config.physics.frictionloss = false;
  QuadrupedVecEnv env(config);
  const mjModel* model = env.Env(0).model();
  EXPECT_EQ(model->opt.cone, mjCONE_ELLIPTIC);
  EXPECT_EQ(model->opt.iterations, 100);
  EXPECT_DOUBLE_EQ(model->opt.impratio, 100);
  EXPECT_EQ(env.Model().decimation, 10);  // 0.02 s of 0.002 s steps
  for (const auto& foot : env.Model().foot_geoms) EXPECT_EQ(model->geom_condim[foot[0]], 6);
  for (int dof : env.Model().joint_dof) EXPECT_EQ(model->dof_frictionloss[dof], 0.0);
  // and the robot stands in it
  EXPECT_EQ(SecondsStanding(&env, 2.0), 2.0);
}

}  // namespace
}  // namespace tutor::testing
