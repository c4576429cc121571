#ifndef TUTOR_LEARNING_POLICY_H_
#define TUTOR_LEARNING_POLICY_H_

#include <torch/torch.h>

#include <string>
#include <utility>

#include "learning/learning_config.h"
#include "learning/memory.h"
#include "learning/mlp.h"
#include "learning/normalizer.h"


namespace tutor {

// what a Gaussian policy outputs for a batch of observations
struct ActionDistribution {
  torch::Tensor mean;  // [B, A]
  torch::Tensor std;   // [B, A]
  torch::Tensor LogProb(const torch::Tensor& actions) const;  // [B, 1]
  torch::Tensor Entropy() const;                              // [B, 1]
  torch::Tensor Sample() const;                               // [B, A]
  // rows [first, first + B) of a [total, A] draw: a rank's share of the whole run's noise, so
  // each env's action noise is the same for any number of ranks
  torch::Tensor Sample(int64_t first, int64_t total) const;
};

// the shape of a policy network: its config plus the widths it was built for
struct PolicySpec {
  int obs = 0;
  int actions = 0;
  PolicyConfig config;
};

// The one policy module of tutor: normalizer -> optional LSTM/GRU -> MLP -> Gaussian head.
// It is the PPO actor, the distillation student and the frozen teacher alike, so a network
// trained in one role loads into another without copying weights.
struct PolicyNetImpl : torch::nn::Module {
  explicit PolicyNetImpl(const PolicySpec& spec);

  torch::Tensor forward(const torch::Tensor& obs);  // mean action; advances the memory
  ActionDistribution Distribution(const torch::Tensor& obs);  // advances the memory
  // {hidden layer `layer` of the MLP (-1: last hidden), mean action}
  std::pair<torch::Tensor, torch::Tensor> ForwardWithHidden(const torch::Tensor& obs, int layer);
  // [A]. std_type scalar: the parameter itself, which must stay positive (NumericalError
  // otherwise, as a Normal with std <= 0 is undefined); log: exp(parameter)
  torch::Tensor Std() const;
  void Reset(const torch::Tensor& mask);  // recurrent state of ended episodes
  bool recurrent() const { return static_cast<bool>(memory); }
  int HiddenWidth(int layer) const;
  int64_t NumParameters() const;  // memory + MLP (the normalizer and std excluded)

  PolicySpec spec;
  EmpiricalNormalizer normalizer{nullptr};
  Memory memory{nullptr};
  Mlp mlp{nullptr};
  torch::Tensor std_param;  // [A]
};
TORCH_MODULE(PolicyNet);

// the shape of a value network
struct ValueSpec {
  int obs = 0;
  CriticConfig config;
};

// The PPO critic: normalizer -> MLP -> one value per observation.
struct ValueNetImpl : torch::nn::Module {
  explicit ValueNetImpl(const ValueSpec& spec);
  torch::Tensor forward(const torch::Tensor& obs);  // [B, 1]

  ValueSpec spec;
  EmpiricalNormalizer normalizer{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(ValueNet);

// architecture <-> YAML text, so a loader never mirrors it by hand
std::string DescribePolicySpec(const PolicySpec& spec);
PolicySpec ParsePolicySpec(const std::string& yaml_text, const std::string& path);
std::string DescribeValueSpec(const ValueSpec& spec);
ValueSpec ParseValueSpec(const std::string& yaml_text, const std::string& path);
// the spec under `key` of a model description ({type: ..., actor: ..., critic: ...} or
// {type: ..., student: ..., teacher: ...}); CheckpointError naming `path` when absent
PolicySpec PolicySpecAt(const std::string& model_text, const std::string& key,
                        const std::string& path);
ValueSpec ValueSpecAt(const std::string& model_text, const std::string& key,
                      const std::string& path);
// CheckpointError unless the description's type is `type` (`what` says what that means)
void CheckModelType(const std::string& model_text, const std::string& type,
                    const std::string& what, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_POLICY_H_
