#ifndef TUTOR_LEARNING_ROLLOUT_STORAGE_H_
#define TUTOR_LEARNING_ROLLOUT_STORAGE_H_

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "learning/communicator.h"

namespace tutor {

// One transition as the algorithms record it. Both modes: `observations` (the acting
// network's set: actor or student), actions, rewards, dones. "rl" mode adds the critic's
// observations, values, log-probabilities and the action distribution; "distillation" mode
// adds the teacher's labels (and its hidden features for feature matching).
struct Transition {
  torch::Tensor observations;         // [N, Do]
  torch::Tensor actions;              // [N, A]
  torch::Tensor rewards;              // [N, 1]
  torch::Tensor dones;                // [N, 1]
  // rl
  torch::Tensor critic_observations;  // [N, Dc]
  torch::Tensor values;               // [N, 1]
  torch::Tensor log_probs;            // [N, 1]
  torch::Tensor action_mean;          // [N, A]
  torch::Tensor action_std;           // [N, A]
  // distillation (and rl with a behaviour-cloning teacher: its actions)
  torch::Tensor teacher_actions;      // [N, A]
  torch::Tensor teacher_features;     // [N, F] (feature loss only; several teachers: each's, joined)
  torch::Tensor teacher_std;          // [N, A] (several teachers: the label's std)
  torch::Tensor teacher_weights;      // [N, K] (several teachers: each one's share of the label)
};

struct MiniBatch {
  torch::Tensor observations, critic_observations, actions, values, advantages, returns,
      log_probs, action_mean, action_std;
  // this rank's samples as a share of the run's mini-batch (1 in a single process): a rank
  // scales its mean loss by it and the ranks' gradients are summed
  double share = 1.0;
  // whole-env mini-batches (a recurrent actor): the rows are [steps, envs] flattened step by
  // step, `envs` the buffer's env columns they come from and `dones` [rows, 1] where the
  // memory restarts; steps = 0 for shuffled transitions
  int64_t steps = 0;
  torch::Tensor envs, dones;
  torch::Tensor teacher_actions;  // rl with a behaviour-cloning teacher (Dims::bc)
};

// Preallocated [T, N, ...] rollout buffer shared by PPO and distillation.
class RolloutStorage {
 public:
  enum class Mode { kRl, kDistillation };
  struct Dims {
    int observations = 0;         // the acting network's set
    int critic_observations = 0;  // rl
    int actions = 0;
    int teacher_features = 0;     // distillation with feature matching; 0: none
    int teachers = 1;             // distillation: > 1 keeps a std and weights per sample
    bool bc = false;              // rl: the teacher's actions too (ppo.bc_coef)
  };

  RolloutStorage(Mode mode, int num_steps, int num_envs, const Dims& dims);

  void Add(const Transition& t);  // shapes are the caller's contract
  void Clear() { step_ = 0; }
  bool Full() const { return step_ == num_steps_; }
  int Step() const { return step_; }

  // GAE(gamma, lambda): `last_values` [N, 1] bootstrap the step after the rollout; advantages
  // are then normalized over the whole buffer when `normalize_advantages`
  // (with `comm`: normalized over every rank's buffer)
  void ComputeReturns(const torch::Tensor& last_values, double gamma, double lam,
                      bool normalize_advantages, Communicator* comm = nullptr);
  // shuffled mini-batches over all T*N samples, for `epochs` passes (rl mode); 1 <=
  // num_mini_batches <= T*N is the caller's contract (Ppo checks it when built).
  // Data-parallel: this buffer's envs are envs [first_env, first_env + N) of `total_envs`; the
  // permutation is drawn over the whole run's T*total_envs samples (the same draw on every
  // rank, and the one a single process holding all envs makes), and each mini-batch holds this
  // rank's members of the run's mini-batch, with `share` = their count / its size.
  void ForEachMiniBatch(int num_mini_batches, int epochs,
                        const std::function<void(const MiniBatch&)>& fn, int64_t first_env = 0,
                        int64_t total_envs = 0) const;

  // the same over whole envs, for a recurrent actor whose memory is replayed through the
  // rollout: each epoch draws a permutation of the run's `total_envs` envs and cuts it into
  // `num_mini_batches` groups (1 <= num_mini_batches <= total_envs, the caller's contract);
  // each batch holds every step of this rank's envs of its group (MiniBatch::steps, envs).
  void ForEachEnvMiniBatch(int num_mini_batches, int epochs,
                           const std::function<void(const MiniBatch&)>& fn, int64_t first_env = 0,
                           int64_t total_envs = 0) const;

  Mode mode;
  int num_steps_, num_envs_;
  torch::Tensor observations;         // [T, N, Do]
  torch::Tensor actions;              // [T, N, A]
  torch::Tensor rewards;              // [T, N, 1]
  torch::Tensor dones;                // [T, N, 1]
  torch::Tensor critic_observations;  // [T, N, Dc] (rl)
  torch::Tensor values;               // [T, N, 1] (rl)
  torch::Tensor log_probs;            // [T, N, 1] (rl)
  torch::Tensor action_mean;          // [T, N, A] (rl)
  torch::Tensor action_std;           // [T, N, A] (rl)
  torch::Tensor returns;              // [T, N, 1] (rl)
  torch::Tensor advantages;           // [T, N, 1] (rl)
  torch::Tensor teacher_actions;      // [T, N, A] (distillation; rl with Dims::bc)
  torch::Tensor teacher_features;     // [T, N, F] (distillation, feature loss)
  torch::Tensor teacher_std;          // [T, N, A] (distillation, several teachers)
  torch::Tensor teacher_weights;      // [T, N, K] (distillation, several teachers)

 private:
  int step_ = 0;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_ROLLOUT_STORAGE_H_
