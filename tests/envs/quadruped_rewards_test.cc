#include "envs/quadruped_rewards.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "envs/quadruped_vec_env.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

// a two-joint step with every input distinct, so each term's hand value below is unambiguous
RewardInputs HandInputs() {
  RewardInputs in;
  in.command[0] = 0.5, in.command[1] = -0.2, in.command[2] = 0.3;
  in.lin_vel[0] = 0.3, in.lin_vel[1] = 0.1, in.lin_vel[2] = -0.2;
  in.ang_vel[0] = 0.1, in.ang_vel[1] = -0.2, in.ang_vel[2] = 0.5;
  in.gravity[0] = 0.1, in.gravity[1] = -0.2, in.gravity[2] = -0.97;
  in.base_height = 0.25;
  in.torques = {2.0, -3.0};
  in.joint_vel = {1.0, -2.0};
  in.last_joint_vel = {0.5, -1.0};
  in.action = {0.3, -0.4};
  in.last_action = {0.1, 0.2};
  in.joint_pos = {0.5, -1.2};
  in.default_pose = {0.4, -1.0};
  in.joint_low = {-0.3, -1.1};
  in.joint_high = {0.45, 1.0};
  in.feet_air_time = 0.15;
  in.moving = true;
  in.standing = false;
  in.fell = false;
  in.dt = 0.02;
  return in;
}

RewardConfig HandConfig() {
  RewardConfig config;
  config.tracking_sigma = 0.25;
  config.base_height_target = 0.27;  // m
  return config;
}

double Value(RewardTerm term, const RewardInputs& in) {
  return RewardTermValue(term, in, HandConfig());
}

TEST(QuadrupedRewardsTest, TrackingTermsMatchHandComputedValues) {
  const RewardInputs in = HandInputs();
  // (0.5 - 0.3)^2 + (-0.2 - 0.1)^2 = 0.13; exp(-0.13 / 0.25)
  EXPECT_NEAR(Value(RewardTerm::kTrackingLinVel, in), std::exp(-0.52), 1e-12);
  // (0.3 - 0.5)^2 = 0.04; exp(-0.04 / 0.25)
  EXPECT_NEAR(Value(RewardTerm::kTrackingAngVel, in), std::exp(-0.16), 1e-12);
}

TEST(QuadrupedRewardsTest, BaseTermsMatchHandComputedValues) {
  const RewardInputs in = HandInputs();
  EXPECT_NEAR(Value(RewardTerm::kLinVelZ, in), 0.04, 1e-12);       // (-0.2)^2
  EXPECT_NEAR(Value(RewardTerm::kAngVelXy, in), 0.05, 1e-12);      // 0.1^2 + 0.2^2
  EXPECT_NEAR(Value(RewardTerm::kOrientation, in), 0.05, 1e-12);   // 0.1^2 + 0.2^2
  EXPECT_NEAR(Value(RewardTerm::kBaseHeight, in), 0.0004, 1e-12);  // (0.25 - 0.27)^2
}

TEST(QuadrupedRewardsTest, JointTermsMatchHandComputedValues) {
  const RewardInputs in = HandInputs();
  EXPECT_NEAR(Value(RewardTerm::kTorques, in), 13.0, 1e-12);  // 2^2 + 3^2
  // ((1 - 0.5) / 0.02)^2 + ((-2 + 1) / 0.02)^2 = 25^2 + 50^2
  EXPECT_NEAR(Value(RewardTerm::kJointAcc, in), 3125.0, 1e-9);
  EXPECT_NEAR(Value(RewardTerm::kJointVel, in), 5.0, 1e-12);    // 1^2 + 2^2
  EXPECT_NEAR(Value(RewardTerm::kActionRate, in), 0.4, 1e-12);  // 0.2^2 + 0.6^2
  EXPECT_NEAR(Value(RewardTerm::kEnergy, in), 8.0, 1e-12);      // |1 * 2| + |-2 * -3|
  // q0 = 0.5 is 0.05 above its soft upper limit, q1 = -1.2 is 0.1 below its lower one
  EXPECT_NEAR(Value(RewardTerm::kDofPosLimits, in), 0.15, 1e-12);
}

TEST(QuadrupedRewardsTest, GaitTermsFollowTheCommandFlags) {
  RewardInputs in = HandInputs();
  EXPECT_NEAR(Value(RewardTerm::kFeetAirTime, in), 0.15, 1e-12);  // moving: paid
  EXPECT_EQ(Value(RewardTerm::kStandStill, in), 0.0);             // not standing: free
  in.moving = false, in.standing = true;
  EXPECT_EQ(Value(RewardTerm::kFeetAirTime, in), 0.0);
  EXPECT_NEAR(Value(RewardTerm::kStandStill, in), 0.3, 1e-12);  // |0.5 - 0.4| + |-1.2 + 1.0|
  EXPECT_EQ(Value(RewardTerm::kTermination, in), 0.0);
  in.fell = true;
  EXPECT_EQ(Value(RewardTerm::kTermination, in), 1.0);
  EXPECT_EQ(Value(RewardTerm::kCollision, in), 0.0);
  in.collisions = 3;  // three parts pressing the ground: legged_gym's count, not a force
  EXPECT_EQ(Value(RewardTerm::kCollision, in), 3.0);
}

TEST(QuadrupedRewardsTest, CombineWeightsEachTermByScaleTimesDt) {
  const std::vector<std::pair<RewardTerm, double>> terms = {{RewardTerm::kTrackingLinVel, 1.0},
                                                            {RewardTerm::kTorques, -2e-4}};
  std::vector<double> weighted;
  // 0.8 * 1.0 * 0.02 = 0.016; 13 * -2e-4 * 0.02 = -5.2e-5
  const double total = CombineRewards(terms, {0.8, 13.0}, 0.02, true, &weighted);
  ASSERT_EQ(weighted.size(), 2u);
  EXPECT_NEAR(weighted[0], 0.016, 1e-15);
  EXPECT_NEAR(weighted[1], -5.2e-5, 1e-15);
  EXPECT_NEAR(total, 0.015948, 1e-15);
}

TEST(QuadrupedRewardsTest, ClipNegativeZeroesOnlyANegativeTotal) {
  std::vector<double> weighted;
  // negative: -2 * 0.04 * 0.02 = -0.0016 becomes 0 when clipped, stays when not
  const std::vector<std::pair<RewardTerm, double>> penalty = {{RewardTerm::kLinVelZ, -2.0}};
  EXPECT_EQ(CombineRewards(penalty, {0.04}, 0.02, true, &weighted), 0.0);
  EXPECT_NEAR(weighted[0], -0.0016, 1e-15);  // the term itself is still reported
  EXPECT_NEAR(CombineRewards(penalty, {0.04}, 0.02, false, &weighted), -0.0016, 1e-15);
  // positive: 0.016 - 0.0016 = 0.0144 either way
  const std::vector<std::pair<RewardTerm, double>> mixed = {{RewardTerm::kTrackingLinVel, 1.0},
                                                            {RewardTerm::kLinVelZ, -2.0}};
  EXPECT_NEAR(CombineRewards(mixed, {0.8, 0.04}, 0.02, true, &weighted), 0.0144, 1e-15);
  EXPECT_NEAR(CombineRewards(mixed, {0.8, 0.04}, 0.02, false, &weighted), 0.0144, 1e-15);
}

TEST(QuadrupedRewardsTest, TerminationIsAddedAfterClipping) {
  // a fall step whose other terms sum negative: they clip to 0, the fall still costs in full
  RewardInputs in = HandInputs();
  in.fell = true;
  const std::vector<std::pair<RewardTerm, double>> terms = {{RewardTerm::kLinVelZ, -2.0},
                                                            {RewardTerm::kTorques, -1e-5},
                                                            {RewardTerm::kTermination, -10.0}};
  std::vector<double> values;
  for (const auto& [term, scale] : terms) values.push_back(Value(term, in));
  std::vector<double> weighted;
  const double total = CombineRewards(terms, values, in.dt, true, &weighted);
  EXPECT_DOUBLE_EQ(total, -10.0 * 0.02);
  EXPECT_LT(weighted[0] + weighted[1], 0.0);
  EXPECT_DOUBLE_EQ(weighted[2], -0.2);
  // unclipped, the penalties add to it: -0.0016 - 2.6e-6 - 0.2
  EXPECT_NEAR(CombineRewards(terms, values, in.dt, false, &weighted), -0.2016026, 1e-12);
}

constexpr double kLowFloorZ = -0.1;  // m, floor of the lowered scene

// the shipped robot over a floor lowered to z = -0.1 m (the env spawns it standing on it).
// MuJoCo 2.2 resolves <include> against the scene's folder even for absolute paths, so the
// robot file is copied beside the scene.
std::string WriteLoweredFloorScene() {
  const std::string dir = ::testing::TempDir();
  {
    std::ifstream robot(std::string(TUTOR_SOURCE_DIR) + "/models/go1/go1.xml");
    std::ofstream copy(dir + "/tutor_go1.xml");
    copy << robot.rdbuf();
  }
  const std::string path = dir + "/tutor_lowered_floor.xml";
  std::ofstream out(path);
  out << "<mujoco model=\"go1 lowered floor\">\n"
      << "  <include file=\"tutor_go1.xml\"/>\n"
      << "  <option timestep=\"0.004\" iterations=\"4\" solver=\"Newton\" tolerance=\"1e-8\"/>\n"
      << "  <size nconmax=\"40\" njmax=\"200\"/>\n"
      << "  <worldbody>\n"
      << "    <geom name=\"floor\" type=\"plane\" size=\"0 0 0.05\" pos=\"0 0 " << kLowFloorZ
      << "\" contype=\"1\" conaffinity=\"0\" friction=\"0.8 0.02 0.01\" condim=\"3\"/>\n"
      << "  </worldbody>\n"
      << "  <keyframe>\n"
      << "    <key name=\"home\" qpos=\"0 0 0.285 1 0 0 0 0.1 0.9 -1.8 -0.1 0.9 -1.8 "
      << "0.1 0.9 -1.8 -0.1 0.9 -1.8\"/>\n"
      << "  </keyframe>\n"
      << "</mujoco>\n";
  return path;
}

TEST(QuadrupedRewardsTest, BaseHeightRewardIsMeasuredFromTheFloor) {
  EnvConfig config = StillConfig(1);
  config.robot.mjcf = WriteLoweredFloorScene();
  for (auto& [name, scale] : config.rewards.scales) scale = name == "base_height" ? 1.0 : 0.0;
  config.rewards.clip_negative = false;
  config.rewards.base_height_target = 0.4;  // m, well above the standing height
  QuadrupedVecEnv env(config);
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  env.Step(zeros.data());
  ASSERT_EQ(env.Terminated()[0] + env.Truncated()[0], 0.0f);
  const double z = env.Env(0).data()->qpos[2];
  const double target = config.rewards.base_height_target;  // 0.4 m
  const double dt = env.Layout().control_dt;                // 0.02 s
  const double expected = (z - kLowFloorZ - target) * (z - kLowFloorZ - target) * dt;
  EXPECT_NEAR(env.Rewards()[0], expected, 1e-9);
  // the robot spawns standing on the lowered floor (trunk 0.287 m above it): measured from
  // z = 0 instead, the term would be (0.187 - 0.4)^2 * 0.02 = 9e-4, not 2.6e-4
  EXPECT_GT(z, 0.15);
  EXPECT_LT(z, 0.2);
  EXPECT_GT(expected, 1e-4);  // about (0.287 - 0.4)^2 * 0.02 = 2.6e-4
}

}  // namespace
}  // namespace tutor::testing
