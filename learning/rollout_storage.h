#ifndef TUTOR_LEARNING_ROLLOUT_STORAGE_H_
#define TUTOR_LEARNING_ROLLOUT_STORAGE_H_

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace tutor {

// One transition as the algorithms record it. In "rl" mode: observations (actor set),
// critic_observations, actions, rewards, dones, values, log_probs, action mean/std.
// In "distillation" mode: observations (student set), critic_observations (teacher set),
// actions (student), privileged_actions (teacher), dones.
struct Transition {
  torch::Tensor observations;         // [N, Da]
  torch::Tensor critic_observations;  // [N, Dc]
  torch::Tensor actions;              // [N, A]
  torch::Tensor privileged_actions;   // [N, A]
  torch::Tensor rewards;              // [N, 1]
  torch::Tensor dones;                // [N, 1]
  torch::Tensor values;               // [N, 1]
  torch::Tensor log_probs;            // [N, 1]
  torch::Tensor action_mean;          // [N, A]
  torch::Tensor action_std;           // [N, A]
};

struct MiniBatch {
  torch::Tensor observations, critic_observations, actions, values, advantages, returns,
      log_probs, action_mean, action_std;
};

// Preallocated [T, N, ...] rollout buffer shared by PPO and distillation.
class RolloutStorage {
 public:
  enum class Mode { kRl, kDistillation };

  RolloutStorage(Mode mode, int num_steps, int num_envs, int obs_dim, int critic_obs_dim,
                 int num_actions);

  void Add(const Transition& t);  // ConfigError-free: shapes are the caller's contract
  void Clear() { step_ = 0; }
  bool Full() const { return step_ == num_steps_; }
  int Step() const { return step_; }

  // GAE(gamma, lambda): `last_values` [N, 1] bootstrap the step after the rollout; advantages
  // are then normalized over the whole buffer when `normalize_advantages`
  void ComputeReturns(const torch::Tensor& last_values, double gamma, double lam,
                      bool normalize_advantages);
  // shuffled mini-batches over all T*N samples, for `epochs` passes (rl mode)
  void ForEachMiniBatch(int num_mini_batches, int epochs,
                        const std::function<void(const MiniBatch&)>& fn) const;

  Mode mode;
  int num_steps_, num_envs_;
  torch::Tensor observations;         // [T, N, Da]
  torch::Tensor critic_observations;  // [T, N, Dc]
  torch::Tensor actions;              // [T, N, A]
  torch::Tensor privileged_actions;   // [T, N, A] (distillation)
  torch::Tensor rewards;              // [T, N, 1]
  torch::Tensor dones;                // [T, N, 1]
  torch::Tensor values;               // [T, N, 1] (rl)
  torch::Tensor log_probs;            // [T, N, 1] (rl)
  torch::Tensor action_mean;          // [T, N, A] (rl)
  torch::Tensor action_std;           // [T, N, A] (rl)
  torch::Tensor returns;              // [T, N, 1] (rl)
  torch::Tensor advantages;           // [T, N, 1] (rl)

 private:
  int step_ = 0;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_ROLLOUT_STORAGE_H_
