#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "envs/rng.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

constexpr double kGravity = 9.81;  // m/s^2, the scene's default

TEST(QuadrupedEnvTest, ModelStandsForTenSecondsUnderDefaultTargets) {
  QuadrupedVecEnv env(StillConfig(1));
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  const int steps = static_cast<int>(10.0 / env.Layout().control_dt);  // 500
  for (int k = 0; k < steps; ++k) {
    env.Step(zeros.data());
    ASSERT_EQ(env.Terminated()[0], 0.0f) << "fell at step " << k;
    ASSERT_EQ(env.Truncated()[0], 0.0f);
  }
  const mjData* data = env.Env(0).data();
  EXPECT_GT(data->qpos[2], 0.22);  // trunk height, m (0.287 at the spawn)
  EXPECT_LT(data->qpos[2], 0.30);
  EXPECT_GT(Term(env, "teacher", "projected_gravity", 0)[2], -1.0001);
  EXPECT_LT(Term(env, "teacher", "projected_gravity", 0)[2], -0.99);  // upright within ~8 deg
  EXPECT_EQ(data->ncon, 4);                                           // the four feet, nothing else
}

TEST(QuadrupedEnvTest, GroupWidthsMatchConfig) {
  QuadrupedVecEnv env(StillConfig(2));
  // policy: ang vel 3 + gravity 3 + command 3 + joint pos 12 + joint vel 12 + last action 12
  // + gait phase 2
  EXPECT_EQ(env.GroupWidth("policy"), 47);
  // teacher: policy + lin vel 3 + contact forces 4 + foot heights 4 + friction 1 + mass 1 +
  // motor strength 12
  EXPECT_EQ(env.GroupWidth("teacher"), 72);
  EXPECT_EQ(env.GroupWidth("critic"), 72);  // defaults to teacher
  const GroupLayout& policy = env.Layout().Group("policy");
  EXPECT_EQ(policy.terms[3].name, "joint_pos");
  EXPECT_EQ(policy.terms[3].offset, 9);
  EXPECT_DOUBLE_EQ(policy.terms[4].scale, 0.05);
  EXPECT_DOUBLE_EQ(policy.terms[4].noise, 1.5);
  EXPECT_DOUBLE_EQ(env.Layout().Group("teacher").terms[4].noise, 0.0);  // never noised
  EXPECT_THROW(env.Observations("actor"), ConfigError);
}

TEST(QuadrupedEnvTest, TeacherBaseLinVelEqualsBodyFrameVelocityFromMujoco) {
  EnvConfig config = StillConfig(1);
  config.randomization.init_base_velocity = 0.5;
  config.randomization.init_random_yaw = true;
  QuadrupedVecEnv env(config);
  env.Reset();
  StepRandomly(&env, 5, 7);
  mjData* data = env.Env(0).data();
  mj_forward(env.Env(0).model(), data);  // frame quantities of the current state
  mjtNum velocity[6];                    // [angular; linear] in the body's own frame
  const int trunk = mj_name2id(env.Env(0).model(), mjOBJ_BODY, "trunk");
  mj_objectVelocity(env.Env(0).model(), data, mjOBJ_XBODY, trunk, velocity, 1);
  const auto lin_vel = Term(env, "teacher", "base_lin_vel", 0);
  const auto ang_vel = Term(env, "teacher", "base_ang_vel", 0);
  double speed = 0;
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(lin_vel[k], velocity[3 + k], 1e-5);
    EXPECT_NEAR(ang_vel[k], velocity[k], 1e-5);
    speed += velocity[3 + k] * velocity[3 + k];
  }
  EXPECT_GT(std::sqrt(speed), 0.01);  // the comparison is not between two zeros
}

// the accelerometer senses a - g: +g along the trunk's up axis when standing still, nothing in
// free fall, and a push's velocity change spread over the step it lands in
TEST(QuadrupedEnvTest, AccelerometerReadsGravityAtRestNothingInFreeFallAndThePush) {
  EnvConfig config = StillConfig(1);
  config.observations.noisy_groups.clear();
  for (auto& [name, terms] : config.observations.groups)  // as the students read it
    if (name == "policy") terms.push_back("base_lin_acc");
  QuadrupedVecEnv env(config);
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  for (int k = 0; k < 150; ++k) env.Step(zeros.data());  // settle for 3 s
  auto acc = Term(env, "policy", "base_lin_acc", 0);
  const auto up = Term(env, "policy", "projected_gravity", 0);  // unit, pointing down
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(acc[k], -kGravity * up[k], 0.02) << k;
  EXPECT_NEAR(acc[2], kGravity, 0.1);  // upright: nearly all of it on the body z axis

  // limp motors, joints at rest, lifted 1 m: every body falls alike for the 0.02 s step (2 mm),
  // no joint or contact force acts, and the accelerometer reads nothing
  EnvConfig limp = config;
  limp.robot.kp.assign(12, 0.0);
  limp.robot.kd.assign(12, 0.0);
  QuadrupedVecEnv falling(limp);
  falling.Reset();
  mjData* lifted = falling.Env(0).data();
  lifted->qpos[falling.Model().base_qpos + 2] += 1.0;
  falling.Step(zeros.data());
  acc = Term(falling, "policy", "base_lin_acc", 0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(acc[k], 0.0, 1e-3) << k;
  EXPECT_NEAR(lifted->qvel[falling.Model().base_dof + 2], -kGravity * 0.02, 1e-3);  // it fell

  // standing again; a push of 0.5 m/s along the world's x axis
  mjData* data = env.Env(0).data();
  const double before = data->qvel[env.Model().base_dof + 0];
  env.Env(0).Push(0.5, 0.0);
  env.Step(zeros.data());
  acc = Term(env, "policy", "base_lin_acc", 0);
  const double after = data->qvel[env.Model().base_dof + 0];
  // the yaw is 0 (StillConfig): body x is world x; the feet's grip already took some back
  EXPECT_NEAR(acc[0], (after - before) / env.Layout().control_dt, 0.5);
  EXPECT_GT(acc[0], 0.5 * 0.5 / env.Layout().control_dt);  // most of the 25 m/s^2 push
}

TEST(QuadrupedEnvTest, FootContactForcesSumToRobotWeightWhenStanding) {
  QuadrupedVecEnv env(StillConfig(1));
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  for (int k = 0; k < 150; ++k) env.Step(zeros.data());  // settle for 3 s
  const auto forces = Term(env, "teacher", "foot_contact_forces", 0);
  ASSERT_EQ(forces.size(), 4u);
  double total = 0;
  for (double f : forces) {
    EXPECT_GT(f, 15.0);  // each foot carries a share
    total += f;
  }
  // 5.204 + 4 x (0.68 + 1.009 + 0.195862) = 12.743448 kg -> 125.013 N
  const double weight = mj_getTotalmass(env.Env(0).model()) * kGravity;
  EXPECT_NEAR(weight, 125.0132, 0.001);
  EXPECT_NEAR(total, weight, 0.02 * weight);
}

TEST(QuadrupedEnvTest, PrivilegedTermsEqualSampledRandomization) {
  QuadrupedVecEnv env(ShippedEnvConfig(6));
  env.Reset();
  const double base_mass = env.Model().base_mass;
  for (int i = 0; i < env.NumEnvs(); ++i) {
    const QuadrupedEnv& e = env.Env(i);
    const double friction = Term(env, "teacher", "friction", i)[0];
    EXPECT_NEAR(friction, e.friction(), 1e-6);
    EXPECT_GE(friction, 0.2);
    EXPECT_LE(friction, 1.5);
    const int floor = mj_name2id(e.model(), mjOBJ_GEOM, "floor");
    EXPECT_DOUBLE_EQ(e.model()->geom_friction[3 * floor], e.friction());  // what MuJoCo uses
    const double added = Term(env, "teacher", "added_mass", i)[0];
    EXPECT_NEAR(added, e.added_mass(), 1e-6);
    const int trunk = mj_name2id(e.model(), mjOBJ_BODY, "trunk");
    EXPECT_NEAR(e.model()->body_mass[trunk], base_mass + e.added_mass(), 1e-12);
    const auto strength = Term(env, "teacher", "motor_strength", i);
    for (int j = 0; j < 12; ++j) EXPECT_NEAR(strength[j], e.motor_strength()[j], 1e-6);
  }
}

TEST(QuadrupedEnvTest, PdTorqueMatchesHandComputedValuesAndClips) {
  // 35 * (0.2 - 0.1) - 0.5 * 1.0 = 3.0
  EXPECT_NEAR(PdTorque(35.0, 0.5, 0.2, 0.1, 1.0, 23.7, 1.0), 3.0, 1e-12);
  EXPECT_NEAR(PdTorque(35.0, 0.5, 0.2, 0.1, 1.0, 23.7, 0.9), 2.7, 1e-12);
  EXPECT_DOUBLE_EQ(PdTorque(35.0, 0.5, 2.0, 0.0, 0.0, 23.7, 1.0), 23.7);  // 70 -> 23.7
  // -77 * 1.1 = -84.7, clipped to -1.1 * 35.55 = -39.105
  EXPECT_DOUBLE_EQ(PdTorque(35.0, 0.5, -2.0, 0.0, 0.0, 35.55, 1.1), -39.105);

  // in the env: a saturating action drives every motor to its limit, never past it
  QuadrupedVecEnv env(StillConfig(1));
  EXPECT_GE(SaturatedMotorsAfterAHardStep(&env, 1.0), 6);
}

TEST(QuadrupedEnvTest, MotorStrengthScalesTheTorqueLimit) {
  // strength 0.5: 0.5 * 35 * (2.0 - 0) = 35 saturates at exactly ±0.5 * 23.7 = ±11.85
  EXPECT_DOUBLE_EQ(PdTorque(35.0, 0.5, 2.0, 0.0, 0.0, 23.7, 0.5), 11.85);
  EXPECT_DOUBLE_EQ(PdTorque(35.0, 0.5, -2.0, 0.0, 0.0, 23.7, 0.5), -11.85);
  // unsaturated: 0.5 * (35 * (0.2 - 0.1) - 0.5 * 1.0) = 1.5
  EXPECT_NEAR(PdTorque(35.0, 0.5, 0.2, 0.1, 1.0, 23.7, 0.5), 1.5, 1e-12);
  // 0.5 * 35 * 0.6 = 10.5 < 11.85 stays unclipped
  EXPECT_NEAR(PdTorque(35.0, 0.0, 0.6, 0.0, 0.0, 23.7, 0.5), 10.5, 1e-12);

  // in the env, half-strength motors driven hard saturate at half their limit
  EnvConfig config = StillConfig(1);
  config.randomization.motor_strength[0] = config.randomization.motor_strength[1] = 0.5;
  QuadrupedVecEnv env(config);
  EXPECT_GE(SaturatedMotorsAfterAHardStep(&env, 0.5), 6);
}

TEST(QuadrupedEnvTest, FallTerminatesAndAutoResets) {
  QuadrupedVecEnv env(StillConfig(2));
  env.Reset();
  // turn env 0 upside down; env 1 keeps standing
  mjData* data = env.Env(0).data();
  data->qpos[2] = 0.4;
  data->qpos[3] = 0.0, data->qpos[4] = 1.0, data->qpos[5] = 0.0, data->qpos[6] = 0.0;
  const std::vector<float> zeros(2 * env.NumActions(), 0.0f);
  env.Step(zeros.data());
  EXPECT_EQ(env.Terminated()[0], 1.0f);
  EXPECT_EQ(env.Truncated()[0], 0.0f);
  EXPECT_EQ(env.Terminated()[1], 0.0f);
  ASSERT_EQ(env.FinishedEpisodes().size(), 1u);
  EXPECT_EQ(env.FinishedEpisodes()[0].env_id, 0);
  EXPECT_TRUE(env.FinishedEpisodes()[0].terminated);
  EXPECT_EQ(env.FinishedEpisodes()[0].length, 1);
  // the final observation saw it upside down; the new episode starts upright
  EXPECT_GT(Term(env, "teacher", "projected_gravity", 0, true)[2], 0.9);
  EXPECT_NEAR(Term(env, "teacher", "projected_gravity", 0)[2], -1.0, 1e-6);
  // back on its feet: the lowest foot on the floor
  const auto heights = Term(env, "teacher", "foot_heights", 0);
  EXPECT_NEAR(*std::min_element(heights.begin(), heights.end()), 0.0, 1e-6);
  env.Step(zeros.data());
  EXPECT_EQ(env.Terminated()[0], 0.0f);
}

TEST(QuadrupedEnvTest, TimeLimitTruncatesAndAutoResets) {
  EnvConfig config = StillConfig(1);
  config.termination.episode_length_s = 0.1;  // 5 policy steps
  QuadrupedVecEnv env(config);
  env.Reset();
  const std::vector<float> zeros(env.NumActions(), 0.0f);
  for (int episode = 0; episode < 2; ++episode) {
    for (int k = 0; k < 4; ++k) {
      env.Step(zeros.data());
      EXPECT_EQ(env.Truncated()[0], 0.0f);
      EXPECT_TRUE(env.FinishedEpisodes().empty());
    }
    env.Step(zeros.data());
    EXPECT_EQ(env.Truncated()[0], 1.0f);
    EXPECT_EQ(env.Terminated()[0], 0.0f);
    ASSERT_EQ(env.FinishedEpisodes().size(), 1u);
    EXPECT_FALSE(env.FinishedEpisodes()[0].terminated);
    EXPECT_EQ(env.FinishedEpisodes()[0].length, 5);
    EXPECT_EQ(env.FinishedEpisodes()[0].reward_terms.size(), env.RewardTermNames().size());
  }
}

// runs 200 noisy, randomized, pushed steps and returns every observation and reward
std::vector<float> Rollout(int threads) {
  QuadrupedVecEnv env(ShippedEnvConfig(8));
  env.SetNumThreads(threads);
  env.Reset();
  Rng rng(3);
  std::vector<float> actions(8 * env.NumActions()), trace;
  for (int k = 0; k < 200; ++k) {
    for (float& a : actions) a = static_cast<float>(rng.Uniform(-1.0, 1.0));
    env.Step(actions.data());
  }
  for (const char* group : {"policy", "teacher"}) {
    const float* obs = env.Observations(group);
    trace.insert(trace.end(), obs, obs + 8 * env.GroupWidth(group));
  }
  trace.insert(trace.end(), env.Rewards(), env.Rewards() + 8);
  return trace;
}

TEST(QuadrupedEnvTest, SameSeedGivesIdenticalObservationsWithOneAndTwoThreads) {
  const auto one = Rollout(1);
  const auto two = Rollout(2);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "index " << i;
}

TEST(QuadrupedEnvTest, DifferentEnvIdsAndResetsGetDifferentRandomization) {
  QuadrupedVecEnv env(ShippedEnvConfig(8));
  env.Reset();
  for (int i = 0; i < 8; ++i)
    for (int k = i + 1; k < 8; ++k) {
      EXPECT_NE(env.Env(i).friction(), env.Env(k).friction());
      EXPECT_NE(env.Env(i).added_mass(), env.Env(k).added_mass());
      EXPECT_NE(env.Env(i).motor_strength()[0], env.Env(k).motor_strength()[0]);
    }
  // a reset draws again (not once per env)
  const double before = env.Env(3).friction();
  env.Reset();
  EXPECT_NE(env.Env(3).friction(), before);
}

}  // namespace
}  // namespace tutor::testing
