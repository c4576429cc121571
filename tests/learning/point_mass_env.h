#ifndef TUTOR_TESTS_LEARNING_POINT_MASS_ENV_H_
#define TUTOR_TESTS_LEARNING_POINT_MASS_ENV_H_

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "envs/rng.h"
#include "envs/vec_env.h"

namespace tutor::testing {

// A 1-D point mass pushed by a force towards x = 0, for testing algorithms in seconds:
//   v += clip(a, -1, 1) dt;  x += v dt;  reward = -(x^2 + 0.01 a^2)
// Observations: policy = critic = [x, v]. Episodes last `horizon` steps (truncation only),
// starting at x ~ U(-1, 1), v = 0.
class PointMassEnv : public VecEnv {
 public:
  static constexpr double kDt = 0.1;  // s

  explicit PointMassEnv(int num_envs, int horizon = 40, uint64_t seed = 0)
      : n_(num_envs), horizon_(horizon), rng_(seed) {
    for (const char* name : {"policy", "critic"}) {
      GroupLayout group;
      group.name = name;
      group.width = 2;
      group.terms = {{"position", 0, 1, 1.0, 0.0}, {"velocity", 1, 1, 1.0, 0.0}};
      layout_.groups.push_back(group);
    }
    layout_.joint_names = {"force"};
    layout_.default_pose = {0.0};
    layout_.kp = layout_.kd = layout_.torque_limits = {0.0};
    layout_.action_scale = 1.0;
    layout_.control_dt = kDt;
    x_.assign(n_, 0.0), v_.assign(n_, 0.0), t_.assign(n_, 0), ret_.assign(n_, 0.0);
    obs_.assign(2 * n_, 0.0f), final_.assign(2 * n_, 0.0f);
    rewards_.assign(n_, 0.0f), terminated_.assign(n_, 0.0f), truncated_.assign(n_, 0.0f);
  }

  int NumEnvs() const override { return n_; }
  int NumActions() const override { return 1; }
  const EnvLayout& Layout() const override { return layout_; }

  void Reset() override {
    for (int i = 0; i < n_; ++i) ResetOne(i);
  }

  void Step(const float* actions) override {
    finished_.clear();
    for (int i = 0; i < n_; ++i) {
      const double a = std::clamp(static_cast<double>(actions[i]), -1.0, 1.0);
      v_[i] += a * kDt;
      x_[i] += v_[i] * kDt;
      const double r = -(x_[i] * x_[i] + 0.01 * a * a);
      rewards_[i] = static_cast<float>(r * reward_scale);
      ret_[i] += rewards_[i];
      terminated_[i] = 0.0f;
      truncated_[i] = ++t_[i] >= horizon_ ? 1.0f : 0.0f;
      Write(i, obs_.data());
      if (truncated_[i] > 0) {
        Write(i, final_.data());
        EpisodeInfo info;
        info.env_id = i;
        info.length = t_[i];
        info.episode_return = ret_[i];
        finished_.push_back(info);
        ResetOne(i);
      }
    }
  }

  const float* Observations(const std::string&) const override { return obs_.data(); }
  const float* FinalObservations(const std::string&) const override { return final_.data(); }
  const float* Rewards() const override { return rewards_.data(); }
  const float* Terminated() const override { return terminated_.data(); }
  const float* Truncated() const override { return truncated_.data(); }
  const std::vector<EpisodeInfo>& FinishedEpisodes() const override { return finished_; }

  // envs [first_env, first_env + num_envs) of a data-parallel run: each env draws its starts
  // from a stream of its own, (seed, first_env + i), so a rank's envs are the same envs as
  // those of one process holding all of them (the default shares one stream)
  static PointMassEnv Shard(int num_envs, int horizon, uint64_t seed, int first_env) {
    PointMassEnv env(num_envs, horizon, seed);
    for (int i = 0; i < num_envs; ++i)
      env.streams_.emplace_back(seed, static_cast<uint64_t>(first_env + i));
    return env;
  }

  float reward_scale = 1.0f;  // tests set it to NaN/inf to poison a rollout
  std::vector<double> x_, v_;

 private:
  void ResetOne(int i) {
    Rng& rng = streams_.empty() ? rng_ : streams_[i];
    x_[i] = rng.Uniform(-1.0, 1.0), v_[i] = 0.0, t_[i] = 0, ret_[i] = 0.0;
    Write(i, obs_.data());
  }
  void Write(int i, float* out) const {
    out[2 * i] = static_cast<float>(x_[i]);
    out[2 * i + 1] = static_cast<float>(v_[i]);
  }

  int n_, horizon_;
  Rng rng_;
  std::vector<Rng> streams_;
  EnvLayout layout_;
  std::vector<int> t_;
  std::vector<double> ret_;
  std::vector<float> obs_, final_, rewards_, terminated_, truncated_;
  std::vector<EpisodeInfo> finished_;
};

}  // namespace tutor::testing

#endif  // TUTOR_TESTS_LEARNING_POINT_MASS_ENV_H_
