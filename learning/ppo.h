#ifndef TUTOR_LEARNING_PPO_H_
#define TUTOR_LEARNING_PPO_H_

#include <functional>
#include <memory>
#include <string>

#include "learning/actor_critic.h"
#include "learning/algorithm.h"
#include "learning/rollout_storage.h"

namespace tutor {

// the loss of one mini-batch, term by term
struct PpoLoss {
  torch::Tensor surrogate;  // clipped surrogate (to minimise)
  torch::Tensor value;      // (clipped) value loss
  torch::Tensor entropy;    // mean entropy
  torch::Tensor total;      // surrogate + c_v value - c_e entropy
};

// PPO's loss for a mini-batch given the current policy's distribution and values on it;
// `value_batch` (default: `batch`) holds the rollout values and returns `values` predict
PpoLoss ComputePpoLoss(const PpoConfig& config, const MiniBatch& batch,
                       const ActionDistribution& dist, const torch::Tensor& values,
                       const MiniBatch* value_batch = nullptr);
// KL(old || new) of diagonal Gaussians, summed over actions, averaged over the batch
torch::Tensor GaussianKl(const torch::Tensor& old_mean, const torch::Tensor& old_std,
                         const torch::Tensor& mean, const torch::Tensor& std);

// A left-right mirror as an index map: Apply(x)[..., i] = sign[i] * x[..., index[i]].
struct MirrorMap {
  torch::Tensor index;  // int64 [W]
  torch::Tensor sign;   // float [W]
  torch::Tensor Apply(const torch::Tensor& x) const { return x.index_select(-1, index) * sign; }
};

// the env's mirror for the actor's and critic's groups and for the actions
struct Symmetry {
  MirrorMap actor, critic, actions;
};

// a frozen teacher the actor is cloned towards (ppo.bc_coef): the net and the env group it reads
struct BcTeacher {
  PolicyNet net{nullptr};
  std::string group;
};

// PPO on the `actor` and `critic` observation sets (each an env group). A recurrent actor
// (actor.memory: lstm or gru, e.g. a distilled student fine-tuned on its own return) learns from
// whole-env mini-batches: its memory is replayed through the rollout from the state the rollout
// began with, restarting where episodes ended, so every step's distribution is the one it
// acted with; the critic stays feed-forward (it may read privileged observations).
// With a BcTeacher the teacher labels every visited state on its own group (the set
// `bc_teacher`; a recurrent teacher's memory follows each env's own history) and each
// mini-batch adds bc_coef * mean((actor mean - teacher action)^2) to the loss.
class Ppo : public Algorithm {
 public:
  // ConfigError when the sets lack a role or the rollout has fewer transitions than
  // mini-batches
  // `symmetry`: the env's mirror, required when the config asks for symmetry (ConfigError)
  // `bc_teacher`: required when config.bc_coef > 0 (ConfigError), its actions the actor's width
  Ppo(ActorCritic policy, const PpoConfig& config, int num_steps, int num_envs,
      ObservationSets sets, const Symmetry* symmetry = nullptr,
      const BcTeacher* bc_teacher = nullptr);

  torch::Tensor Act(const ObsMap& obs) override;
  void ProcessStep(const EnvStep& step) override;
  void ComputeReturns(const ObsMap& last_obs) override;
  Stats Update() override;
  std::vector<std::string> StatNames() const override;
  std::string Kind() const override { return "ppo"; }
  std::string DescribeModel() const override { return DescribeActorCritic(policy_); }
  const ObservationSets& Sets() const override { return sets_; }

  void Save(torch::serialize::OutputArchive* archive) override;
  void Load(torch::serialize::InputArchive* archive) override;
  double LearningRate() const override { return learning_rate_; }
  double ActionStd() const override;
  // the behaviour-cloning weight of the next update (0 without a teacher)
  double BcCoefficient() const;

  void BroadcastFromRankZero() override;
  // data-parallel diagnostics (and tests): this rank's own gradients of each mini-batch, before
  // they are summed over the ranks
  std::function<void(const std::vector<torch::Tensor>&)> local_gradient_observer;

  ActorCritic policy() const { return policy_; }
  RolloutStorage& storage() { return storage_; }
  torch::optim::Adam& optimizer() { return *optimizer_; }

 private:
  void SetLearningRate(double lr);
  // a recurrent actor's distribution on a whole-env mini-batch, replayed from the rollout start
  ActionDistribution ReplayActor(const MiniBatch& batch);
  bool ParametersFinite() const;  // and, for std_type scalar, a positive std

  ActorCritic policy_;
  PpoConfig config_;
  ObservationSets sets_;
  std::string actor_group_, critic_group_;  // resolved once from the sets
  std::unique_ptr<torch::optim::Adam> optimizer_;
  RolloutStorage storage_;
  Transition transition_;
  double learning_rate_;
  int updates_ = 0;  // Update calls so far (the linear schedule's clock; saved)
  bool recurrent_ = false;
  std::pair<torch::Tensor, torch::Tensor> rollout_start_memory_;  // the actor's, at step 0
  bool has_symmetry_ = false;
  Symmetry symmetry_;
  BcTeacher bc_;  // net null: no behaviour cloning
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_PPO_H_
