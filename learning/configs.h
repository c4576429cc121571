#ifndef TUTOR_LEARNING_CONFIGS_H_
#define TUTOR_LEARNING_CONFIGS_H_

// Plain config structs of learning/ (no LibTorch here, so config reading stays cheap to build).

#include <string>
#include <vector>

namespace tutor {

struct ActorCriticConfig {
  std::vector<int> actor_hidden = {512, 256, 128};
  std::vector<int> critic_hidden = {512, 256, 128};
  std::string activation = "elu";
  double init_std = 1.0;
  std::string std_type = "scalar";  // "scalar": std is the parameter; "log": exp(parameter)
  bool actor_obs_normalization = true;
  bool critic_obs_normalization = true;
};

struct PpoConfig {
  double learning_rate = 1e-3;
  int num_learning_epochs = 5;
  int num_mini_batches = 4;
  double clip_param = 0.2;
  double gamma = 0.99;
  double lam = 0.95;
  double value_loss_coef = 1.0;
  double entropy_coef = 0.01;
  double max_grad_norm = 1.0;
  bool use_clipped_value_loss = true;
  bool normalize_advantages = true;
  std::string schedule = "adaptive";  // or "fixed"
  double desired_kl = 0.01;
  double min_learning_rate = 1e-5;
  double max_learning_rate = 1e-2;
};

struct RunnerConfig {
  int num_steps_per_env = 24;
  int max_iterations = 1000;
  int save_interval = 50;
  std::string log_dir = "runs/teacher";
  std::string actor_group = "teacher";  // observation set of the actor (or the student)
  std::string critic_group = "critic";  // observation set of the critic (or the teacher)
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_CONFIGS_H_
