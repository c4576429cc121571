#ifndef TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_
#define TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_

#include <string>

#include "envs/config_reader.h"
#include "envs/env_config.h"

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

}  // namespace tutor::testing

#endif  // TUTOR_TESTS_ENVS_ENV_TEST_UTIL_H_
