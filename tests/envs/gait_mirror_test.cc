// The left-right mirror, the gait clock, action latency and randomized PD gains.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/error.h"
#include "envs/quadruped_rewards.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

std::vector<float> Row(const QuadrupedVecEnv& env, const std::string& group, int i) {
  const int width = env.Layout().Group(group).width;
  const float* row = env.Observations(group) + static_cast<size_t>(i) * width;
  return std::vector<float>(row, row + width);
}

int GroupIndex(const QuadrupedModel& model, const std::string& name) {
  for (size_t g = 0; g < model.layout.groups.size(); ++g)
    if (model.layout.groups[g].name == name) return static_cast<int>(g);
  ADD_FAILURE() << "no group " << name;
  return 0;
}

TEST(MirrorTest, EveryMapIsItsOwnInverseAndMirrorsTermsAsDerivedByHand) {
  QuadrupedVecEnv env(ShippedEnvConfig(1), "test");
  const QuadrupedModel& model = env.Model();
  ASSERT_TRUE(model.has_mirror);
  Rng rng(7);
  for (size_t g = 0; g < model.group_mirrors.size(); ++g) {
    const auto& mirror = model.group_mirrors[g];
    std::vector<float> x(mirror.index.size()), once(x.size()), twice(x.size());
    for (float& v : x) v = static_cast<float>(rng.Uniform(-1, 1));
    ApplyMirror(mirror, x.data(), once.data());
    ApplyMirror(mirror, once.data(), twice.data());
    EXPECT_EQ(twice, x) << model.layout.groups[g].name;
    EXPECT_NE(once, x) << model.layout.groups[g].name;
  }
  // the teacher group by hand: [ang vel 0-2, gravity 3-5, command 6-8, joint pos 9-20, joint
  // vel 21-32, last action 33-44, gait phase 45-46, lin vel 47-49, foot forces 50-53, ...]
  const auto& teacher = model.group_mirrors[GroupIndex(model, "teacher")];
  const GroupLayout& layout = model.layout.Group("teacher");
  std::vector<float> x(layout.width), m(layout.width);
  for (int i = 0; i < layout.width; ++i) x[i] = static_cast<float>(i + 1);
  ApplyMirror(teacher, x.data(), m.data());
  auto offset = [&](const std::string& term) {
    for (const auto& t : layout.terms)
      if (t.name == term) return t.offset;
    ADD_FAILURE() << term;
    return 0;
  };
  const int w = offset("base_ang_vel"), c = offset("velocity_command"), q = offset("joint_pos");
  const int g = offset("gait_phase"), f = offset("foot_contact_forces"), v = offset("base_lin_vel");
  EXPECT_EQ(m[w + 0], -x[w + 0]);  // roll rate flips
  EXPECT_EQ(m[w + 1], x[w + 1]);   // pitch rate stays
  EXPECT_EQ(m[w + 2], -x[w + 2]);  // yaw rate flips
  EXPECT_EQ(m[v + 1], -x[v + 1]);  // lateral velocity flips
  EXPECT_EQ(m[c + 0], x[c + 0]);
  EXPECT_EQ(m[c + 1], -x[c + 1]);
  EXPECT_EQ(m[c + 2], -x[c + 2]);
  // FR abduction <- -FL abduction, FR hip <- FL hip; RL knee <- RR knee
  EXPECT_EQ(m[q + 0], -x[q + 3]);
  EXPECT_EQ(m[q + 1], x[q + 4]);
  EXPECT_EQ(m[q + 11], x[q + 8]);
  EXPECT_EQ(m[f + 0], x[f + 1]);  // FR foot <- FL foot
  EXPECT_EQ(m[f + 2], x[f + 3]);
  // a trot's mirror is half a cycle on: (sin, cos) -> (-sin, -cos)
  EXPECT_EQ(m[g], -x[g]);
  EXPECT_EQ(m[g + 1], -x[g + 1]);
  // actions: the joint map
  EXPECT_EQ(model.action_mirror.index[0], 3);
  EXPECT_EQ(model.action_mirror.sign[0], -1.0f);
  EXPECT_EQ(model.action_mirror.index[10], 7);
  EXPECT_EQ(model.action_mirror.sign[10], 1.0f);
}

TEST(MirrorTest, AMapThatDoesNotMapBackIsAConfigError) {
  EnvConfig config = ShippedEnvConfig(1);
  config.robot.mirror.joints[0] = "FR_hip_joint";  // FR -> FR while FL -> FR
  try {
    QuadrupedVecEnv env(config, "test.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("env.robot.mirror"), std::string::npos) << e.what();
  }
  config = ShippedEnvConfig(1);
  config.gait.offsets = {0.0, 0.25, 0.5, 0.75};  // a walk: no single shift mirrors it
  try {
    QuadrupedVecEnv env(config, "test.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("env.gait.offsets"), std::string::npos) << e.what();
  }
}

// the simplified Go1 with its trunk's centre of mass put on the symmetry plane: an exactly
// left-right symmetric robot, written next to a copy of its scene
std::string SymmetricScene() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tutor_symmetric_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string source = std::string(TUTOR_SOURCE_DIR) + "/models/go1_simple/";
  std::filesystem::copy_file(source + "scene_flat.xml", dir / "scene_flat.xml",
                             std::filesystem::copy_options::overwrite_existing);
  std::ifstream in(source + "go1.xml");
  std::stringstream text;
  text << in.rdbuf();
  std::string robot = text.str();
  const std::string asymmetric = "0.0116 0.0022 0.0006";
  const auto at = robot.find(asymmetric);
  EXPECT_NE(at, std::string::npos);
  robot.replace(at, asymmetric.size(), "0.0116 0 0.0006");
  std::ofstream(dir / "go1.xml") << robot;
  return (dir / "scene_flat.xml").string();
}

TEST(MirrorTest, OnASymmetricRobotAMirroredStateStepsToTheMirroredNextState) {
  EnvConfig config = StillConfig(2);
  config.robot.mjcf = SymmetricScene();
  config.robot.control = ControlMode::kPd;
  config.robot.fall_contacts = {"trunk"};
  config.robot.collision_contacts = {};
  for (auto& [name, terms] : config.observations.groups)  // the clock is an input, not state
    terms.erase(std::remove(terms.begin(), terms.end(), "gait_phase"), terms.end());
  config.observations.noisy_groups.clear();  // the policy group too, without its noise,
  for (auto& [name, terms] : config.observations.groups)  // and with the accelerometer
    if (name == "policy") terms.push_back("base_lin_acc");
  QuadrupedVecEnv env(config, "test");
  const QuadrupedModel& model = env.Model();
  env.Reset();
  const double command[3] = {0.6, 0.2, 0.4}, mirrored_command[3] = {0.6, -0.2, -0.4};
  env.Env(0).SetFixedCommand(command);
  env.Env(1).SetFixedCommand(mirrored_command);
  // env 0: a tilted, turning, moving robot with bent legs; env 1: its mirror image
  Rng rng(3);
  mjData* a = env.Env(0).data();
  mjData* b = env.Env(1).data();
  const int bq = model.base_qpos, bv = model.base_dof;
  a->qpos[bq + 1] = 0.1;
  double quat[4] = {1, 0.05, -0.04, 0.2};
  mju_normalize4(quat);
  mju_copy4(a->qpos + bq + 3, quat);
  for (int k = 0; k < 6; ++k) a->qvel[bv + k] = rng.Uniform(-0.5, 0.5);
  for (int j = 0; j < model.num_joints; ++j) {
    a->qpos[model.joint_qpos[j]] += rng.Uniform(-0.2, 0.2);
    a->qvel[model.joint_dof[j]] = rng.Uniform(-1, 1);
  }
  mju_copy(b->qpos, a->qpos, env.Env(0).model()->nq);
  b->qpos[bq + 1] = -a->qpos[bq + 1];
  b->qpos[bq + 4] = -a->qpos[bq + 4], b->qpos[bq + 6] = -a->qpos[bq + 6];  // (w, -x, y, -z)
  const double vsign[6] = {1, -1, 1, -1, 1, -1};  // linear polar, angular axial
  for (int k = 0; k < 6; ++k) b->qvel[bv + k] = vsign[k] * a->qvel[bv + k];
  for (int j = 0; j < model.num_joints; ++j) {
    const int m = model.mirror_joint[j];
    b->qpos[model.joint_qpos[j]] = model.mirror_sign[j] * a->qpos[model.joint_qpos[m]];
    b->qvel[model.joint_dof[j]] = model.mirror_sign[j] * a->qvel[model.joint_dof[m]];
  }
  std::vector<float> actions(2 * model.num_joints);
  double worst = 0, unmirrored = 0, worst_acc = 0;
  for (int step = 0; step < 30; ++step) {
    for (int j = 0; j < model.num_joints; ++j)
      actions[j] = static_cast<float>(rng.Uniform(-0.5, 0.5));
    ApplyMirror(model.action_mirror, actions.data(), actions.data() + model.num_joints);
    env.Step(actions.data());
    ASSERT_EQ(env.Terminated()[0] + env.Terminated()[1], 0.0f) << step;
    for (const std::string group : {"teacher", "policy"}) {  // policy: the accelerometer
      const auto& mirror = model.group_mirrors[GroupIndex(model, group)];
      const auto x = Row(env, group, 0), y = Row(env, group, 1);
      std::vector<float> mx(x.size());
      ApplyMirror(mirror, x.data(), mx.data());
      for (size_t i = 0; i < x.size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::abs(mx[i] - y[i])));
        unmirrored = std::max(unmirrored, static_cast<double>(std::abs(x[i] - y[i])));
      }
    }
    const auto acc = Term(env, "policy", "base_lin_acc", 0);
    const auto mirrored_acc = Term(env, "policy", "base_lin_acc", 1);
    worst_acc = std::max({worst_acc, std::abs(acc[0] - mirrored_acc[0]),
                          std::abs(acc[1] + mirrored_acc[1]), std::abs(acc[2] - mirrored_acc[2])});
  }
  EXPECT_LT(worst, 1e-3);      // mirrored state, mirrored actions: mirrored observations
  EXPECT_GT(unmirrored, 0.1);  // and the two robots really do differ
  EXPECT_LT(worst_acc, 1e-2);  // m/s^2: the lateral specific force flips, the others stay
}

TEST(GaitClockTest, PhaseObservationAndStanceFollowTheClock) {
  QuadrupedVecEnv env(StillConfig(1), "test");
  env.Reset();
  // period 0.5 s at 0.02 s steps: step k is phase 0.04 k
  for (int step = 0; step <= 15; ++step) {
    const auto phase = Term(env, "policy", "gait_phase", 0);
    const double angle = 2 * M_PI * 0.04 * step;
    EXPECT_NEAR(phase[0], std::sin(angle), 1e-6) << step;
    EXPECT_NEAR(phase[1], std::cos(angle), 1e-6) << step;
    std::vector<float> zero(env.NumActions(), 0.0f);
    env.Step(zero.data());
  }
  const QuadrupedEnv& e = env.Env(0);
  // offsets FR 0, FL 0.5, RR 0.5, RL 0, stance the first half of a foot's cycle
  EXPECT_TRUE(e.FootInStance(0, 0));
  EXPECT_FALSE(e.FootInStance(1, 0));
  EXPECT_FALSE(e.FootInStance(2, 0));
  EXPECT_TRUE(e.FootInStance(3, 0));
  EXPECT_TRUE(e.FootInStance(0, 12));   // phase 0.48
  EXPECT_FALSE(e.FootInStance(0, 13));  // phase 0.52
  EXPECT_TRUE(e.FootInStance(1, 13));   // 0.52 + 0.5 = 0.02
  EXPECT_TRUE(e.FootInStance(0, 25));   // 1.00: the next cycle
}

TEST(GaitClockTest, RewardIsTheShareOfFeetWhereTheClockWantsThem) {
  RewardConfig config;
  RewardInputs in;
  in.foot_stance = {1, 0, 0, 1};
  in.foot_contact = {1, 0, 0, 1};
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kGait, in, config), 1.0);
  in.foot_contact = {1, 1, 1, 1};  // all down in the middle of a trot: half right
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kGait, in, config), 0.5);
  in.foot_contact = {0, 1, 0, 0};
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kGait, in, config), 0.25);
  in.standing = true;  // standing still, every foot belongs down
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kGait, in, config), 0.25);
  in.foot_contact = {1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kGait, in, config), 1.0);
}

TEST(GaitClockTest, FeetClearancePenalisesOnlySwingFeetBelowTheTarget) {
  RewardConfig config;
  config.feet_clearance_target = 0.08;
  RewardInputs in;
  in.moving = true;
  in.foot_stance = {1, 0, 0, 1};             // FL and RR in swing
  in.foot_height = {0.0, 0.03, 0.10, 0.0};   // FL 5 cm short, RR 2 cm above: only FL counts
  EXPECT_NEAR(RewardTermValue(RewardTerm::kFeetClearance, in, config), 0.05, 1e-12);
  in.foot_height = {0.0, -0.01, 0.0, 0.0};   // a foot sunk 1 cm: 9 + 8 cm short
  EXPECT_NEAR(RewardTermValue(RewardTerm::kFeetClearance, in, config), 0.17, 1e-12);
  in.moving = false;  // standing still, no foot swings
  EXPECT_DOUBLE_EQ(RewardTermValue(RewardTerm::kFeetClearance, in, config), 0.0);
}

TEST(RandomizationTest, OneStepOfLatencyDrivesTowardsTheLastStepsTargets) {
  EnvConfig late = StillConfig(1);
  late.randomization.action_latency[0] = late.randomization.action_latency[1] = 1.0;
  QuadrupedVecEnv delayed(late, "test"), prompt(StillConfig(1), "test");
  delayed.Reset();  // drawn at every reset
  prompt.Reset();
  ASSERT_EQ(delayed.Model().decimation, 5);  // 0.02 s of go1_env.yaml's 0.004 s steps
  EXPECT_EQ(delayed.Env(0).latency_substeps(), 5);  // one policy step: every substep
  EXPECT_EQ(prompt.Env(0).latency_substeps(), 0);
  Rng rng(5);
  const int n = delayed.NumActions();
  std::vector<float> last(n, 0.0f), action(n);
  for (int step = 0; step < 10; ++step) {
    for (float& a : action) a = static_cast<float>(rng.Uniform(-0.5, 0.5));
    delayed.Step(action.data());  // a whole step late: acts as `last` did
    prompt.Step(last.data());
    const mjData* d = delayed.Env(0).data();
    const mjData* p = prompt.Env(0).data();
    for (int i = 0; i < delayed.Env(0).model()->nq; ++i)
      ASSERT_EQ(d->qpos[i], p->qpos[i]) << "step " << step << " qpos " << i;
    last = action;
  }
  EnvConfig partial = StillConfig(1);
  partial.randomization.action_latency[0] = partial.randomization.action_latency[1] = 0.4;
  QuadrupedVecEnv two_substeps(partial, "test");
  two_substeps.Reset();
  EXPECT_EQ(two_substeps.Env(0).latency_substeps(), 2);  // 0.4 x 5 substeps
}

TEST(RandomizationTest, GainsAreDrawnPerJointWithinTheirFactors) {
  EnvConfig config = StillConfig(4);
  config.randomization.kp_factor[0] = 0.9, config.randomization.kp_factor[1] = 1.1;
  config.randomization.kd_factor[0] = 0.8, config.randomization.kd_factor[1] = 1.2;
  QuadrupedVecEnv env(config, "test");
  env.Reset();
  const EnvLayout& layout = env.Layout();
  double kp_low = 2, kp_high = 0, kd_low = 2, kd_high = 0;
  for (int i = 0; i < env.NumEnvs(); ++i) {
    const DriveGains& gains = env.Env(i).gains();
    for (int j = 0; j < env.NumActions(); ++j) {
      const double kp = gains.kp[j] / layout.kp[j], kd = gains.kd[j] / layout.kd[j];
      kp_low = std::min(kp_low, kp), kp_high = std::max(kp_high, kp);
      kd_low = std::min(kd_low, kd), kd_high = std::max(kd_high, kd);
    }
  }
  EXPECT_GE(kp_low, 0.9);
  EXPECT_LE(kp_high, 1.1);
  EXPECT_GE(kd_low, 0.8);
  EXPECT_LE(kd_high, 1.2);
  EXPECT_GT(kp_high - kp_low, 0.1);  // 48 draws spread over the range
  EXPECT_GT(kd_high - kd_low, 0.2);
  // the torque the env applies uses the drawn gains: tau = kp' (target - q) - kd' qd
  const QuadrupedEnv& e = env.Env(0);
  std::vector<double> targets = layout.default_pose;
  targets[1] += 0.1;
  mjData* data = e.data();
  std::vector<double> torques(env.NumActions());
  ApplyControl(env.Model(), e.model(), targets, e.gains(), data, &torques);
  const int j = 1;
  const double q = data->qpos[env.Model().joint_qpos[j]], qd = data->qvel[env.Model().joint_dof[j]];
  EXPECT_NEAR(torques[j], e.gains().kp[j] * (targets[j] - q) - e.gains().kd[j] * qd, 1e-9);
}

}  // namespace
}  // namespace tutor::testing
