#ifndef TUTOR_LEARNING_CHECKPOINT_H_
#define TUTOR_LEARNING_CHECKPOINT_H_

#include <torch/torch.h>

#include <string>

#include "envs/env_layout.h"
#include "learning/actor_critic.h"

namespace tutor {

constexpr int kCheckpointFormatVersion = 1;

// What a checkpoint says about itself, beside the weights.
struct CheckpointMeta {
  std::string kind;          // "ppo" or "distillation"
  std::string layout;        // EnvLayout::Serialize() of the env that trained it
  std::string model;         // architecture description (YAML), so loaders never mirror it
  std::string config;        // the resolved config that produced it (YAML)
  std::string actor_group;   // observation set of the acting network
  std::string critic_group;  // observation set of the critic (PPO) or teacher (distillation)
  int iteration = 0;
};

void WriteMeta(const CheckpointMeta& meta, torch::serialize::OutputArchive* archive);
CheckpointMeta ReadMeta(torch::serialize::InputArchive* archive, const std::string& path);

// writes `archive` to `path` through a temporary file and a rename, so a crash never leaves
// a half-written checkpoint where a good one was
void SaveAtomically(torch::serialize::OutputArchive* archive, const std::string& path);
// opens a checkpoint and reads what it says about itself; CheckpointError naming the file when
// it is missing, unreadable or not a tutor checkpoint of this format
CheckpointMeta OpenCheckpoint(const std::string& path, torch::serialize::InputArchive* archive);
// only the meta (format, kind, layout, iteration, ...) of a checkpoint
CheckpointMeta ReadCheckpointMeta(const std::string& path);

// a string / tensor entry, CheckpointError naming the file and key when absent
std::string ReadString(torch::serialize::InputArchive* archive, const std::string& key,
                       const std::string& path);

// loads the weights a Runner saved under "algorithm/policy" into `module`; CheckpointError
// naming the file when they do not fit the module built from the stored architecture
void LoadPolicyWeights(torch::serialize::InputArchive* archive, torch::nn::Module* module,
                       const std::string& path);

// ActorCritic architecture <-> YAML text
std::string DescribeActorCritic(const ActorCritic& policy);
ActorCritic ActorCriticFromDescription(const std::string& text, const std::string& path);

// the ActorCritic of a PPO checkpoint with its weights and normalizers, in eval mode
struct LoadedPolicy {
  ActorCritic policy{nullptr};
  CheckpointMeta meta;
  EnvLayout layout;
};
LoadedPolicy LoadPpoPolicy(const std::string& path);

// CheckpointError listing how `env` differs from what the checkpoint's `group` expects
void CheckLayoutMatches(const EnvLayout& checkpoint, const EnvLayout& env,
                        const std::vector<std::string>& groups, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_CHECKPOINT_H_
