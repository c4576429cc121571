#ifndef TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_
#define TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config_reader.h"
#include "envs/env_config.h"
#include "envs/quadruped_vec_env.h"
#include "envs/rng.h"

namespace tutor::testing {

inline std::string ShippedEnvConfigPath() {
  return std::string(TUTOR_SOURCE_DIR) + "/configs/go1_env.yaml";
}

// the shipped Go1 env config with `num_envs` envs
inline EnvConfig ShippedEnvConfig(int num_envs) {
  EnvConfig config;
  ReadEnvConfig(ConfigReader::FromFile(ShippedEnvConfigPath()).Child("env"), &config);
  config.num_envs = num_envs;
  return config;
}

// the shipped env with every random draw pinned, so a robot stands still at its default pose
inline EnvConfig StillConfig(int num_envs) {
  EnvConfig config = ShippedEnvConfig(num_envs);
  RandomizationConfig& r = config.randomization;
  r.friction[0] = r.friction[1] = 0.8;
  r.added_mass[0] = r.added_mass[1] = 0.0;
  r.motor_strength[0] = r.motor_strength[1] = 1.0;
  r.kp_factor[0] = r.kp_factor[1] = 1.0;
  r.kd_factor[0] = r.kd_factor[1] = 1.0;
  r.action_latency[0] = r.action_latency[1] = 0.0;
  r.push_velocity[0] = r.push_velocity[1] = 0.0;
  r.init_joint_pos = 0.0;
  r.init_base_velocity = 0.0;
  r.init_random_yaw = false;
  config.termination.randomize_start = false;
  return config;
}

// the values of one term in env i's row of a group, unscaled
inline std::vector<double> Term(const QuadrupedVecEnv& env, const std::string& group,
                                const std::string& term, int i, bool final_obs = false) {
  const GroupLayout& layout = env.Layout().Group(group);
  const float* row = (final_obs ? env.FinalObservations(group) : env.Observations(group)) +
                     static_cast<size_t>(i) * layout.width;
  for (const auto& t : layout.terms)
    if (t.name == term) {
      std::vector<double> values;
      for (int k = 0; k < t.width; ++k) values.push_back(row[t.offset + k] / t.scale);
      return values;
    }
  ADD_FAILURE() << "no term " << term << " in group " << group;
  return {};
}

// `steps` steps of uniform random actions in ±0.5 drawn from RNG stream `seed`; the episode
// must not end meanwhile
inline void StepRandomly(QuadrupedVecEnv* env, int steps, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> actions(static_cast<size_t>(env->NumEnvs()) * env->NumActions());
  for (int k = 0; k < steps; ++k) {
    for (float& a : actions) a = static_cast<float>(rng.Uniform(-0.5, 0.5));
    env->Step(actions.data());
    ASSERT_EQ(env->Terminated()[0] + env->Truncated()[0], 0.0f) << "episode ended at step " << k;
  }
}

// one step of env 0 with every action at +5 (2.5 rad past the default pose): checks that no
// motor exceeds `strength` x its torque limit and returns how many sit exactly at it
inline int SaturatedMotorsAfterAHardStep(QuadrupedVecEnv* env, double strength) {
  env->Reset();
  std::vector<float> actions(env->NumActions(), 5.0f);
  env->Step(actions.data());
  const auto& torques = env->Env(0).torques();
  const auto& limits = env->Layout().torque_limits;
  int saturated = 0;
  for (int j = 0; j < env->NumActions(); ++j) {
    EXPECT_LE(std::abs(torques[j]), strength * limits[j]);
    saturated += std::abs(torques[j]) == strength * limits[j];
    // what MuJoCo applied in the last substep: the env's PD force or the actuators' (one of
    // them is zero)
    const mjData* data = env->Env(0).data();
    const int dof = env->Model().joint_dof[j];
    EXPECT_EQ(data->qfrc_applied[dof] + data->qfrc_actuator[dof], torques[j]);
  }
  return saturated;
}

}  // namespace tutor::testing

#endif  // TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_
