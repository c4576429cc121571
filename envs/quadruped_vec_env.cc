#include "envs/quadruped_vec_env.h"

#include <omp.h>

#include "core/error.h"

namespace tutor {

QuadrupedVecEnv::QuadrupedVecEnv(const EnvConfig& config, const std::string& source)
    : quadruped_(config, source) {
  const int n = config.num_envs;
  envs_.reserve(n);
  for (int i = 0; i < n; ++i)
    envs_.push_back(std::make_unique<QuadrupedEnv>(quadruped_, config.first_env_id + i,
                                                   static_cast<uint64_t>(config.seed)));
  for (const auto& group : quadruped_.groups) {
    obs_.emplace_back(static_cast<size_t>(n) * group.width, 0.0f);
    final_obs_.emplace_back(static_cast<size_t>(n) * group.width, 0.0f);
  }
  rewards_.assign(n, 0.0f);
  terminated_.assign(n, 0.0f);
  truncated_.assign(n, 0.0f);
  episode_slots_.resize(n);
  finished_flags_.assign(n, 0);
}

int QuadrupedVecEnv::NumThreads() const { return threads_ > 0 ? threads_ : omp_get_max_threads(); }

int QuadrupedVecEnv::GroupIndex(const std::string& group) const {
  const auto& groups = quadruped_.layout.groups;
  for (size_t g = 0; g < groups.size(); ++g)
    if (groups[g].name == group) return static_cast<int>(g);
  quadruped_.layout.Group(group);  // throws, listing the groups
  return -1;
}

const float* QuadrupedVecEnv::Observations(const std::string& group) const {
  return obs_[GroupIndex(group)].data();
}

const float* QuadrupedVecEnv::FinalObservations(const std::string& group) const {
  return final_obs_[GroupIndex(group)].data();
}

std::vector<std::string> QuadrupedVecEnv::MetricNames() const {
  std::vector<std::string> names;
  if (!quadruped_.has_terrain) return names;
  for (const auto& type : quadruped_.config.terrain.types)
    names.push_back(std::string("terrain_level/") + ChoiceName(TerrainTypes(), type.first));
  return names;
}

std::vector<std::string> QuadrupedVecEnv::TerrainTypeNames() const {
  std::vector<std::string> names;
  if (!quadruped_.has_terrain) return names;
  for (const auto& [name, type] : TerrainTypes()) names.push_back(name);
  return names;
}

int QuadrupedVecEnv::TerrainTypeOf(int i) const {
  if (!quadruped_.has_terrain) return -1;
  const TerrainType type = envs_[i]->terrain_type();
  for (size_t k = 0; k < TerrainTypes().size(); ++k)
    if (TerrainTypes()[k].second == type) return static_cast<int>(k);
  return -1;
}

std::array<double, 3> QuadrupedVecEnv::CommandOf(int i) const {
  const double* c = envs_[i]->command();
  return {c[0], c[1], c[2]};
}

std::vector<double> QuadrupedVecEnv::MetricValues() const {
  if (!quadruped_.has_terrain) return {};
  const size_t types = quadruped_.config.terrain.types.size();
  std::vector<double> sum(types, 0.0), count(types, 0.0);
  for (int i = 0; i < NumEnvs(); ++i) {
    const int type = quadruped_.env_terrain[i];
    sum[type] += envs_[i]->terrain_level();
    count[type] += 1;
  }
  for (size_t t = 0; t < types; ++t) sum[t] = count[t] > 0 ? sum[t] / count[t] : 0.0;
  return sum;
}

QuadrupedEnv::Rows QuadrupedVecEnv::RowsOf(int i, std::vector<float*>* obs,
                                           std::vector<float*>* final_obs) {
  for (size_t g = 0; g < obs_.size(); ++g) {
    const size_t width = quadruped_.groups[g].width;
    (*obs)[g] = obs_[g].data() + i * width;
    (*final_obs)[g] = final_obs_[g].data() + i * width;
  }
  return {obs->data(), final_obs->data(), &rewards_[i], &terminated_[i], &truncated_[i]};
}

void QuadrupedVecEnv::Reset() {
  const bool randomize = first_reset_ && quadruped_.config.termination.randomize_start;
  first_reset_ = false;
  const int n = NumEnvs();
#pragma omp parallel num_threads(NumThreads())
  {
    std::vector<float*> obs(obs_.size()), final_obs(obs_.size());
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) {
      envs_[i]->Reset(RowsOf(i, &obs, &final_obs), randomize);
      rewards_[i] = terminated_[i] = truncated_[i] = 0.0f;
    }
  }
  finished_.clear();
}

// Threading: each env touches only its own mjData, model copy, RNG and output rows, so the
// loop needs no locks; static scheduling keeps a thread on the same envs step after step.
// Finished episodes go to per-env slots and are gathered in env order afterwards, so the
// list does not depend on which thread finished first.
void QuadrupedVecEnv::Step(const float* actions) {
  const int n = NumEnvs();
  const int num_actions = NumActions();
#pragma omp parallel num_threads(NumThreads())
  {
    std::vector<float*> obs(obs_.size()), final_obs(obs_.size());
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) {
      finished_flags_[i] = envs_[i]->Step(actions + static_cast<size_t>(i) * num_actions,
                                          RowsOf(i, &obs, &final_obs), &episode_slots_[i]);
    }
  }
  finished_.clear();
  for (int i = 0; i < n; ++i)
    if (finished_flags_[i]) finished_.push_back(episode_slots_[i]);
}

}  // namespace tutor
