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
  reader.ExpectKeys({"base", "env", "policy", "ppo", "runner"});
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
  Merge(merged, reader.node());
}

AppConfig Finish(AppConfig config, YAML::Node merged, const std::vector<std::string>& overrides) {
  if (!overrides.empty())
    ReadLayer(ConfigReader::FromOverrides(overrides), &config, merged, 0);
  ValidateEnvConfig(config.env, config.source);
  // the resolved text must stand alone: paths become absolute
  config.env.robot.mjcf = std::filesystem::absolute(config.env.robot.mjcf).lexically_normal();
  merged["env"]["robot"]["mjcf"] = config.env.robot.mjcf;
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
  return Finish(config, merged, overrides);
}

std::string DefaultConfigPath(const std::string& name) {
  return std::string(TUTOR_SOURCE_DIR) + "/configs/" + name;
}

}  // namespace tutor
