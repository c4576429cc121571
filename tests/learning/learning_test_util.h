#ifndef TUTOR_TESTS_LEARNING_LEARNING_TEST_UTIL_H_
#define TUTOR_TESTS_LEARNING_LEARNING_TEST_UTIL_H_

#include <string>
#include <vector>

#include "core/config_reader.h"
#include "core/error.h"
#include "learning/actor_critic.h"
#include "learning/learning_config.h"

namespace tutor::testing {

// the point mass's sets: actor/student read `policy`, critic/teacher read `critic`
inline ObservationSets PpoSets() { return {{"actor", "policy"}, {"critic", "critic"}}; }
inline ObservationSets DistillSets() { return {{"student", "policy"}, {"teacher", "critic"}}; }

inline PolicyConfig NetConfig(std::vector<int> hidden, double init_std,
                              MemoryType memory = MemoryType::kNone,
                              Activation activation = Activation::kElu) {
  PolicyConfig config;
  config.hidden = std::move(hidden);
  config.init_std = init_std;
  config.memory = memory;
  config.memory_size = 8;
  config.activation = activation;
  return config;
}

// an actor-critic on the point mass (2 observations, 1 action)
inline ActorCritic PointMassActorCritic(std::vector<int> actor_hidden,
                                        std::vector<int> critic_hidden, double init_std,
                                        Activation activation = Activation::kElu,
                                        bool normalize = true) {
  PolicyConfig actor = NetConfig(std::move(actor_hidden), init_std, MemoryType::kNone, activation);
  actor.obs_normalization = normalize;
  CriticConfig critic;
  critic.hidden = std::move(critic_hidden);
  critic.activation = activation;
  critic.obs_normalization = normalize;
  return ActorCritic(PolicySpec{2, 1, actor}, ValueSpec{2, critic});
}

// the learning sections of one YAML text, read as the file "test.yaml"
inline LearningConfig ReadLearningText(const std::string& yaml) {
  LearningConfig config;
  ReadLearningConfig(ConfigReader::FromString(yaml, "test.yaml"), &config);
  return config;
}

// the message of the ConfigError `fn` throws ("" when it throws none)
template <typename Fn>
std::string ConfigErrorOf(Fn fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace tutor::testing

#endif  // TUTOR_TESTS_LEARNING_LEARNING_TEST_UTIL_H_
