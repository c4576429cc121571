#include "learning/rollout_storage.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tutor {

RolloutStorage::RolloutStorage(Mode mode_, int num_steps, int num_envs, const Dims& dims)
    : mode(mode_), num_steps_(num_steps), num_envs_(num_envs) {
  const int64_t t = num_steps, n = num_envs;
  observations = torch::zeros({t, n, dims.observations});
  actions = torch::zeros({t, n, dims.actions});
  dones = torch::zeros({t, n, 1});
  rewards = torch::zeros({t, n, 1});
  if (mode == Mode::kDistillation) {
    teacher_actions = torch::zeros({t, n, dims.actions});
    if (dims.teacher_features > 0) teacher_features = torch::zeros({t, n, dims.teacher_features});
    if (dims.teachers > 1) {
      teacher_std = torch::zeros({t, n, dims.actions});
      teacher_weights = torch::zeros({t, n, dims.teachers});
    }
  } else {
    critic_observations = torch::zeros({t, n, dims.critic_observations});
    values = torch::zeros({t, n, 1});
    log_probs = torch::zeros({t, n, 1});
    action_mean = torch::zeros({t, n, dims.actions});
    action_std = torch::zeros({t, n, dims.actions});
    returns = torch::zeros({t, n, 1});
    advantages = torch::zeros({t, n, 1});
    if (dims.bc) teacher_actions = torch::zeros({t, n, dims.actions});
  }
}

void RolloutStorage::Add(const Transition& tr) {
  if (step_ >= num_steps_) throw Error("RolloutStorage: buffer full; Clear() it first");
  observations[step_].copy_(tr.observations);
  actions[step_].copy_(tr.actions);
  dones[step_].copy_(tr.dones);
  if (tr.rewards.defined()) rewards[step_].copy_(tr.rewards);
  if (mode == Mode::kDistillation) {
    teacher_actions[step_].copy_(tr.teacher_actions);
    if (teacher_features.defined()) teacher_features[step_].copy_(tr.teacher_features);
    if (teacher_std.defined()) {
      teacher_std[step_].copy_(tr.teacher_std);
      teacher_weights[step_].copy_(tr.teacher_weights);
    }
  } else {
    critic_observations[step_].copy_(tr.critic_observations);
    values[step_].copy_(tr.values);
    log_probs[step_].copy_(tr.log_probs);
    action_mean[step_].copy_(tr.action_mean);
    action_std[step_].copy_(tr.action_std);
    if (teacher_actions.defined()) teacher_actions[step_].copy_(tr.teacher_actions);
  }
  ++step_;
}

void RolloutStorage::ComputeReturns(const torch::Tensor& last_values, double gamma, double lam,
                                    bool normalize_advantages, Communicator* comm) {
  // delta_t = r_t + gamma * (1 - done_t) V_{t+1} - V_t
  // A_t = delta_t + gamma * lambda * (1 - done_t) A_{t+1};  R_t = A_t + V_t
  torch::Tensor advantage = torch::zeros_like(last_values);
  for (int t = num_steps_ - 1; t >= 0; --t) {
    const torch::Tensor next_values = t == num_steps_ - 1 ? last_values : values[t + 1];
    const torch::Tensor not_done = 1.0 - dones[t];
    const torch::Tensor delta = rewards[t] + gamma * not_done * next_values - values[t];
    advantage = delta + gamma * lam * not_done * advantage;
    returns[t].copy_(advantage + values[t]);
  }
  advantages = returns - values;
  if (!normalize_advantages) return;
  if (!IsDistributed(comm)) {
    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8);
    return;
  }
  // the run's mean and (unbiased) std over every rank's samples, in float64
  const auto a64 = advantages.to(torch::kFloat64);
  auto sums = SumOverRanks(
      comm,
      torch::stack({a64.sum(), torch::tensor(static_cast<double>(a64.numel()), torch::kFloat64)}));
  const double n = sums[1].item<double>(), mean = sums[0].item<double>() / n;
  const double squares = SumOverRanks(comm, (a64 - mean).square().sum().item<double>());
  const double std = std::sqrt(squares / std::max(1.0, n - 1.0));
  advantages = ((a64 - mean) / (std + 1e-8)).to(torch::kFloat32);
}

void RolloutStorage::ForEachMiniBatch(int num_mini_batches, int epochs,
                                      const std::function<void(const MiniBatch&)>& fn,
                                      int64_t first_env, int64_t total_envs) const {
  const int64_t total = static_cast<int64_t>(num_steps_) * num_envs_;
  if (total_envs == 0) total_envs = num_envs_;
  const bool whole = first_env == 0 && total_envs == num_envs_;
  const int64_t run_total = static_cast<int64_t>(num_steps_) * total_envs;
  const int64_t size = run_total / num_mini_batches;
  auto flat = [total](const torch::Tensor& x) { return x.reshape({total, x.size(-1)}); };
  const auto obs = flat(observations), critic = flat(critic_observations), act = flat(actions);
  const auto val = flat(values), adv = flat(advantages), ret = flat(returns),
             logp = flat(log_probs), mu = flat(action_mean), sigma = flat(action_std);
  const auto teacher = teacher_actions.defined() ? flat(teacher_actions) : torch::Tensor();
  for (int e = 0; e < epochs; ++e) {
    const auto order = torch::randperm(run_total, torch::kLong);
    for (int b = 0; b < num_mini_batches; ++b) {
      auto idx = order.slice(0, b * size, (b + 1) * size);
      double share = 1.0;
      if (!whole) {
        // run sample g is step g / total_envs of env g % total_envs; keep this rank's envs
        const auto env = idx.remainder(total_envs), step = idx.div(total_envs, "floor");
        const auto mine = (env >= first_env).logical_and(env < first_env + num_envs_);
        idx = (step * num_envs_ + env - first_env).masked_select(mine);
        share = static_cast<double>(idx.size(0)) / static_cast<double>(size);
      }
      MiniBatch batch{obs.index_select(0, idx),  critic.index_select(0, idx),
                      act.index_select(0, idx),  val.index_select(0, idx),
                      adv.index_select(0, idx),  ret.index_select(0, idx),
                      logp.index_select(0, idx), mu.index_select(0, idx),
                      sigma.index_select(0, idx), share,
                      0,                         torch::Tensor(),
                      torch::Tensor()};
      if (teacher.defined()) batch.teacher_actions = teacher.index_select(0, idx);
      fn(batch);
    }
  }
}

void RolloutStorage::ForEachEnvMiniBatch(int num_mini_batches, int epochs,
                                         const std::function<void(const MiniBatch&)>& fn,
                                         int64_t first_env, int64_t total_envs) const {
  if (total_envs == 0) total_envs = num_envs_;
  const int64_t size = total_envs / num_mini_batches;
  for (int e = 0; e < epochs; ++e) {
    const auto order = torch::randperm(total_envs, torch::kLong);
    for (int b = 0; b < num_mini_batches; ++b) {
      const auto ids = order.slice(0, b * size, (b + 1) * size);
      const auto mine = (ids >= first_env).logical_and(ids < first_env + num_envs_);
      const auto envs = (ids - first_env).masked_select(mine);
      auto pick = [&envs](const torch::Tensor& x) {
        return x.index_select(1, envs).reshape({-1, x.size(-1)});
      };
      MiniBatch batch{pick(observations), pick(critic_observations), pick(actions),
                      pick(values),       pick(advantages),          pick(returns),
                      pick(log_probs),    pick(action_mean),         pick(action_std),
                      static_cast<double>(envs.size(0)) / static_cast<double>(size),
                      num_steps_,         envs,                      pick(dones)};
      if (teacher_actions.defined()) batch.teacher_actions = pick(teacher_actions);
      fn(batch);
    }
  }
}

}  // namespace tutor
