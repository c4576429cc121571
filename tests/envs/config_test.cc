#include <gtest/gtest.h>

#include <fstream>

#include "core/config_reader.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// the message of the exception `fn` throws as E (a test failure when it throws nothing)
template <typename E, typename Fn>
std::string MessageOf(Fn fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

EnvConfig ReadEnv(const std::string& path) {
  EnvConfig config = ShippedEnvConfig(1);
  ReadEnvConfig(ConfigReader::FromFile(path).Child("env"), &config);
  return config;
}

TEST(ConfigTest, ShippedConfigReadsAndValidates) {
  EnvConfig config = ShippedEnvConfig(4);
  EXPECT_EQ(config.robot.joints.size(), 12u);
  EXPECT_DOUBLE_EQ(config.robot.kp[11], 35.0);  // a scalar broadcast to every joint
  EXPECT_DOUBLE_EQ(config.robot.torque_limits[2], 35.55);
  EXPECT_NO_THROW(ValidateEnvConfig(config, "go1_env.yaml"));
}

TEST(ConfigTest, UnknownObservationTermNamesTheTermAndTheKnownOnes) {
  const std::string path = WriteFile("unknown_term.yaml",
                                     "env:\n  observations:\n    groups:\n"
                                     "      policy: [base_ang_vel, joint_torque]\n");
  const std::string message = MessageOf<ConfigError>([&] { ReadEnv(path); });
  EXPECT_NE(message.find(path + ":4:"), std::string::npos) << message;
  EXPECT_NE(message.find("env.observations.groups.policy"), std::string::npos) << message;
  EXPECT_NE(message.find("joint_torque"), std::string::npos) << message;
  EXPECT_NE(message.find("known: base_lin_vel"), std::string::npos) << message;
}

TEST(ConfigTest, UnknownKeyAndWrongTypeAreErrors) {
  const std::string typo = WriteFile("typo.yaml", "env:\n  robot:\n    action_scal: 0.5\n");
  const std::string message = MessageOf<ConfigError>([&] { ReadEnv(typo); });
  EXPECT_NE(message.find("env.robot.action_scal: unknown key"), std::string::npos) << message;
  const std::string type = WriteFile("type.yaml", "env:\n  robot:\n    action_scale: abc\n");
  const std::string type_message = MessageOf<ConfigError>([&] { ReadEnv(type); });
  EXPECT_NE(type_message.find(type + ":3:19: env.robot.action_scale: expected a number in [0, 10], got 'abc'"),
            std::string::npos)
      << type_message;
}

TEST(ConfigTest, ControlAndPhysicsChoicesAreWordsFromTheirLists) {
  const std::string path =
      WriteFile("physics.yaml", "env:\n  robot:\n    control: actuators\n  physics:\n"
                                "    cone: elliptic\n    solver: cg\n    foot_condim: 6\n");
  const EnvConfig config = ReadEnv(path);
  EXPECT_EQ(config.robot.control, ControlMode::kActuators);
  EXPECT_EQ(config.physics.cone, PhysicsConfig::Cone::kElliptic);
  EXPECT_EQ(config.physics.solver, PhysicsConfig::Solver::kCg);
  EXPECT_EQ(config.physics.foot_condim, 6);
  const std::string bad = WriteFile("control.yaml", "env:\n  robot:\n    control: servo\n");
  const std::string message = MessageOf<ConfigError>([&] { ReadEnv(bad); });
  EXPECT_NE(message.find(bad + ":3:14: env.robot.control: expected pd or actuators, got 'servo'"),
            std::string::npos)
      << message;
  const std::string condim = WriteFile("condim.yaml", "env:\n  physics:\n    foot_condim: 2\n");
  EXPECT_NE(MessageOf<ConfigError>([&] { ReadEnv(condim); }).find("env.physics.foot_condim"),
            std::string::npos);
}

TEST(ConfigTest, PushVelocityIsASpeedOrARange) {
  EnvConfig config = ShippedEnvConfig(1);
  EXPECT_DOUBLE_EQ(config.randomization.push_velocity[0], 0.0);  // go1_env.yaml: 1.5
  EXPECT_DOUBLE_EQ(config.randomization.push_velocity[1], 1.5);
  ReadEnvConfig(
      ConfigReader::FromOverrides({"env.randomization.push_velocity=[0.5, 2]"}).Child("env"),
      &config);
  EXPECT_DOUBLE_EQ(config.randomization.push_velocity[0], 0.5);
  EXPECT_DOUBLE_EQ(config.randomization.push_velocity[1], 2.0);
  const std::string bad =
      WriteFile("push.yaml", "env:\n  randomization:\n    push_velocity: [-1, 2]\n");
  const std::string message = MessageOf<ConfigError>([&] { ReadEnv(bad); });
  EXPECT_NE(message.find("env.randomization.push_velocity: expected one speed in [0, 10] m/s"),
            std::string::npos)
      << message;
}

TEST(ConfigTest, MalformedYamlNamesTheFileAndLine) {
  const std::string path = WriteFile("malformed.yaml", "env:\n  seed: [1, 2\n  num_envs: 3\n");
  const std::string message = MessageOf<ConfigError>([&] { ConfigReader::FromFile(path); });
  EXPECT_NE(message.find(path + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed YAML"), std::string::npos) << message;
  EXPECT_NE(MessageOf<ConfigError>([] { ConfigReader::FromFile("/nonexistent/x.yaml"); })
                .find("/nonexistent/x.yaml: cannot open"),
            std::string::npos);
}

TEST(ConfigTest, MissingJointNamesAreListedTogether) {
  EnvConfig config = ShippedEnvConfig(1);
  config.robot.joints[4] = "FL_thigh";
  config.robot.feet[0] = "FR_toe";
  const std::string message =
      MessageOf<ModelError>([&] { QuadrupedVecEnv env(config, "my.yaml"); });
  EXPECT_NE(message.find("joint 'FL_thigh'"), std::string::npos) << message;
  EXPECT_NE(message.find("foot geom or body 'FR_toe'"), std::string::npos) << message;
  EXPECT_NE(message.find("scene_flat.xml"), std::string::npos) << message;
}

TEST(ConfigTest, MissingOrBrokenMjcfIsAModelError) {
  EnvConfig config = ShippedEnvConfig(1);
  config.robot.mjcf = "/nonexistent/robot.xml";
  EXPECT_NE(MessageOf<ModelError>([&] { QuadrupedVecEnv env(config); })
                .find("/nonexistent/robot.xml: MJCF file not found"),
            std::string::npos);
  config.robot.mjcf = WriteFile("broken.xml", "<mujoco><worldbody><body><geom type=\"box\"/>");
  const std::string message = MessageOf<ModelError>([&] { QuadrupedVecEnv env(config); });
  EXPECT_NE(message.find(config.robot.mjcf + ": MuJoCo could not load"), std::string::npos)
      << message;
}

TEST(ConfigTest, ListLengthsAreChecked) {
  EnvConfig config = ShippedEnvConfig(1);
  config.robot.default_pose.pop_back();
  const std::string message = MessageOf<ConfigError>([&] { ValidateEnvConfig(config, "x.yaml"); });
  EXPECT_NE(message.find("default_pose: expected 12 values"), std::string::npos) << message;
}

TEST(ConfigTest, OverridesLayerOnTopOfTheFile) {
  EnvConfig config = ShippedEnvConfig(1);
  ReadEnvConfig(ConfigReader::FromOverrides({"env.seed=42", "env.robot.kp=20"}).Child("env"),
                &config);
  EXPECT_EQ(config.seed, 42);
  EXPECT_DOUBLE_EQ(config.robot.kp[7], 20.0);
  EXPECT_DOUBLE_EQ(config.robot.kd[7], 0.5);  // untouched
  EXPECT_THROW(ConfigReader::FromOverrides({"env.seed"}), ConfigError);
}

TEST(EnvLayoutTest, SerializeRoundTripsAndDiffsNameTheTerms) {
  QuadrupedVecEnv env(ShippedEnvConfig(1));
  const EnvLayout& layout = env.Layout();
  const EnvLayout copy = EnvLayout::Parse(layout.Serialize());
  EXPECT_TRUE(DiffGroups(layout.Group("teacher"), copy.Group("teacher")).empty());
  EXPECT_TRUE(DiffControl(layout, copy).empty());
  EXPECT_EQ(copy.Group("policy").terms[4].noise, 1.5);

  GroupLayout changed = layout.Group("policy");
  changed.terms[4].scale = 0.1;
  std::swap(changed.terms[0], changed.terms[1]);
  const auto diffs = DiffGroups(layout.Group("policy"), changed);
  ASSERT_EQ(diffs.size(), 3u);
  EXPECT_EQ(diffs[0], "group 'policy' term 0: expected 'base_ang_vel', got 'projected_gravity'");
  EXPECT_EQ(diffs[2], "group 'policy' term 4: joint_vel scale 0.05 vs 0.1");
  EXPECT_THROW(EnvLayout::Parse("groups: [1, 2"), CheckpointError);
}

}  // namespace
}  // namespace tutor::testing
