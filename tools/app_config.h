#ifndef TUTOR_TOOLS_APP_CONFIG_H_
#define TUTOR_TOOLS_APP_CONFIG_H_

#include <string>
#include <vector>

#include "envs/env_config.h"
#include "learning/learning_config.h"

namespace tutor {

// A whole tutor config: the env plus the learning sections, each read by its own layer; this
// file only layers them. Files are layered: `base: other.yaml` is read first, then the file,
// then --set overrides; each layer writes only the keys it names.
struct AppConfig {
  std::string source;    // the file the user named
  std::string resolved;  // every layer merged, as YAML (saved beside checkpoints and inside them)
  EnvConfig env;            // read by envs/ (ReadEnvConfig)
  LearningConfig learning;  // read by learning/ (ReadLearningConfig)
};

AppConfig LoadAppConfig(const std::string& file, const std::vector<std::string>& overrides);
// a config stored as resolved YAML text (inside a checkpoint), with overrides on top
AppConfig LoadAppConfigText(const std::string& text, const std::string& name,
                            const std::vector<std::string>& overrides);

// the repo's configs/ folder (compile-time), for default config paths
std::string DefaultConfigPath(const std::string& name);

}  // namespace tutor

#endif  // TUTOR_TOOLS_APP_CONFIG_H_
