#include "tools/app_config.h"

#include "envs/config_reader.h"
#include "envs/error.h"

namespace tutor {
namespace {

constexpr int kMaxBaseDepth = 8;

void ReadLayer(const ConfigReader& reader, AppConfig* config, int depth) {
  reader.ExpectKeys({"base", "env"});
  if (reader.Has("base")) {
    if (depth >= kMaxBaseDepth) reader.Fail("base", "at most 8 nested base files (a cycle?)");
    std::string base;
    reader.ReadPath("base", &base);
    ReadLayer(ConfigReader::FromFile(base), config, depth + 1);
  }
  ReadEnvConfig(reader.Child("env"), &config->env);
}

}  // namespace

AppConfig LoadAppConfig(const std::string& file, const std::vector<std::string>& overrides) {
  AppConfig config;
  config.source = file;
  ReadLayer(ConfigReader::FromFile(file), &config, 0);
  if (!overrides.empty()) ReadLayer(ConfigReader::FromOverrides(overrides), &config, 0);
  ValidateEnvConfig(config.env, file);
  return config;
}

std::string DefaultConfigPath(const std::string& name) {
  return std::string(TUTOR_SOURCE_DIR) + "/configs/" + name;
}

}  // namespace tutor
