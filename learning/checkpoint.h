#ifndef TUTOR_LEARNING_CHECKPOINT_H_
#define TUTOR_LEARNING_CHECKPOINT_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "envs/env_layout.h"
#include "learning/learning_config.h"

namespace tutor {

// Format 2: observation sets by role and the one PolicyNet for actor, student and teacher.
// Format 1 checkpoints (tutor before that) still load for eval, play, export, bench and as
// teachers: their meta and PPO weights are translated on reading.
constexpr int kCheckpointFormatVersion = 2;

// What a checkpoint says about itself, beside the weights.
struct CheckpointMeta {
  int format_version = kCheckpointFormatVersion;  // as stored (1 for a translated one)
  std::string kind;      // "ppo" or "distillation"
  std::string layout;    // EnvLayout::Serialize() of the env that trained it
  std::string model;     // architecture description (YAML), so loaders never mirror it
  std::string config;    // the resolved config that produced it (YAML)
  ObservationSets sets;  // role (actor/critic or student/teacher) -> env group
  int iteration = 0;
};

void WriteMeta(const CheckpointMeta& meta, torch::serialize::OutputArchive* archive);

// writes `archive` to `path` through a temporary file and a rename
void SaveCheckpoint(torch::serialize::OutputArchive* archive, const std::string& path);
// opens a checkpoint and reads what it says about itself; CheckpointError naming the file when
// it is missing, unreadable or not a tutor checkpoint of a format this tutor reads
CheckpointMeta OpenCheckpoint(const std::string& path, torch::serialize::InputArchive* archive);

// a string / integer entry, CheckpointError naming the file and key when absent
std::string ReadString(torch::serialize::InputArchive* archive, const std::string& key,
                       const std::string& path);
int64_t ReadInt(torch::serialize::InputArchive* archive, const std::string& key,
                const std::string& path);

// the archive of the algorithm's model ("algorithm/policy"), CheckpointError when absent
torch::serialize::InputArchive ModelArchive(torch::serialize::InputArchive* archive,
                                            const std::string& path);

// CheckpointError listing how `env` differs from what the checkpoint's `groups` expect
void CheckLayoutMatches(const EnvLayout& checkpoint, const EnvLayout& env,
                        const std::vector<std::string>& groups, const std::string& path);

// format 1 -> 2 (checkpoint_v1.cc): the meta of a format-1 archive, translated, and a
// format-1 PPO actor's weights (stored under the names of the ActorCritic of then)
struct PolicyNetImpl;
CheckpointMeta ReadMetaV1(torch::serialize::InputArchive* archive, const std::string& path);
void LoadPpoActorV1(torch::serialize::InputArchive* model, PolicyNetImpl* actor,
                    const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_CHECKPOINT_H_
