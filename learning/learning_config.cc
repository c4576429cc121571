#include "learning/learning_config.h"

#include <limits>

#include "core/config_reader.h"
#include "core/error.h"

namespace tutor {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void ReadPolicySection(const ConfigReader& r, LearningConfig* c) {
  r.ExpectKeys({"actor_hidden", "critic_hidden", "activation", "init_std", "std_type",
                "actor_obs_normalization", "critic_obs_normalization", "actor_memory",
                "actor_memory_size", "actor_memory_layers"});
  r.Read("actor_hidden", &c->actor.hidden, 1, 1 << 16);
  // a recurrent actor (recurrent PPO; e.g. a distilled LSTM student fine-tuned on its return)
  r.ReadChoice("actor_memory", MemoryTypes(), &c->actor.memory);
  r.Read("actor_memory_size", &c->actor.memory_size, 1, 1 << 16);
  r.Read("actor_memory_layers", &c->actor.memory_layers, 1, 16);
  r.Read("critic_hidden", &c->critic.hidden, 1, 1 << 16);
  r.ReadChoice("activation", Activations(), &c->actor.activation);
  c->critic.activation = c->actor.activation;
  r.Read("init_std", &c->actor.init_std, 1e-6, 100.0);
  r.ReadChoice("std_type", StdTypes(), &c->actor.std_type);
  r.Read("actor_obs_normalization", &c->actor.obs_normalization);
  r.Read("critic_obs_normalization", &c->critic.obs_normalization);
}

void ReadPpo(const ConfigReader& r, PpoConfig* c) {
  r.ExpectKeys({"learning_rate", "num_learning_epochs", "num_mini_batches", "clip_param",
                "gamma", "lam", "value_loss_coef", "entropy_coef", "max_grad_norm",
                "use_clipped_value_loss", "normalize_advantages", "schedule", "desired_kl",
                "min_learning_rate", "max_learning_rate", "final_learning_rate",
                "lr_decay_iterations", "symmetry_augmentation", "symmetry_critic",
                "symmetry_loss_coef", "bc_teacher", "bc_coef", "bc_decay_iterations"});
  r.Read("learning_rate", &c->learning_rate, 1e-8, 1.0);
  r.Read("num_learning_epochs", &c->num_learning_epochs, 1, 1000);
  r.Read("num_mini_batches", &c->num_mini_batches, 1, 1 << 24);
  r.Read("clip_param", &c->clip_param, 1e-6, 1.0);
  r.Read("gamma", &c->gamma, 0.0, 1.0);
  r.Read("lam", &c->lam, 0.0, 1.0);
  r.Read("value_loss_coef", &c->value_loss_coef, 0.0, kInf);
  r.Read("entropy_coef", &c->entropy_coef, 0.0, kInf);
  r.Read("max_grad_norm", &c->max_grad_norm, 1e-9, kInf);
  r.Read("use_clipped_value_loss", &c->use_clipped_value_loss);
  r.Read("normalize_advantages", &c->normalize_advantages);
  r.ReadChoice("schedule", Schedules(), &c->schedule);
  r.Read("desired_kl", &c->desired_kl, 1e-9, kInf);
  r.Read("min_learning_rate", &c->min_learning_rate, 0.0, 1.0);
  r.Read("max_learning_rate", &c->max_learning_rate, 0.0, 1.0);
  r.Read("final_learning_rate", &c->final_learning_rate, 0.0, 1.0);
  r.Read("lr_decay_iterations", &c->lr_decay_iterations, 0, 1 << 30);
  r.Read("symmetry_augmentation", &c->symmetry_augmentation);
  r.Read("symmetry_critic", &c->symmetry_critic);
  r.Read("symmetry_loss_coef", &c->symmetry_loss_coef, 0.0, kInf);
  if (r.Has("bc_teacher")) r.ReadPath("bc_teacher", &c->bc_teacher);
  r.Read("bc_coef", &c->bc_coef, 0.0, kInf);
  r.Read("bc_decay_iterations", &c->bc_decay_iterations, 0, 1 << 30);
}

void ReadRunner(const ConfigReader& r, RunnerConfig* c) {
  for (const char* old : {"actor_group", "critic_group"})
    if (r.Has(old))
      r.Fail(old, "`observation_sets` instead (sets are named by role: "
                  "`{actor: teacher, critic: critic}` for train, `{student: policy}` for "
                  "distill)");
  r.ExpectKeys({"num_steps_per_env", "max_iterations", "save_interval", "log_dir",
                "observation_sets"});
  r.Read("num_steps_per_env", &c->num_steps_per_env, 1, 1 << 20);
  r.Read("max_iterations", &c->max_iterations, 0, 1 << 30);
  r.Read("save_interval", &c->save_interval, 0, 1 << 30);
  r.Read("log_dir", &c->log_dir);
  if (r.Has("observation_sets")) {
    const ConfigReader sets = r.Child("observation_sets");
    for (const auto& role : sets.Keys()) sets.Read(role, &c->observation_sets[role]);
  }
}

void ReadStudent(const ConfigReader& r, PolicyConfig* c) {
  r.ExpectKeys({"hidden", "activation", "memory", "memory_size", "memory_layers", "init_std",
                "std_type", "obs_normalization"});
  r.Read("hidden", &c->hidden, 1, 1 << 16);
  r.ReadChoice("activation", Activations(), &c->activation);
  r.ReadChoice("memory", MemoryTypes(), &c->memory);
  r.Read("memory_size", &c->memory_size, 1, 1 << 16);
  r.Read("memory_layers", &c->memory_layers, 1, 16);
  r.Read("init_std", &c->init_std, 1e-6, 100.0);
  r.ReadChoice("std_type", StdTypes(), &c->std_type);
  r.Read("obs_normalization", &c->obs_normalization);
}

void ReadDistillation(const ConfigReader& r, DistillationConfig* c) {
  r.ExpectKeys({"loss", "huber_delta", "kl_direction", "kl_temperature", "feature_teacher_layer",
                "feature_student_layer", "feature_coef", "num_learning_epochs", "gradient_length",
                "optimizer", "learning_rate", "final_learning_rate", "lr_decay_iterations",
                "max_grad_norm", "teacher_mix_start", "teacher_mix_iterations",
                "teacher_routing"});
  r.ReadChoice("loss", BcLosses(), &c->loss);
  r.Read("huber_delta", &c->huber_delta, 1e-9, kInf);
  r.ReadChoice("kl_direction", KlDirections(), &c->kl_direction);
  r.Read("kl_temperature", &c->kl_temperature, 1e-6, 1e6);
  r.Read("feature_teacher_layer", &c->feature_teacher_layer, -16, 16);
  r.Read("feature_student_layer", &c->feature_student_layer, -16, 16);
  r.Read("feature_coef", &c->feature_coef, 0.0, kInf);
  r.Read("num_learning_epochs", &c->num_learning_epochs, 1, 1000);
  r.Read("gradient_length", &c->gradient_length, 1, 1 << 20);
  r.ReadChoice("optimizer", OptimizerTypes(), &c->optimizer);
  r.Read("learning_rate", &c->learning_rate, 1e-9, 1.0);
  r.Read("final_learning_rate", &c->final_learning_rate, 1e-9, 1.0);
  r.Read("lr_decay_iterations", &c->lr_decay_iterations, 0, 1 << 30);
  r.Read("max_grad_norm", &c->max_grad_norm, 1e-9, kInf);
  r.Read("teacher_mix_start", &c->teacher_mix_start, 0.0, 1.0);
  r.Read("teacher_mix_iterations", &c->teacher_mix_iterations, 0, 1 << 30);
  r.ReadChoice("teacher_routing", TeacherRoutings(), &c->teacher_routing);
}

// `teachers:` a list of {checkpoint, terrain, command, envs}; replaces the list of layers below
void ReadTeachers(const ConfigReader& r, LearningConfig* config) {
  const YAML::Node list = r.node()["teachers"];
  if (!list.IsSequence() || list.size() == 0)
    r.Fail("teachers", "a non-empty list of {checkpoint: FILE, terrain/command/envs: rules}");
  config->teachers.clear();
  for (size_t i = 0; i < list.size(); ++i) {
    const ConfigReader entry(list[i], r.file(), r.KeyPath("teachers[" + std::to_string(i) + "]"));
    if (!list[i].IsMap()) r.Fail("teachers[" + std::to_string(i) + "]", "a mapping");
    entry.ExpectKeys({"checkpoint", "terrain", "command", "envs"});
    TeacherSource t;
    if (!entry.Has("checkpoint")) entry.Fail("checkpoint", "the teacher's checkpoint file");
    entry.ReadPath("checkpoint", &t.checkpoint);
    entry.Read("terrain", &t.domain.terrain);
    if (entry.Has("terrain") && t.domain.terrain.empty())
      entry.Fail("terrain", "a non-empty list of terrain types");
    if (entry.Has("command")) {
      const ConfigReader command = entry.Child("command");
      command.ExpectKeys({"lin_vel_x", "lin_vel_y", "ang_vel_yaw"});
      const char* axes[] = {"lin_vel_x", "lin_vel_y", "ang_vel_yaw"};
      for (int a = 0; a < 3; ++a) {
        if (!command.Has(axes[a])) continue;
        std::pair<double, double> range;
        command.ReadRange(axes[a], &range.first, &range.second);
        t.domain.command[a] = range;
      }
    }
    if (entry.Has("envs")) {
      entry.ReadRange("envs", &t.domain.envs_from, &t.domain.envs_to);
      if (t.domain.envs_from < 0 || t.domain.envs_to > 1 ||
          t.domain.envs_from >= t.domain.envs_to)
        entry.Fail("envs", "a [from, to) share of the env ids with 0 <= from < to <= 1");
    }
    config->teachers.push_back(t);
  }
}

// each stage: a student (layered over the top-level `student:`) and an iteration budget
void ReadStages(const ConfigReader& r, LearningConfig* config) {
  const YAML::Node list = r.node()["stages"];
  if (!list.IsSequence() || list.size() == 0) r.Fail("stages", "a non-empty list of stages");
  config->stages.clear();
  for (size_t i = 0; i < list.size(); ++i) {
    const ConfigReader stage(list[i], r.file(), r.KeyPath("stages[" + std::to_string(i) + "]"));
    stage.ExpectKeys({"student", "iterations"});
    DistillStage s;
    s.student = config->student;
    ReadStudent(stage.Child("student"), &s.student);
    if (!stage.Has("iterations")) stage.Fail("iterations", "a positive iteration count");
    stage.Read("iterations", &s.iterations, 1, 1 << 30);
    config->stages.push_back(s);
  }
}

}  // namespace

const ChoiceTable<Activation>& Activations() {
  static const ChoiceTable<Activation> table = {
      {"elu", Activation::kElu},         {"relu", Activation::kRelu},
      {"selu", Activation::kSelu},       {"tanh", Activation::kTanh},
      {"sigmoid", Activation::kSigmoid}, {"leaky_relu", Activation::kLeakyRelu},
      {"gelu", Activation::kGelu},       {"silu", Activation::kSilu}};
  return table;
}

const ChoiceTable<MemoryType>& MemoryTypes() {
  static const ChoiceTable<MemoryType> table = {
      {"none", MemoryType::kNone}, {"lstm", MemoryType::kLstm}, {"gru", MemoryType::kGru}};
  return table;
}

const ChoiceTable<StdType>& StdTypes() {
  static const ChoiceTable<StdType> table = {{"scalar", StdType::kScalar}, {"log", StdType::kLog}};
  return table;
}

const ChoiceTable<Schedule>& Schedules() {
  static const ChoiceTable<Schedule> table = {{"adaptive", Schedule::kAdaptive},
                                              {"fixed", Schedule::kFixed},
                                              {"linear", Schedule::kLinear}};
  return table;
}

const ChoiceTable<BcLoss>& BcLosses() {
  static const ChoiceTable<BcLoss> table = {{"mse", BcLoss::kMse},
                                            {"huber", BcLoss::kHuber},
                                            {"kl", BcLoss::kKl},
                                            {"feature", BcLoss::kFeature}};
  return table;
}

const ChoiceTable<KlDirection>& KlDirections() {
  static const ChoiceTable<KlDirection> table = {{"forward", KlDirection::kForward},
                                                 {"reverse", KlDirection::kReverse}};
  return table;
}

const ChoiceTable<OptimizerType>& OptimizerTypes() {
  static const ChoiceTable<OptimizerType> table = {{"adam", OptimizerType::kAdam},
                                                   {"adamw", OptimizerType::kAdamW},
                                                   {"sgd", OptimizerType::kSgd},
                                                   {"rmsprop", OptimizerType::kRmsProp}};
  return table;
}

const ChoiceTable<TeacherRouting>& TeacherRoutings() {
  static const ChoiceTable<TeacherRouting> table = {{"domain", TeacherRouting::kDomain},
                                                    {"ensemble", TeacherRouting::kEnsemble}};
  return table;
}

const std::vector<std::string>& LearningSections() {
  static const std::vector<std::string> sections = {
      "policy", "ppo", "runner", "teacher", "teachers", "student", "distillation", "stages"};
  return sections;
}

void ReadLearningConfig(const ConfigReader& layer, LearningConfig* config) {
  for (const auto& section : LearningSections())
    if (layer.Has(section)) config->sections.insert(section);
  if (layer.Has("policy")) ReadPolicySection(layer.Child("policy"), config);
  if (layer.Has("ppo")) ReadPpo(layer.Child("ppo"), &config->ppo);
  if (layer.Has("runner")) ReadRunner(layer.Child("runner"), &config->runner);
  // one teacher or several: the layer that names one replaces what the layers below set
  if (layer.Has("teacher") && layer.Has("teachers"))
    layer.Fail("teachers", "either `teacher:` (one checkpoint) or `teachers:` (a list), not both");
  if (layer.Has("teacher")) {
    layer.ReadPath("teacher", &config->teacher);
    config->teachers.clear();
  }
  if (layer.Has("teachers")) {
    ReadTeachers(layer, config);
    config->teacher.clear();
  }
  if (layer.Has("student")) ReadStudent(layer.Child("student"), &config->student);
  if (layer.Has("distillation"))
    ReadDistillation(layer.Child("distillation"), &config->distillation);
  if (layer.Has("stages")) ReadStages(layer, config);
}

void ValidateLearningConfig(const LearningConfig& c, const std::string& source, int num_envs) {
  if (c.ppo.min_learning_rate > c.ppo.max_learning_rate)
    throw ConfigError(source + ": ppo.min_learning_rate (" +
                      std::to_string(c.ppo.min_learning_rate) +
                      ") must not exceed ppo.max_learning_rate (" +
                      std::to_string(c.ppo.max_learning_rate) + ")");
  if (c.ppo.schedule == Schedule::kLinear && c.ppo.lr_decay_iterations < 1)
    throw ConfigError(source + ": ppo.lr_decay_iterations: the linear schedule needs the number "
                      "of updates it decays over (expected >= 1)");
  if (c.ppo.bc_coef > 0 && c.ppo.bc_teacher.empty())
    throw ConfigError(source + ": ppo.bc_coef: " + std::to_string(c.ppo.bc_coef) +
                      " needs the teacher it clones (ppo.bc_teacher: a checkpoint)");
  if (!c.ppo.bc_teacher.empty() && c.ppo.bc_coef <= 0)
    throw ConfigError(source + ": ppo.bc_teacher: " + c.ppo.bc_teacher +
                      " without a weight (expected ppo.bc_coef > 0)");
  if (c.distillation.teacher_routing == TeacherRouting::kEnsemble)
    for (size_t i = 0; i < c.teachers.size(); ++i)
      if (!c.teachers[i].domain.Empty())
        throw ConfigError(source + ": teachers[" + std::to_string(i) +
                          "]: a domain rule with distillation.teacher_routing: ensemble "
                          "(every teacher labels every sample; remove the rule or route by "
                          "domain)");
  const int64_t transitions = static_cast<int64_t>(num_envs) * c.runner.num_steps_per_env;
  if (c.ppo.num_mini_batches > transitions)
    throw ConfigError(source + ": ppo.num_mini_batches: " +
                      std::to_string(c.ppo.num_mini_batches) + " mini-batches from " +
                      std::to_string(transitions) +
                      " transitions per rollout (env.num_envs x runner.num_steps_per_env) "
                      "would leave some empty; expected at most " + std::to_string(transitions));
}

ObservationSets ResolveObservationSets(const ObservationSets& configured,
                                       const std::vector<std::string>& roles,
                                       const ObservationSets& defaults,
                                       const std::string& source) {
  std::string known;
  for (const auto& role : roles) known += (known.empty() ? "" : ", ") + role;
  ObservationSets sets = defaults;
  for (const auto& [role, group] : configured) {
    bool found = false;
    for (const auto& r : roles) found = found || r == role;
    if (!found)
      throw ConfigError(source + ": runner.observation_sets." + role + ": no such role here " +
                        "(expected " + known + ")");
    sets[role] = group;
  }
  return sets;
}

std::string SetGroup(const ObservationSets& sets, const std::string& role,
                     const std::string& algorithm) {
  auto it = sets.find(role);
  if (it != sets.end()) return it->second;
  std::string given;
  for (const auto& [r, g] : sets) given += (given.empty() ? "" : ", ") + r + ": " + g;
  throw ConfigError("runner.observation_sets: " + algorithm + " needs a '" + role +
                    "' set (given: " + (given.empty() ? "none" : given) + ")");
}

void RejectSections(const LearningConfig& config, const std::vector<std::string>& ignored,
                    const std::string& command, const std::string& source) {
  for (const auto& section : ignored)
    if (config.sections.count(section))
      throw ConfigError(source + ": " + section + ": `tutor " + command +
                        "` does not use this section (remove it, or use the command it is for)");
}

}  // namespace tutor
