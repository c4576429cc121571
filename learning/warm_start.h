#ifndef TUTOR_LEARNING_WARM_START_H_
#define TUTOR_LEARNING_WARM_START_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "envs/env_layout.h"
#include "learning/actor_critic.h"
#include "learning/learning_config.h"

namespace tutor {

// Warm start (`tutor train --init CKPT`): a new run's actor and critic begin as a PPO
// checkpoint's, on observation groups that hold every term of the checkpoint's groups and
// possibly more (adding `height_scan` to a flat teacher's set, say).

// for each column of `from` the column of `to` holding the same value: terms matched by name,
// each of the same width and scale (noise may differ); ConfigError "<what>: ..." naming the
// term when `to` lacks it or holds it otherwise
std::vector<int64_t> MapGroupColumns(const GroupLayout& from, const GroupLayout& to,
                                     const std::string& what);

// What was copied, for the run's log line.
struct WarmStartReport {
  int copied = 0;   // tensors copied as they are
  int widened = 0;  // tensors copied by observation column
  int added_columns = 0;
};

// Copies every parameter and buffer of `from` into the one of the same name in `to`. Equal
// shapes are copied as they are. The network's observation inputs (the normalizer's mean and
// var, the first MLP layer's weight without memory, the recurrent layer's input weight) are
// copied by column through `columns` (columns[i]: the column of `to` that holds `from`'s
// column i; `to_width` columns in all): the other columns get weight 0, mean 0 and var 1, so
// `to` computes on the new observation what `from` computed on the old columns. With added
// columns the normalizer's sample count restarts at 0, so the first rollout estimates every
// column's statistics (the new ones would otherwise stay behind millions of old samples).
// ConfigError "<what>: ..." naming the tensor for anything else (another hidden size, depth,
// memory type or action count).
WarmStartReport CopyWithColumns(torch::nn::Module& from, torch::nn::Module& to,
                                const std::vector<int64_t>& columns, int64_t to_width,
                                const std::string& what);

// Opens `path` and checks that its control layout (joints, pose, gains, action scale, period) is
// `env`'s and that every term of the groups it copies from is in the run's (`sets`: role -> env
// group). A PPO checkpoint gives its actor and critic; a distillation checkpoint gives its
// student as the actor (fine-tuning a distilled student with PPO) and no critic. With
// `critic_path` (a PPO checkpoint) the critic comes from that one's critic instead (a
// privileged teacher's value function for the student). A critic from neither starts fresh.
// CheckpointError for a file of another kind, ConfigError for a mismatch. Returns a one-line
// description of what it did.
std::string WarmStart(const std::string& path, const EnvLayout& env, const ObservationSets& sets,
                      ActorCritic* policy, const std::string& critic_path = "");

}  // namespace tutor

#endif  // TUTOR_LEARNING_WARM_START_H_
