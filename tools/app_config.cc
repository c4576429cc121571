#include "tools/app_config.h"

#include <filesystem>

#include "core/config_reader.h"
#include "core/error.h"

namespace tutor {
namespace {

constexpr int kMaxBaseDepth = 8;

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
  reader.ExpectKeys({"base", "env", "policy", "ppo", "runner", "teacher", "teachers",
                     "student", "distillation", "stages"});
  if (reader.Has("base")) {
    if (depth >= kMaxBaseDepth) reader.Fail("base", "at most 8 nested base files (a cycle?)");
    std::string base;
    reader.ReadPath("base", &base);
    ReadLayer(ConfigReader::FromFile(base), config, merged, depth + 1);
  }
  ReadEnvConfig(reader.Child("env"), &config->env);
  ReadLearningConfig(reader, &config->learning);
  Merge(merged, reader.node());
}

AppConfig Finish(AppConfig config, YAML::Node merged, const std::vector<std::string>& overrides) {
  if (!overrides.empty())
    ReadLayer(ConfigReader::FromOverrides(overrides), &config, merged, 0);
  ValidateEnvConfig(config.env, config.source);
  // the resolved text must stand alone: paths become absolute
  config.env.robot.mjcf = std::filesystem::absolute(config.env.robot.mjcf).lexically_normal();
  merged["env"]["robot"]["mjcf"] = config.env.robot.mjcf;
  // one of `teacher` / `teachers` survives the layering (the layer that named it last)
  if (!config.learning.teacher.empty()) {
    merged["teacher"] = config.learning.teacher;
    merged.remove("teachers");
  }
  if (!config.learning.teachers.empty()) {
    merged.remove("teacher");
    for (size_t i = 0; i < config.learning.teachers.size(); ++i)
      merged["teachers"][i]["checkpoint"] = config.learning.teachers[i].checkpoint;
  }
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
  config = Finish(config, merged, overrides);
  ValidateLearningConfig(config.learning, config.source, config.env.num_envs);
  return config;
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
