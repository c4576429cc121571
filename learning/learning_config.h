#ifndef TUTOR_LEARNING_LEARNING_CONFIG_H_
#define TUTOR_LEARNING_LEARNING_CONFIG_H_

// The config of learning/: networks, PPO, distillation, the runner. Plain structs (no LibTorch
// here, so reading configs stays cheap to build); every string choice is an enum by the time
// it leaves the reader, so nothing compares strings while training.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/choice.h"

namespace tutor {

class ConfigReader;

enum class Activation { kElu, kRelu, kSelu, kTanh, kSigmoid, kLeakyRelu, kGelu, kSilu };
enum class MemoryType { kNone, kLstm, kGru };
enum class StdType { kScalar, kLog };  // std = parameter (must stay > 0) or exp(parameter)
// adaptive: from the KL each mini-batch (rsl_rl); fixed; linear: from learning_rate to
// final_learning_rate over lr_decay_iterations updates, then held
enum class Schedule { kAdaptive, kFixed, kLinear };
enum class BcLoss { kMse, kHuber, kKl, kFeature };
enum class KlDirection { kForward, kReverse };
enum class OptimizerType { kAdam, kAdamW, kSgd, kRmsProp };
// several teachers: each sample labelled by the teacher whose domain holds its env, or by all
enum class TeacherRouting { kDomain, kEnsemble };

const ChoiceTable<Activation>& Activations();
const ChoiceTable<MemoryType>& MemoryTypes();
const ChoiceTable<StdType>& StdTypes();
const ChoiceTable<Schedule>& Schedules();
const ChoiceTable<BcLoss>& BcLosses();
const ChoiceTable<KlDirection>& KlDirections();
const ChoiceTable<OptimizerType>& OptimizerTypes();
const ChoiceTable<TeacherRouting>& TeacherRoutings();

// A Gaussian policy network: normalizer -> optional LSTM/GRU -> MLP -> mean, with a std.
// The PPO actor, a distillation student and a (frozen) teacher are all this.
struct PolicyConfig {
  std::vector<int> hidden = {256, 128, 64};
  Activation activation = Activation::kElu;
  MemoryType memory = MemoryType::kNone;  // a recurrent policy
  int memory_size = 128;
  int memory_layers = 1;
  double init_std = 1.0;
  StdType std_type = StdType::kScalar;
  bool obs_normalization = true;
};

// the PPO critic: normalizer -> MLP -> one value
struct CriticConfig {
  std::vector<int> hidden = {512, 256, 128};
  Activation activation = Activation::kElu;
  bool obs_normalization = true;
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
  Schedule schedule = Schedule::kAdaptive;
  double desired_kl = 0.01;
  double min_learning_rate = 1e-5;
  double max_learning_rate = 1e-2;
  double final_learning_rate = 5e-4;  // linear schedule
  int lr_decay_iterations = 0;        // linear schedule: updates to reach the final rate
  // left-right symmetry (needs env.robot.mirror): every mini-batch also learns from its
  // mirror image (rsl_rl's data augmentation), and/or a loss pulls the actor's mean on a
  // mirrored observation towards the mirrored mean
  bool symmetry_augmentation = false;
  // with augmentation: false trains the critic on the rollout's own half only (the advantages
  // need values of the states visited, not of their mirror images), which halves its cost
  bool symmetry_critic = true;
  double symmetry_loss_coef = 0.0;
  // a behaviour-cloning term towards a frozen teacher (say, a student fine-tuned with PPO that
  // should keep its teacher's manners where its own return does not reach): bc_coef *
  // mean((actor mean - teacher action)^2) on every mini-batch, the teacher (a PPO checkpoint's
  // actor or a distillation checkpoint's student, on the group it was trained on) labelling
  // every visited state. The weight falls linearly to 0 over bc_decay_iterations updates
  // (0: held). The teacher is read from its file when the run starts or resumes.
  std::string bc_teacher;  // resolved against the config's folder
  double bc_coef = 0.0;
  int bc_decay_iterations = 0;
};

// Observation sets by role: which env group each network reads. PPO: `actor`, `critic`;
// distillation: `student`, `teacher` (the teacher's comes from its checkpoint; naming it in
// the config asserts it).
using ObservationSets = std::map<std::string, std::string>;

struct RunnerConfig {
  int num_steps_per_env = 24;
  int max_iterations = 1000;
  int save_interval = 50;
  std::string log_dir = "runs/teacher";
  ObservationSets observation_sets;  // role -> env group; defaults per algorithm
};

struct DistillationConfig {
  BcLoss loss = BcLoss::kMse;
  double huber_delta = 1.0;
  KlDirection kl_direction = KlDirection::kForward;  // forward: KL(teacher || student)
  double kl_temperature = 1.0;   // teacher std multiplier in the kl loss
  int feature_teacher_layer = -1;  // hidden layer of the teacher to match (-1: last)
  int feature_student_layer = -1;  // hidden layer of the student (-1: last)
  double feature_coef = 0.1;     // feature loss weight, added to the mse action loss
  int num_learning_epochs = 1;
  int gradient_length = 15;      // transitions whose losses are summed per optimizer step
  OptimizerType optimizer = OptimizerType::kAdam;
  double learning_rate = 1e-3;
  // linear decay of the rate to final_learning_rate over lr_decay_iterations updates, then
  // held (0: a constant rate)
  double final_learning_rate = 1e-4;
  int lr_decay_iterations = 0;
  double max_grad_norm = 1.0;
  // probability that the teacher's action drives an env step, linearly from `teacher_mix_start`
  // to 0 over `teacher_mix_iterations` iterations (0: the student always acts)
  double teacher_mix_start = 0.0;
  int teacher_mix_iterations = 0;
  // with `teachers:`: domain (each env's label from the first teacher whose domain holds it)
  // or ensemble (every sample from all: the mean action; for kl the product of the teachers'
  // Gaussians, a per-dimension weighted mean since each teacher's std is state-independent)
  TeacherRouting teacher_routing = TeacherRouting::kDomain;
};

// The envs one teacher of a `teachers:` list labels: every rule given must hold (a teacher
// with none labels whatever the teachers before it leave). Rules are read at every step, so an
// env that the curriculum moves to another terrain type at reset, or whose command is
// resampled, changes teacher then.
struct TeacherDomain {
  std::vector<std::string> terrain;  // terrain type names; empty: any
  // per command axis (lin_vel_x, lin_vel_y, ang_vel_yaw): [low, high]; absent: any
  std::map<int, std::pair<double, double>> command;
  double envs_from = 0.0, envs_to = 1.0;  // env ids i with from <= i / N < to
  bool Empty() const {
    return terrain.empty() && command.empty() && envs_from == 0.0 && envs_to == 1.0;
  }
};

struct TeacherSource {
  std::string checkpoint;  // resolved against the config's folder
  TeacherDomain domain;
};

// one stage of a progressive chain: this student's architecture and iteration budget
struct DistillStage {
  PolicyConfig student;
  int iterations = 0;
};

// every learning section of a config file (`policy`, `ppo`, `runner`, `teacher`, `teachers`,
// `student`, `distillation`, `stages`), and which of them the layers named
struct LearningConfig {
  PolicyConfig actor{{512, 256, 128}};  // PPO `policy:` section (actor_* keys)
  CriticConfig critic;                  // PPO `policy:` section (critic_* keys)
  PpoConfig ppo;
  RunnerConfig runner;
  std::string teacher;  // teacher checkpoint, resolved against the config's folder
  std::vector<TeacherSource> teachers;  // several teachers (exclusive with `teacher`)
  PolicyConfig student{{256, 128, 64}, Activation::kElu, MemoryType::kNone, 128, 1, 0.1};
  DistillationConfig distillation;
  std::vector<DistillStage> stages;  // a progressive chain; empty: one stage
  std::set<std::string> sections;    // the top-level learning keys any layer named
};

// the top-level keys ReadLearningConfig reads
const std::vector<std::string>& LearningSections();
// reads the learning sections of one config layer (absent keys keep their values)
void ReadLearningConfig(const ConfigReader& layer, LearningConfig* config);
// cross-field checks once every layer is read (ConfigError naming `source` and the key);
// `num_envs` sizes the rollout that mini-batches divide
void ValidateLearningConfig(const LearningConfig& config, const std::string& source,
                            int num_envs);

// The sets of one algorithm: `roles` are the ones it has, `defaults` fill those the config
// leaves out. ConfigError naming `source` for a role it does not have.
ObservationSets ResolveObservationSets(const ObservationSets& configured,
                                       const std::vector<std::string>& roles,
                                       const ObservationSets& defaults,
                                       const std::string& source);

// the group `role` reads in `sets`; ConfigError naming the algorithm and the sets given
std::string SetGroup(const ObservationSets& sets, const std::string& role,
                     const std::string& algorithm);

// the sections a command ignores are errors: `tutor train` with a `distillation:` section, or
// `tutor distill` with a `ppo:` one (ConfigError naming `source` and the section)
void RejectSections(const LearningConfig& config, const std::vector<std::string>& ignored,
                    const std::string& command, const std::string& source);

}  // namespace tutor

#endif  // TUTOR_LEARNING_LEARNING_CONFIG_H_
