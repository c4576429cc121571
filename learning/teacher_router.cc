#include "learning/teacher_router.h"

#include <cstdio>

#include "core/error.h"

namespace tutor {

TeacherRouter::TeacherRouter(std::vector<TeacherDomain> domains, const VecEnv& env,
                             const std::string& source, int first_env, int total_envs)
    : domains_(std::move(domains)),
      terrain_names_(env.TerrainTypeNames()),
      source_(source),
      first_env_(first_env),
      total_envs_(total_envs > 0 ? total_envs : env.NumEnvs()) {
  std::string known;
  for (const auto& name : terrain_names_) known += (known.empty() ? "" : ", ") + name;
  for (size_t k = 0; k < domains_.size(); ++k) {
    const std::string key = source + ": teachers[" + std::to_string(k) + "].terrain: ";
    std::vector<char> ok;
    if (!domains_[k].terrain.empty()) {
      if (terrain_names_.empty())
        throw ConfigError(key + "a terrain rule, but the env has no terrain (env.terrain.types)");
      ok.assign(terrain_names_.size(), 0);
      for (const auto& name : domains_[k].terrain) {
        size_t index = 0;
        while (index < terrain_names_.size() && terrain_names_[index] != name) ++index;
        if (index == terrain_names_.size())
          throw ConfigError(key + "unknown terrain type '" + name + "' (expected one of " + known +
                            ")");
        ok[index] = 1;
      }
    }
    terrain_ok_.push_back(ok);
  }
}

int TeacherRouter::TeacherOf(const VecEnv& env, int i) const {
  const double share = static_cast<double>(first_env_ + i) / total_envs_;
  for (size_t k = 0; k < domains_.size(); ++k) {
    const TeacherDomain& d = domains_[k];
    if (share < d.envs_from || share >= d.envs_to) continue;
    if (!terrain_ok_[k].empty()) {
      const int type = env.TerrainTypeOf(i);
      if (type < 0 || type >= static_cast<int>(terrain_ok_[k].size()) || !terrain_ok_[k][type])
        continue;
    }
    bool command_ok = true;
    if (!d.command.empty()) {
      const auto command = env.CommandOf(i);
      for (const auto& [axis, range] : d.command)
        command_ok = command_ok && command[axis] >= range.first && command[axis] <= range.second;
    }
    if (command_ok) return static_cast<int>(k);
  }
  return -1;
}

std::vector<int64_t> TeacherRouter::Route(const VecEnv& env) const {
  std::vector<int64_t> teacher(env.NumEnvs());
  for (int i = 0; i < env.NumEnvs(); ++i) {
    teacher[i] = TeacherOf(env, i);
    if (teacher[i] < 0)
      throw ConfigError(source_ + ": teachers: env " + std::to_string(i) + " (" +
                        DescribeEnv(env, i) +
                        ") is in no teacher's domain; give the last teacher no rule, so it "
                        "labels what the others leave");
  }
  return teacher;
}

std::string TeacherRouter::DescribeEnv(const VecEnv& env, int i) const {
  const int type = env.TerrainTypeOf(i);
  const auto c = env.CommandOf(i);
  char text[160];
  std::snprintf(text, sizeof(text), "terrain %s, command (%.2f, %.2f, %.2f)",
                type >= 0 && type < static_cast<int>(terrain_names_.size())
                    ? terrain_names_[type].c_str()
                    : "none",
                c[0], c[1], c[2]);
  return text;
}

}  // namespace tutor
