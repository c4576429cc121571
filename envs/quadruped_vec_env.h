#ifndef TUTOR_ENVS_QUADRUPED_VEC_ENV_H_
#define TUTOR_ENVS_QUADRUPED_VEC_ENV_H_

#include <memory>
#include <string>
#include <vector>

#include "envs/quadruped_env.h"
#include "envs/vec_env.h"

namespace tutor {

// N quadrupeds stepped with OpenMP. Env i owns row i of every output buffer and draws from
// RNG stream (seed, i), so results are identical for any thread count.
class QuadrupedVecEnv : public VecEnv {
 public:
  // `source` names where the config came from, for error messages
  explicit QuadrupedVecEnv(const EnvConfig& config, const std::string& source = "config");

  int NumEnvs() const override { return static_cast<int>(envs_.size()); }
  int NumActions() const override { return quadruped_.num_joints; }
  const EnvLayout& Layout() const override { return quadruped_.layout; }
  std::vector<std::string> RewardTermNames() const override { return quadruped_.reward_names; }

  void Reset() override;
  void Step(const float* actions) override;

  const float* Observations(const std::string& group) const override;
  const float* FinalObservations(const std::string& group) const override;
  const float* Rewards() const override { return rewards_.data(); }
  const float* Terminated() const override { return terminated_.data(); }
  const float* Truncated() const override { return truncated_.data(); }
  const std::vector<EpisodeInfo>& FinishedEpisodes() const override { return finished_; }
  // with terrain: "terrain_level/<type>", the mean level of the envs of each type
  std::vector<std::string> MetricNames() const override;
  std::vector<double> MetricValues() const override;
  // TerrainTypes()'s names; a type is fixed per env (the curriculum moves levels)
  std::vector<std::string> TerrainTypeNames() const override;
  int TerrainTypeOf(int i) const override;
  std::array<double, 3> CommandOf(int i) const override;

  // 0 = OpenMP's default
  void SetNumThreads(int threads) { threads_ = threads; }
  int NumThreads() const;

  // evaluation and viewer hooks
  QuadrupedEnv& Env(int i) { return *envs_[i]; }
  const QuadrupedModel& Model() const { return quadruped_; }
  float* MutableObservations(int group) { return obs_[group].data(); }

 private:
  QuadrupedEnv::Rows RowsOf(int i, std::vector<float*>* obs, std::vector<float*>* final_obs);
  int GroupIndex(const std::string& group) const;

  QuadrupedModel quadruped_;  // shared, read-only, by every env
  std::vector<std::unique_ptr<QuadrupedEnv>> envs_;
  std::vector<std::vector<float>> obs_, final_obs_;      // per group: [N, width]
  std::vector<float> rewards_, terminated_, truncated_;  // [N]
  std::vector<EpisodeInfo> episode_slots_;               // [N], filled by envs that finished
  std::vector<char> finished_flags_;                     // [N]
  std::vector<EpisodeInfo> finished_;                    // this step's, in env order
  bool first_reset_ = true;
  int threads_ = 0;
};

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_VEC_ENV_H_
