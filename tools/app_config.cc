#include "tools/app_config.h"

#include <filesystem>
#include <limits>

#include "envs/config_reader.h"
#include "envs/error.h"

namespace tutor {
namespace {

constexpr int kMaxBaseDepth = 8;
constexpr double kInf = std::numeric_limits<double>::infinity();

void ReadPolicy(const ConfigReader& r, ActorCriticConfig* c) {
  r.ExpectKeys({"actor_hidden", "critic_hidden", "activation", "init_std", "std_type",
                "actor_obs_normalization", "critic_obs_normalization"});
  r.Read("actor_hidden", &c->actor_hidden, 1, 1 << 16);
  r.Read("critic_hidden", &c->critic_hidden, 1, 1 << 16);
  r.Read("activation", &c->activation);
  r.Read("init_std", &c->init_std, 1e-6, 100.0);
  r.Read("std_type", &c->std_type);
  if (c->std_type != "scalar" && c->std_type != "log") r.Fail("std_type", "'scalar' or 'log'");
  r.Read("actor_obs_normalization", &c->actor_obs_normalization);
  r.Read("critic_obs_normalization", &c->critic_obs_normalization);
}

void ReadPpo(const ConfigReader& r, PpoConfig* c) {
  r.ExpectKeys({"learning_rate", "num_learning_epochs", "num_mini_batches", "clip_param",
                "gamma", "lam", "value_loss_coef", "entropy_coef", "max_grad_norm",
                "use_clipped_value_loss", "normalize_advantages", "schedule", "desired_kl",
                "min_learning_rate", "max_learning_rate"});
  r.Read("learning_rate", &c->learning_rate, 1e-8, 1.0);
  r.Read("num_learning_epochs", &c->num_learning_epochs, 1, 1000);
  r.Read("num_mini_batches", &c->num_mini_batches, 1, 1 << 16);
  r.Read("clip_param", &c->clip_param, 1e-6, 1.0);
  r.Read("gamma", &c->gamma, 0.0, 1.0);
  r.Read("lam", &c->lam, 0.0, 1.0);
  r.Read("value_loss_coef", &c->value_loss_coef, 0.0, kInf);
  r.Read("entropy_coef", &c->entropy_coef, 0.0, kInf);
  r.Read("max_grad_norm", &c->max_grad_norm, 1e-9, kInf);
  r.Read("use_clipped_value_loss", &c->use_clipped_value_loss);
  r.Read("normalize_advantages", &c->normalize_advantages);
  r.Read("schedule", &c->schedule);
  if (c->schedule != "adaptive" && c->schedule != "fixed") r.Fail("schedule", "'adaptive' or 'fixed'");
  r.Read("desired_kl", &c->desired_kl, 1e-9, kInf);
  r.Read("min_learning_rate", &c->min_learning_rate, 0.0, 1.0);
  r.Read("max_learning_rate", &c->max_learning_rate, 0.0, 1.0);
}

void ReadRunner(const ConfigReader& r, RunnerConfig* c) {
  r.ExpectKeys({"num_steps_per_env", "max_iterations", "save_interval", "log_dir",
                "actor_group", "critic_group"});
  r.Read("num_steps_per_env", &c->num_steps_per_env, 1, 1 << 20);
  r.Read("max_iterations", &c->max_iterations, 0, 1 << 30);
  r.Read("save_interval", &c->save_interval, 0, 1 << 30);
  r.Read("log_dir", &c->log_dir);
  r.Read("actor_group", &c->actor_group);
  r.Read("critic_group", &c->critic_group);
}

void ReadStudent(const ConfigReader& r, StudentConfig* c) {
  r.ExpectKeys({"hidden", "activation", "memory", "memory_size", "memory_layers", "init_std",
                "obs_normalization"});
  r.Read("hidden", &c->hidden, 1, 1 << 16);
  r.Read("activation", &c->activation);
  r.Read("memory", &c->memory);
  if (c->memory != "none" && c->memory != "lstm" && c->memory != "gru")
    r.Fail("memory", "'none', 'lstm' or 'gru'");
  r.Read("memory_size", &c->memory_size, 1, 1 << 16);
  r.Read("memory_layers", &c->memory_layers, 1, 16);
  r.Read("init_std", &c->init_std, 1e-6, 100.0);
  r.Read("obs_normalization", &c->obs_normalization);
}

void ReadDistillation(const ConfigReader& r, DistillationConfig* c) {
  r.ExpectKeys({"loss", "huber_delta", "kl_direction", "kl_temperature", "feature_teacher_layer",
                "feature_student_layer", "feature_coef", "num_learning_epochs", "gradient_length",
                "optimizer", "learning_rate", "max_grad_norm", "teacher_mix_start",
                "teacher_mix_iterations"});
  r.Read("loss", &c->loss);
  if (c->loss != "mse" && c->loss != "huber" && c->loss != "kl" && c->loss != "feature")
    r.Fail("loss", "mse, huber, kl or feature");
  r.Read("huber_delta", &c->huber_delta, 1e-9, kInf);
  r.Read("kl_direction", &c->kl_direction);
  if (c->kl_direction != "forward" && c->kl_direction != "reverse")
    r.Fail("kl_direction", "'forward' or 'reverse'");
  r.Read("kl_temperature", &c->kl_temperature, 1e-6, 1e6);
  r.Read("feature_teacher_layer", &c->feature_teacher_layer, -16, 16);
  r.Read("feature_student_layer", &c->feature_student_layer, -16, 16);
  r.Read("feature_coef", &c->feature_coef, 0.0, kInf);
  r.Read("num_learning_epochs", &c->num_learning_epochs, 1, 1000);
  r.Read("gradient_length", &c->gradient_length, 1, 1 << 20);
  r.Read("optimizer", &c->optimizer);
  if (c->optimizer != "adam" && c->optimizer != "adamw" && c->optimizer != "sgd" &&
      c->optimizer != "rmsprop")
    r.Fail("optimizer", "adam, adamw, sgd or rmsprop");
  r.Read("learning_rate", &c->learning_rate, 1e-9, 1.0);
  r.Read("max_grad_norm", &c->max_grad_norm, 1e-9, kInf);
  r.Read("teacher_mix_start", &c->teacher_mix_start, 0.0, 1.0);
  r.Read("teacher_mix_iterations", &c->teacher_mix_iterations, 0, 1 << 30);
}

// each stage: a student (layered over the top-level `student:`) and an iteration budget
void ReadStages(const ConfigReader& r, AppConfig* config) {
  if (!r.Has("stages")) return;
  const YAML::Node list = r.node()["stages"];
  if (!list.IsSequence() || list.size() == 0) r.Fail("stages", "a non-empty list of stages");
  config->stages.clear();
  for (size_t i = 0; i < list.size(); ++i) {
    const ConfigReader stage(list[i], r.file(), r.KeyPath("stages[" + std::to_string(i) + "]"));
    stage.ExpectKeys({"student", "iterations"});
    DistillStage s;
    s.student = config->student;
    ReadStudent(stage.Child("student"), &s.student);
    stage.Read("iterations", &s.iterations, 1, 1 << 30);
    if (!stage.Has("iterations")) stage.Fail("iterations", "a positive iteration count");
    config->stages.push_back(s);
  }
}

// maps merge key by key; anything else replaces
void Merge(YAML::Node target, const YAML::Node& layer) {
  for (const auto& kv : layer) {
    const std::string key = kv.first.as<std::string>();
    if (key == "base") continue;
    if (kv.second.IsMap() && target[key].IsMap()) Merge(target[key], kv.second);
    else target[key] = YAML::Clone(kv.second);
  }
}

void ReadLayer(const ConfigReader& reader, AppConfig* config, YAML::Node merged, int depth) {
  reader.ExpectKeys({"base", "env", "policy", "ppo", "runner", "teacher", "student",
                     "distillation", "stages"});
  if (reader.Has("base")) {
    if (depth >= kMaxBaseDepth) reader.Fail("base", "at most 8 nested base files (a cycle?)");
    std::string base;
    reader.ReadPath("base", &base);
    ReadLayer(ConfigReader::FromFile(base), config, merged, depth + 1);
  }
  ReadEnvConfig(reader.Child("env"), &config->env);
  ReadPolicy(reader.Child("policy"), &config->policy);
  ReadPpo(reader.Child("ppo"), &config->ppo);
  ReadRunner(reader.Child("runner"), &config->runner);
  reader.ReadPath("teacher", &config->teacher);
  ReadStudent(reader.Child("student"), &config->student);
  ReadDistillation(reader.Child("distillation"), &config->distillation);
  ReadStages(reader, config);
  Merge(merged, reader.node());
}

AppConfig Finish(AppConfig config, YAML::Node merged, const std::vector<std::string>& overrides) {
  if (!overrides.empty())
    ReadLayer(ConfigReader::FromOverrides(overrides), &config, merged, 0);
  ValidateEnvConfig(config.env, config.source);
  // the resolved text must stand alone: paths become absolute
  config.env.robot.mjcf = std::filesystem::absolute(config.env.robot.mjcf).lexically_normal();
  merged["env"]["robot"]["mjcf"] = config.env.robot.mjcf;
  if (!config.teacher.empty()) merged["teacher"] = config.teacher;
  YAML::Emitter out;
  out << merged;
  config.resolved = out.c_str();
  return config;
}

}  // namespace

AppConfig LoadAppConfig(const std::string& file, const std::vector<std::string>& overrides) {
  AppConfig config;
  config.source = file;
  YAML::Node merged(YAML::NodeType::Map);
  ReadLayer(ConfigReader::FromFile(file), &config, merged, 0);
  return Finish(config, merged, overrides);
}

AppConfig LoadAppConfigText(const std::string& text, const std::string& name,
                            const std::vector<std::string>& overrides) {
  AppConfig config;
  config.source = name;
  YAML::Node merged(YAML::NodeType::Map);
  ReadLayer(ConfigReader::FromString(text, name), &config, merged, 0);
  // a checkpoint made in another checkout stores that checkout's absolute model path: models
  // shipped in the repo are found again in this one
  std::string& mjcf = config.env.robot.mjcf;
  const auto models = mjcf.rfind("/models/");
  if (!std::filesystem::exists(mjcf) && models != std::string::npos) {
    const std::string local = std::string(TUTOR_SOURCE_DIR) + mjcf.substr(models);
    if (std::filesystem::exists(local)) mjcf = local;
  }
  return Finish(config, merged, overrides);
}

std::string DefaultConfigPath(const std::string& name) {
  return std::string(TUTOR_SOURCE_DIR) + "/configs/" + name;
}

}  // namespace tutor
