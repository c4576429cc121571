#ifndef TUTOR_LEARNING_ALGORITHM_H_
#define TUTOR_LEARNING_ALGORITHM_H_

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "learning/communicator.h"
#include "learning/learning_config.h"

namespace tutor {

// observation groups of one env step, by name: [N, width] each
using ObsMap = std::map<std::string, torch::Tensor>;

// what the env returned for the actions of the last Act()
struct EnvStep {
  ObsMap next_observations;   // after auto-reset
  ObsMap final_observations;  // before auto-reset, valid in rows that ended
  torch::Tensor rewards;      // [N, 1]
  torch::Tensor terminated;   // [N, 1]
  torch::Tensor truncated;    // [N, 1] time-outs (bootstrapped by PPO)
};

// named statistics of one Update (loss terms, learning rate, ...)
using Stats = std::map<std::string, double>;

// rsl_rl's four verbs, shared by PPO and distillation, so one Runner drives both
class Algorithm {
 public:
  virtual ~Algorithm() = default;
  virtual torch::Tensor Act(const ObsMap& obs) = 0;  // the actions that step the env
  virtual void ProcessStep(const EnvStep& step) = 0;
  virtual void ComputeReturns(const ObsMap& last_obs) = 0;  // a no-op for distillation
  virtual Stats Update() = 0;
  // every name Update may report, in log order (metrics.csv has a fixed column set)
  virtual std::vector<std::string> StatNames() const = 0;

  // what a checkpoint says about the algorithm: "ppo" or "distillation", the model's
  // architecture (YAML) and the observation set of each role (actor/critic, student/teacher)
  virtual std::string Kind() const = 0;
  virtual std::string DescribeModel() const = 0;
  virtual const ObservationSets& Sets() const = 0;
  // the env groups the sets name, each once
  std::vector<std::string> Groups() const;

  virtual void Save(torch::serialize::OutputArchive* archive) = 0;
  virtual void Load(torch::serialize::InputArchive* archive) = 0;
  virtual double LearningRate() const = 0;
  virtual double ActionStd() const = 0;

  // Data-parallel training: this process is rank comm->Rank() of comm->WorldSize(), each rank
  // holding as many envs as this one (its envs are the run's [rank * N, (rank + 1) * N)).
  // Every sum the update takes (gradients, losses, KL, advantage and normalizer statistics)
  // is then over the whole run. Null (the default): one process.
  virtual void SetCommunicator(Communicator* comm) { comm_ = comm; }
  // rank 0's model (and what else must start equal) to every rank; the runner calls it once
  // before the first rollout, after any resume
  virtual void BroadcastFromRankZero() {}
  Communicator* communicator() const { return comm_; }

 protected:
  Communicator* comm_ = nullptr;
};

inline std::vector<std::string> Algorithm::Groups() const {
  std::vector<std::string> groups;
  for (const auto& [role, group] : Sets()) {
    bool seen = false;
    for (const auto& g : groups) seen = seen || g == group;
    if (!seen) groups.push_back(group);
  }
  return groups;
}

}  // namespace tutor

#endif  // TUTOR_LEARNING_ALGORITHM_H_
