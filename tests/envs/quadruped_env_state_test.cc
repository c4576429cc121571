// Observations describe the state the env is in after a step: joint counts beyond the old
// fixed buffers, foot heights from the final qpos, base velocity after pushes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "envs/mujoco_util.h"
#include "envs/quadruped_vec_env.h"
#include "envs/rng.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

constexpr int kLegs = 4;
constexpr int kLinksPerLeg = 20;            // 80 hinge joints in all
constexpr double kLinkLength = 0.01;        // m
constexpr double kManyJointsHeight = 0.35;  // m, initial trunk height

// a free-floating box with four chains of small capsules, one hinge each, a sphere foot at the
// end of every chain and a floor plane; only the feet collide with the floor
std::string WriteManyJointsModel() {
  const std::string path = ::testing::TempDir() + "/tutor_many_joints.xml";
  std::ofstream out(path);
  out << "<mujoco model=\"many joints\">\n"
      << "  <option timestep=\"0.004\"/>\n"
      << "  <default>\n"
      << "    <joint type=\"hinge\" damping=\"0.05\" armature=\"0.01\"/>\n"
      << "    <geom contype=\"0\" conaffinity=\"0\" density=\"500\"/>\n"
      << "  </default>\n"
      << "  <worldbody>\n"
      << "    <geom name=\"floor\" type=\"plane\" size=\"0 0 0.05\" contype=\"1\"/>\n"
      << "    <body name=\"trunk\" pos=\"0 0 " << kManyJointsHeight << "\">\n"
      << "      <freejoint/>\n"
      << "      <geom type=\"box\" size=\"0.15 0.08 0.04\" mass=\"5\"/>\n";
  const double hips[kLegs][2] = {{0.12, -0.06}, {0.12, 0.06}, {-0.12, -0.06}, {-0.12, 0.06}};
  for (int leg = 0; leg < kLegs; ++leg) {
    for (int link = 0; link < kLinksPerLeg; ++link) {
      const std::string pos =
          link == 0 ? std::to_string(hips[leg][0]) + " " + std::to_string(hips[leg][1]) + " -0.04"
                    : "0 0 -" + std::to_string(kLinkLength);
      out << "<body pos=\"" << pos << "\"><joint name=\"leg" << leg << "_joint" << link
          << "\" axis=\"" << (link % 2 ? "1 0 0" : "0 1 0") << "\"/>"
          << "<geom type=\"capsule\" size=\"0.005\" fromto=\"0 0 0 0 0 -" << kLinkLength
          << "\"/>\n";
    }
    out << "<geom name=\"foot" << leg << "\" type=\"sphere\" size=\"0.02\" pos=\"0 0 -"
        << kLinkLength << "\" conaffinity=\"1\" condim=\"3\"/>\n";
    for (int link = 0; link < kLinksPerLeg; ++link) out << "</body>";
    out << "\n";
  }
  out << "    </body>\n  </worldbody>\n</mujoco>\n";
  return path;
}

// the shipped env's observations, commands and rewards driving the 80-joint model
EnvConfig ManyJointsConfig() {
  EnvConfig config = ShippedEnvConfig(1);
  RobotConfig& robot = config.robot;
  robot.mjcf = WriteManyJointsModel();
  robot.mirror = {};  // the shipped Go1's mirror names Go1 joints
  robot.joints.clear();
  robot.feet.clear();
  for (int leg = 0; leg < kLegs; ++leg) {
    for (int link = 0; link < kLinksPerLeg; ++link)
      robot.joints.push_back("leg" + std::to_string(leg) + "_joint" + std::to_string(link));
    robot.feet.push_back("foot" + std::to_string(leg));
  }
  const size_t n = robot.joints.size();
  robot.fall_contacts.clear();
  robot.collision_contacts.clear();
  robot.control = ControlMode::kPd;
  robot.default_pose.assign(n, 0.0);   // rad: legs straight down
  robot.kp.assign(n, 2.0);             // N·m/rad
  robot.kd.assign(n, 0.05);            // N·m·s/rad
  robot.torque_limits.assign(n, 5.0);  // N·m
  robot.keyframe.clear();
  robot.base_height = kManyJointsHeight;
  config.termination.randomize_start = false;
  return config;
}

TEST(QuadrupedEnvStateTest, StepsAModelWithMoreThanSixtyFourJoints) {
  QuadrupedVecEnv env(ManyJointsConfig());
  ASSERT_EQ(env.NumActions(), kLegs * kLinksPerLeg);
  for (const char* group : {"policy", "teacher"}) {
    for (const auto& term : env.Layout().Group(group).terms) {
      if (term.name == "joint_pos") {
        EXPECT_EQ(term.width, 80) << group;
      }
    }
  }
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  for (int k = 0; k < 10; ++k) {
    env.Step(zeros.data());
    for (const char* group : {"policy", "teacher"}) {
      const float* obs = env.Observations(group);
      for (int i = 0; i < env.GroupWidth(group); ++i)
        ASSERT_TRUE(std::isfinite(obs[i])) << group << "[" << i << "] at step " << k;
    }
    ASSERT_TRUE(std::isfinite(env.Rewards()[0]));
  }
}

TEST(QuadrupedEnvStateTest, FootHeightsMatchKinematicsOfTheFinalQpos) {
  EnvConfig config = StillConfig(1);
  config.randomization.init_base_velocity = 0.3;
  config.randomization.init_random_yaw = true;
  QuadrupedVecEnv env(config);
  env.Reset();
  StepRandomly(&env, 6, 11);
  // a fresh mjData at the env's qpos, positions from forward kinematics alone
  const mjModel* model = env.Env(0).model();
  DataPtr fresh = MakeData(model);
  mju_copy(fresh->qpos, env.Env(0).data()->qpos, model->nq);
  mj_kinematics(model, fresh.get());
  const int floor = mj_name2id(model, mjOBJ_GEOM, "floor");
  const double floor_z = fresh->geom_xpos[3 * floor + 2];
  const auto heights = Term(env, "teacher", "foot_heights", 0);
  ASSERT_EQ(heights.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    const int foot = mj_name2id(model, mjOBJ_GEOM, config.robot.feet[k].c_str());
    const double expected = fresh->geom_xpos[3 * foot + 2] - model->geom_size[3 * foot] - floor_z;
    EXPECT_NEAR(heights[k], expected, 1e-5) << config.robot.feet[k];
  }
}

// pushes are uniform over the annulus of their speed range, in every direction
TEST(QuadrupedEnvStateTest, PushesAreUniformOverTheirSpeedDisc) {
  Rng rng(7, 3);
  const int n = 40000;
  const double disc[2] = {0.0, 1.5};
  int inner = 0, east = 0, north = 0;
  for (int i = 0; i < n; ++i) {
    const auto p = DrawPush(&rng, disc);
    const double speed = std::hypot(p[0], p[1]);
    ASSERT_LE(speed, 1.5 + 1e-12);
    inner += speed < 0.75;  // a quarter of the disc's area
    east += p[0] > 0;
    north += p[1] > 0;
  }
  // binomial standard deviations: 0.0022 (p = 1/4) and 0.0025 (p = 1/2); 4 sigma bounds
  EXPECT_NEAR(inner / static_cast<double>(n), 0.25, 0.009);
  EXPECT_NEAR(east / static_cast<double>(n), 0.5, 0.01);
  EXPECT_NEAR(north / static_cast<double>(n), 0.5, 0.01);
  const double ring[2] = {1.0, 2.0};  // half its area lies inside r = sqrt((1 + 4) / 2)
  int below = 0;
  for (int i = 0; i < n; ++i) {
    const auto p = DrawPush(&rng, ring);
    const double speed = std::hypot(p[0], p[1]);
    ASSERT_GE(speed, 1.0 - 1e-12);
    ASSERT_LE(speed, 2.0 + 1e-12);
    below += speed < std::sqrt(2.5);
  }
  EXPECT_NEAR(below / static_cast<double>(n), 0.5, 0.01);
  const double exact[2] = {1.5, 1.5};
  const auto p = DrawPush(&rng, exact);
  EXPECT_NEAR(std::hypot(p[0], p[1]), 1.5, 1e-12);
}

TEST(QuadrupedEnvStateTest, BaseLinVelIncludesThePushOfTheSameStep) {
  EnvConfig config = StillConfig(1);
  config.randomization.push_interval_s[0] = config.randomization.push_interval_s[1] = 0.02;
  config.randomization.push_velocity[1] = 1.0;  // m/s, at every 0.02 s policy step
  QuadrupedVecEnv env(config);
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  double max_speed = 0;
  for (int k = 0; k < 20; ++k) {
    env.Step(zeros.data());
    // body-frame velocity of the current state: R^T * (world-frame free-joint velocity)
    const mjData* data = env.Env(0).data();
    double rot[9], expected[3];
    mju_quat2Mat(rot, data->qpos + 3);
    mju_mulMatTVec(expected, rot, data->qvel, 3, 3);
    const auto lin_vel = Term(env, "teacher", "base_lin_vel", 0);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(lin_vel[i], expected[i], 1e-5) << "step " << k;
    max_speed = std::max(max_speed, std::hypot(expected[0], expected[1]));
  }
  EXPECT_GT(max_speed, 0.1);  // the pushes moved the robot
}

}  // namespace
}  // namespace tutor::testing
