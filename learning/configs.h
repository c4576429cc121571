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

// the student of a distillation (and, for a later stage, that stage's teacher)
struct StudentConfig {
  std::vector<int> hidden = {256, 128, 64};
  std::string activation = "elu";
  std::string memory = "none";  // "none", "lstm" or "gru": a recurrent student
  int memory_size = 128;
  int memory_layers = 1;
  double init_std = 0.1;        // exploration noise of the acting student
  bool obs_normalization = true;
};

struct DistillationConfig {
  std::string loss = "mse";      // mse, huber, kl, feature
  double huber_delta = 1.0;
  std::string kl_direction = "forward";  // forward: KL(teacher || student); reverse
  double kl_temperature = 1.0;   // teacher std multiplier in the kl loss
  int feature_teacher_layer = -1;  // hidden layer of the teacher to match (-1: last)
  int feature_student_layer = -1;  // hidden layer of the student (-1: last)
  double feature_coef = 0.1;     // feature loss weight, added to the mse action loss
  int num_learning_epochs = 1;
  int gradient_length = 15;      // transitions whose losses are summed per optimizer step
  std::string optimizer = "adam";  // adam, adamw, sgd, rmsprop
  double learning_rate = 1e-3;
  double max_grad_norm = 1.0;
  // probability that the teacher's action drives an env step, linearly from `teacher_mix_start`
  // to 0 over `teacher_mix_iterations` iterations (0: the student always acts)
  double teacher_mix_start = 0.0;
  int teacher_mix_iterations = 0;
};

// one stage of a progressive chain: this student's architecture and iteration budget
struct DistillStage {
  StudentConfig student;
  int iterations = 0;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_CONFIGS_H_
