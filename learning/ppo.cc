#include "learning/ppo.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace tutor {

torch::Tensor GaussianKl(const torch::Tensor& old_mean, const torch::Tensor& old_std,
                         const torch::Tensor& mean, const torch::Tensor& std) {
  // KL(N0 || N1) = log(s1/s0) + (s0^2 + (m0 - m1)^2) / (2 s1^2) - 1/2, per dimension
  const auto kl = (std / old_std).log() +
                  (old_std.square() + (old_mean - mean).square()) / (2.0 * std.square()) - 0.5;
  return kl.sum(-1).mean();
}

PpoLoss ComputePpoLoss(const PpoConfig& config, const MiniBatch& batch,
                       const ActionDistribution& dist, const torch::Tensor& values,
                       const MiniBatch* value_batch) {
  PpoLoss loss;
  const MiniBatch& vb = value_batch ? *value_batch : batch;
  // clipped surrogate: max(-A r, -A clip(r, 1 - e, 1 + e)), r = pi / pi_old
  const auto ratio = (dist.LogProb(batch.actions) - batch.log_probs).exp();
  const auto surrogate = -batch.advantages * ratio;
  const auto clipped =
      -batch.advantages * ratio.clamp(1.0 - config.clip_param, 1.0 + config.clip_param);
  loss.surrogate = torch::max(surrogate, clipped).mean();
  // value loss, clipped around the rollout's values
  if (config.use_clipped_value_loss) {
    const auto v_clipped =
        vb.values + (values - vb.values).clamp(-config.clip_param, config.clip_param);
    loss.value =
        torch::max((values - vb.returns).square(), (v_clipped - vb.returns).square()).mean();
  } else {
    loss.value = (values - vb.returns).square().mean();
  }
  loss.entropy = dist.Entropy().mean();
  loss.total = loss.surrogate + config.value_loss_coef * loss.value -
               config.entropy_coef * loss.entropy;
  return loss;
}

Ppo::Ppo(ActorCritic policy, const PpoConfig& config, int num_steps, int num_envs,
         ObservationSets sets, const Symmetry* symmetry, const BcTeacher* bc_teacher)
    : policy_(std::move(policy)),
      config_(config),
      sets_(std::move(sets)),
      actor_group_(SetGroup(sets_, "actor", "PPO")),
      critic_group_(SetGroup(sets_, "critic", "PPO")),
      storage_(RolloutStorage::Mode::kRl, num_steps, num_envs,
               {policy_->actor->spec.obs, policy_->critic->spec.obs,
                policy_->actor->spec.actions, 0, 1, config.bc_coef > 0}),
      learning_rate_(config.learning_rate) {
  const int64_t transitions = static_cast<int64_t>(num_steps) * num_envs;
  if (config_.num_mini_batches < 1 || config_.num_mini_batches > transitions)
    throw ConfigError("ppo.num_mini_batches: " + std::to_string(config_.num_mini_batches) +
                      " mini-batches from " + std::to_string(transitions) +
                      " transitions per rollout; expected 1 to " + std::to_string(transitions));
  if (config_.min_learning_rate > config_.max_learning_rate)
    throw ConfigError("ppo.min_learning_rate must not exceed ppo.max_learning_rate");
  if (config_.schedule == Schedule::kLinear && config_.lr_decay_iterations < 1)
    throw ConfigError("ppo.lr_decay_iterations: the linear schedule needs >= 1 updates");
  recurrent_ = policy_->actor->recurrent();
  if (recurrent_ && config_.num_mini_batches > num_envs)
    throw ConfigError("ppo.num_mini_batches: " + std::to_string(config_.num_mini_batches) +
                      " mini-batches of whole envs from " + std::to_string(num_envs) +
                      " envs (a recurrent actor learns from whole envs); expected 1 to " +
                      std::to_string(num_envs));
  if (recurrent_ && (config_.symmetry_augmentation || config_.symmetry_loss_coef > 0))
    throw ConfigError("ppo.symmetry_augmentation / symmetry_loss_coef: not with a recurrent "
                      "actor (actor.memory): a mirrored sequence would need a mirrored memory "
                      "state; set both off");
  if (config_.symmetry_augmentation || config_.symmetry_loss_coef > 0) {
    if (!symmetry)
      throw ConfigError("ppo.symmetry_augmentation / symmetry_loss_coef: the env declares no "
                        "left-right mirror (env.robot.mirror)");
    has_symmetry_ = true;
    symmetry_ = *symmetry;
  }
  if (config_.bc_coef > 0) {
    if (!bc_teacher || !bc_teacher->net)
      throw ConfigError("ppo.bc_coef: " + std::to_string(config_.bc_coef) +
                        " needs a teacher to clone (ppo.bc_teacher)");
    if (bc_teacher->net->spec.actions != policy_->actor->spec.actions)
      throw ConfigError("ppo.bc_teacher: the teacher has " +
                        std::to_string(bc_teacher->net->spec.actions) + " actions, the actor " +
                        std::to_string(policy_->actor->spec.actions));
    bc_ = *bc_teacher;
    sets_["bc_teacher"] = bc_.group;
  }
  optimizer_ = std::make_unique<torch::optim::Adam>(policy_->parameters(),
                                                    torch::optim::AdamOptions(learning_rate_));
}

void Ppo::SetLearningRate(double lr) {
  learning_rate_ = lr;
  for (auto& group : optimizer_->param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

double Ppo::ActionStd() const { return policy_->actor->Std().mean().item<double>(); }

std::vector<std::string> Ppo::StatNames() const {
  std::vector<std::string> names = {"value_loss",    "surrogate_loss", "entropy",
                                    "kl",            "symmetry_loss",  "rolled_back",
                                    "skipped_nonfinite_rollout"};
  if (bc_.net) names.insert(names.end(), {"bc_loss", "bc_coef"});
  return names;
}

double Ppo::BcCoefficient() const {
  if (!bc_.net) return 0.0;
  if (config_.bc_decay_iterations < 1) return config_.bc_coef;
  const double left = 1.0 - static_cast<double>(updates_) / config_.bc_decay_iterations;
  return config_.bc_coef * std::max(0.0, left);
}

bool Ppo::ParametersFinite() const {
  for (const auto& p : policy_->parameters())
    if (!torch::isfinite(p).all().item<bool>()) return false;
  const auto& actor = policy_->actor;
  return actor->spec.config.std_type == StdType::kLog ||
         actor->std_param.min().item<double>() > 0.0;
}

torch::Tensor Ppo::Act(const ObsMap& obs) {
  torch::NoGradGuard no_grad;
  const auto& actor_obs = obs.at(actor_group_);
  const auto& critic_obs = obs.at(critic_group_);
  if (recurrent_ && storage_.Step() == 0) rollout_start_memory_ = policy_->actor->memory->State();
  const ActionDistribution dist = policy_->Distribution(actor_obs);
  // data-parallel: this rank's rows of the run's noise, so env g's noise is the same for any
  // number of ranks
  const int64_t n = actor_obs.size(0);
  transition_.actions = dist.Sample(RankOf(comm_) * n, WorldSizeOf(comm_) * n);
  transition_.values = policy_->Evaluate(critic_obs);
  transition_.log_probs = dist.LogProb(transition_.actions);
  transition_.action_mean = dist.mean;
  transition_.action_std = dist.std;
  // the env overwrites its buffers on the next Step, so keep copies
  transition_.observations = actor_obs.clone();
  transition_.critic_observations = critic_obs.clone();
  if (bc_.net) transition_.teacher_actions = bc_.net->forward(obs.at(bc_.group));
  return transition_.actions;
}

void Ppo::ProcessStep(const EnvStep& step) {
  torch::NoGradGuard no_grad;
  auto rewards = step.rewards.clone();
  // time-out bootstrapping: a truncated episode would have gone on, so add gamma * V(s_final)
  if (step.truncated.any().item<bool>()) {
    const auto final_values = policy_->Evaluate(step.final_observations.at(critic_group_));
    rewards += config_.gamma * final_values * step.truncated;
  }
  transition_.rewards = rewards;
  transition_.dones = (step.terminated + step.truncated).clamp_max(1.0);
  storage_.Add(transition_);
  if (recurrent_) policy_->actor->Reset(transition_.dones);  // ended episodes start afresh
  if (bc_.net) bc_.net->Reset(transition_.dones);
}

ActionDistribution Ppo::ReplayActor(const MiniBatch& batch) {
  auto& memory = policy_->actor->memory;
  auto rows = [&batch](const torch::Tensor& state) {  // [layers, N, size] -> the batch's envs
    return state.defined() ? state.index_select(1, batch.envs) : state;
  };
  memory->SetState({rows(rollout_start_memory_.first), rows(rollout_start_memory_.second)});
  const int64_t steps = batch.steps, envs = batch.envs.size(0);
  const auto obs = batch.observations.view({steps, envs, -1});
  const auto dones = batch.dones.view({steps, envs, 1});
  std::vector<torch::Tensor> means, stds;
  for (int64_t t = 0; t < steps; ++t) {
    const ActionDistribution d = policy_->actor->Distribution(obs[t]);
    means.push_back(d.mean);
    stds.push_back(d.std);
    policy_->actor->Reset(dones[t]);
  }
  return {torch::cat(means), torch::cat(stds)};
}

void Ppo::ComputeReturns(const ObsMap& last_obs) {
  torch::NoGradGuard no_grad;
  const auto last_values = policy_->Evaluate(last_obs.at(critic_group_));
  storage_.ComputeReturns(last_values, config_.gamma, config_.lam, config_.normalize_advantages,
                          comm_);
}

void Ppo::BroadcastFromRankZero() { BroadcastModule(comm_, *policy_); }

Stats Ppo::Update() {
  Stats stats;
  // a non-finite rollout is never learned from (data-parallel: any rank's skips every rank's)
  double nonfinite = 0;
  for (const auto* t : {&storage_.observations, &storage_.critic_observations, &storage_.rewards,
                        &storage_.returns})
    if (!torch::isfinite(*t).all().item<bool>()) nonfinite = 1;
  if (SumOverRanks(comm_, nonfinite) > 0) {
    storage_.Clear();
    stats["skipped_nonfinite_rollout"] = 1;
    return stats;
  }
  // snapshot to roll back to if the update diverges
  std::vector<torch::Tensor> saved;
  for (const auto& p : policy_->parameters()) saved.push_back(p.detach().clone());
  std::stringstream optimizer_state;
  {
    torch::serialize::OutputArchive archive;
    optimizer_->save(archive);
    archive.save_to(optimizer_state);
  }
  if (config_.schedule == Schedule::kLinear) {
    const double progress = std::min(1.0, static_cast<double>(updates_) / config_.lr_decay_iterations);
    SetLearningRate(config_.learning_rate +
                    (config_.final_learning_rate - config_.learning_rate) * progress);
  }
  const double bc_coef = BcCoefficient();
  ++updates_;
  const double saved_lr = learning_rate_;

  double surrogate = 0, value = 0, entropy = 0, kl_sum = 0, symmetry_sum = 0, bc_sum = 0;
  int count = 0;
  bool diverged = false;
  const bool distributed = IsDistributed(comm_);
  const auto params = policy_->parameters();
  const int64_t n_envs = storage_.num_envs_;
  // a recurrent actor acts on after the update from where the rollout left its memory
  std::pair<torch::Tensor, torch::Tensor> rollout_end_memory;
  if (recurrent_) rollout_end_memory = policy_->actor->memory->State();
  auto learn = [&](const MiniBatch& original) {
        if (diverged) return;
        // data-parallel: this rank's members of the run's mini-batch, its mean loss weighted by
        // their share and the gradients summed over the ranks: the run's mean gradient. A rank
        // may hold none of a mini-batch's samples: it adds zeros.
        const bool empty = original.observations.size(0) == 0;
        const double share = original.share;
        double kl = 0, batch_symmetry = 0, batch_bc = 0;
        bool finite = true;
        PpoLoss loss;
        optimizer_->zero_grad();
        if (!empty) {
          // data augmentation: the mirror image of every transition is a transition of the
          // mirrored robot with the same advantage, return and (for a symmetric policy) probability
          MiniBatch augmented;
          if (config_.symmetry_augmentation) {
            const MiniBatch& b = original;
            augmented.observations =
                torch::cat({b.observations, symmetry_.actor.Apply(b.observations)});
            if (config_.symmetry_critic)
              augmented.critic_observations = torch::cat(
                  {b.critic_observations, symmetry_.critic.Apply(b.critic_observations)});
            augmented.actions = torch::cat({b.actions, symmetry_.actions.Apply(b.actions)});
            augmented.action_mean =
                torch::cat({b.action_mean, symmetry_.actions.Apply(b.action_mean)});
            augmented.action_std =
                torch::cat({b.action_std, b.action_std.index_select(-1, symmetry_.actions.index)});
            if (bc_.net)
              augmented.teacher_actions = torch::cat(
                  {b.teacher_actions, symmetry_.actions.Apply(b.teacher_actions)});
            for (auto [to, from] : {std::pair{&augmented.values, &b.values},
                                    {&augmented.advantages, &b.advantages},
                                    {&augmented.returns, &b.returns},
                                    {&augmented.log_probs, &b.log_probs}})
              *to = torch::cat({*from, *from});
          }
          const MiniBatch& batch = config_.symmetry_augmentation ? augmented : original;
          const MiniBatch& value_batch =
              config_.symmetry_augmentation && !config_.symmetry_critic ? original : batch;
          const ActionDistribution dist = recurrent_ ? ReplayActor(batch)
                                                     : policy_->Distribution(batch.observations);
          const auto values = policy_->Evaluate(value_batch.critic_observations);
          if (config_.schedule == Schedule::kAdaptive) {
            torch::NoGradGuard no_grad;
            kl =
                GaussianKl(batch.action_mean, batch.action_std, dist.mean, dist.std).item<double>();
          }
          loss = ComputePpoLoss(config_, batch, dist, values, &value_batch);
          if (config_.symmetry_loss_coef > 0) {
            // the mean on a mirrored observation should be the mirrored mean (the target detached)
            const int64_t n = original.observations.size(0);
            const auto mirrored_mean =
                config_.symmetry_augmentation
                    ? dist.mean.slice(0, n, 2 * n)  // the augmented half already is the mirror
                    : policy_->actor->Distribution(symmetry_.actor.Apply(original.observations))
                          .mean;
            const auto target = symmetry_.actions.Apply(dist.mean.slice(0, 0, n)).detach();
            const auto symmetry_loss = (mirrored_mean - target).square().sum(-1).mean();
            loss.total = loss.total + config_.symmetry_loss_coef * symmetry_loss;
            batch_symmetry = symmetry_loss.item<double>();
          }
          if (bc_.net) {
            // the teacher's action is the label of the actor's mean (the same mse as
            // distillation's), weighted by this update's coefficient
            const auto bc_loss = (dist.mean - batch.teacher_actions).square().mean();
            if (bc_coef > 0) loss.total = loss.total + bc_coef * bc_loss;
            batch_bc = bc_loss.item<double>();
          }
          finite = torch::isfinite(loss.total).item<bool>();
          if (finite) (share == 1.0 ? loss.total : loss.total * share).backward();
        }
        double batch_surrogate = empty || !finite ? 0.0 : loss.surrogate.item<double>();
        double batch_value = empty || !finite ? 0.0 : loss.value.item<double>();
        double batch_entropy = empty || !finite ? 0.0 : loss.entropy.item<double>();
        if (distributed) {
          // one all-reduce per mini-batch: every gradient, then the weighted KL and losses and a
          // non-finite flag, so every rank takes the same step and the same learning rate
          std::vector<torch::Tensor> pieces = GradientPieces(params);
          if (local_gradient_observer) local_gradient_observer(pieces);
          const std::vector<double> scalars = {kl * share,
                                               batch_surrogate * share,
                                               batch_value * share,
                                               batch_entropy * share,
                                               batch_symmetry * share,
                                               batch_bc * share,
                                               finite ? 0.0 : 1.0};
          pieces.push_back(torch::tensor(scalars, torch::kFloat64).to(torch::kFloat32));
          const auto flat = SumOverRanks(comm_, torch::cat(pieces));
          const auto s = flat.slice(0, SetGradients(flat, params)).to(torch::kFloat64);
          kl = s[0].item<double>(), batch_surrogate = s[1].item<double>();
          batch_value = s[2].item<double>(), batch_entropy = s[3].item<double>();
          batch_symmetry = s[4].item<double>(), batch_bc = s[5].item<double>();
          finite = s[6].item<double>() == 0.0;
        }
        if (!finite) {
          diverged = true;
          return;
        }
        // adaptive learning rate from KL(old || new) (the run's mean, the same on every rank)
        if (config_.schedule == Schedule::kAdaptive) {
          kl_sum += kl;
          if (kl > 2.0 * config_.desired_kl)
            SetLearningRate(std::max(config_.min_learning_rate, learning_rate_ / 1.5));
          else if (kl < 0.5 * config_.desired_kl && kl > 0.0)
            SetLearningRate(std::min(config_.max_learning_rate, learning_rate_ * 1.5));
        }
        torch::nn::utils::clip_grad_norm_(params, config_.max_grad_norm);
        optimizer_->step();
        // an update that leaves a parameter non-finite (or a scalar std <= 0, which has no
        // Normal distribution) is rolled back below instead of poisoning the next mini-batch
        if (!ParametersFinite()) {
          diverged = true;
          return;
        }
        surrogate += batch_surrogate;
        value += batch_value;
        entropy += batch_entropy;
        symmetry_sum += batch_symmetry;
        bc_sum += batch_bc;
        ++count;
      };
  if (recurrent_)
    storage_.ForEachEnvMiniBatch(config_.num_mini_batches, config_.num_learning_epochs, learn,
                                 RankOf(comm_) * n_envs, WorldSizeOf(comm_) * n_envs);
  else
    storage_.ForEachMiniBatch(config_.num_mini_batches, config_.num_learning_epochs, learn,
                              RankOf(comm_) * n_envs, WorldSizeOf(comm_) * n_envs);
  if (recurrent_) policy_->actor->memory->SetState(rollout_end_memory);
  if (!diverged) {
    // Normalizer statistics move only here, after the policy update and from the rollout just
    // learned from: within an iteration, acting and learning see the same normalization, so
    // the KL that drives the learning rate measures the update and not the statistics' drift.
    policy_->UpdateNormalization(storage_.observations, storage_.critic_observations, comm_);
  }
  storage_.Clear();
  if (diverged) {
    torch::NoGradGuard no_grad;
    auto params = policy_->parameters();
    for (size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
    torch::serialize::InputArchive archive;
    archive.load_from(optimizer_state);
    optimizer_->load(archive);
    SetLearningRate(std::max(config_.min_learning_rate, saved_lr / 2.0));
    stats["rolled_back"] = 1;
    return stats;
  }
  stats["value_loss"] = value / count;
  stats["surrogate_loss"] = surrogate / count;
  stats["entropy"] = entropy / count;
  if (config_.schedule == Schedule::kAdaptive) stats["kl"] = kl_sum / count;
  if (config_.symmetry_loss_coef > 0) stats["symmetry_loss"] = symmetry_sum / count;
  if (bc_.net) {
    stats["bc_loss"] = bc_sum / count;
    stats["bc_coef"] = bc_coef;
  }
  return stats;
}

void Ppo::Save(torch::serialize::OutputArchive* archive) {
  torch::serialize::OutputArchive policy, optimizer;
  policy_->save(policy);
  optimizer_->save(optimizer);
  archive->write("policy", policy);
  archive->write("optimizer", optimizer);
  archive->write("learning_rate", torch::tensor(learning_rate_, torch::kFloat64));
  archive->write("updates", c10::IValue(static_cast<int64_t>(updates_)));
}

void Ppo::Load(torch::serialize::InputArchive* archive) {
  torch::serialize::InputArchive policy, optimizer;
  archive->read("policy", policy);
  policy_->load(policy);
  archive->read("optimizer", optimizer);
  optimizer_->load(optimizer);
  torch::Tensor lr;
  archive->read("learning_rate", lr);
  SetLearningRate(lr.item<double>());
  c10::IValue updates;  // absent in checkpoints written before the linear schedule
  if (archive->try_read("updates", updates)) updates_ = static_cast<int>(updates.toInt());
}

}  // namespace tutor
