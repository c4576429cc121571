#include "learning/distillation.h"

#include "core/error.h"
#include "learning/ppo.h"

namespace tutor {
namespace {

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(OptimizerType type,
                                                       std::vector<torch::Tensor> params,
                                                       double lr) {
  switch (type) {
    case OptimizerType::kAdam:
      return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(lr));
    case OptimizerType::kAdamW:
      return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(lr));
    case OptimizerType::kSgd:
      return std::make_unique<torch::optim::SGD>(params,
                                                 torch::optim::SGDOptions(lr).momentum(0.9));
    case OptimizerType::kRmsProp:
      return std::make_unique<torch::optim::RMSprop>(params, torch::optim::RMSpropOptions(lr));
  }
  throw Error("unreachable optimizer type");
}

// the width of the stored teacher features: every teacher's matched hidden layer, joined
int TeacherFeatureWidth(const StudentTeacher& model, BcLoss loss) {
  if (loss != BcLoss::kFeature) return 0;
  int width = 0;
  for (const auto& t : model->teachers) width += t->HiddenWidth(model->teacher_feature_layer);
  return width;
}

}  // namespace

torch::Tensor DistillationLoss(const DistillationConfig& c, const DistillationLossInput& in,
                               torch::nn::Linear projection) {
  return DistillationLoss(c, in, std::vector<torch::nn::Linear>{projection});
}

torch::Tensor DistillationLoss(const DistillationConfig& c, const DistillationLossInput& in,
                               std::vector<torch::nn::Linear> projections) {
  const auto& s = in.student_mean;
  const auto& t = in.teacher_mean;
  switch (c.loss) {
    case BcLoss::kMse: return (s - t).square().mean();
    case BcLoss::kHuber:
      return torch::nn::functional::huber_loss(
          s, t, torch::nn::functional::HuberLossFuncOptions().delta(c.huber_delta));
    case BcLoss::kKl: {
      // Gaussian policy matching; the temperature widens (or narrows) the teacher's std
      const auto teacher_std = (in.teacher_std * c.kl_temperature).expand_as(t);
      const auto student_std = in.student_std.expand_as(s);
      return c.kl_direction == KlDirection::kReverse
                 ? GaussianKl(s, student_std, t, teacher_std)
                 : GaussianKl(t, teacher_std, s, student_std);
    }
    case BcLoss::kFeature: {
      const auto action = (s - t).square().mean();
      if (!in.teacher_weights.defined()) {
        const auto feature =
            (projections.at(0)->forward(in.student_features) - in.teacher_features)
                .square()
                .mean();
        return action + c.feature_coef * feature;
      }
      torch::Tensor feature;
      int64_t offset = 0;
      for (size_t k = 0; k < projections.size(); ++k) {
        const auto projected = projections[k]->forward(in.student_features);
        const int64_t width = projected.size(1);
        const auto target = in.teacher_features.narrow(1, offset, width);
        offset += width;
        const auto per_sample = (projected - target).square().mean(1, true);  // [B, 1]
        const auto term =
            (in.teacher_weights.narrow(1, static_cast<int64_t>(k), 1) * per_sample).mean();
        feature = feature.defined() ? feature + term : term;
      }
      return action + c.feature_coef * feature;
    }
  }
  throw Error("unreachable loss type");
}

TeacherLabel CombineTeachers(const std::vector<torch::Tensor>& means,
                             const std::vector<torch::Tensor>& stds, const torch::Tensor& index,
                             BcLoss loss) {
  const int64_t k = static_cast<int64_t>(means.size());
  const auto all_means = torch::stack(means);  // [K, B, A]
  const auto all_stds = torch::stack(stds);    // [K, A]
  const int64_t batch = all_means.size(1);
  TeacherLabel label;
  if (index.defined()) {
    const auto rows = torch::arange(batch, torch::kLong);
    label.mean = all_means.index({index, rows});  // [B, A]
    label.std = all_stds.index_select(0, index);  // [B, A]
    label.weights = torch::one_hot(index, k).to(torch::kFloat32);
    return label;
  }
  const auto precision = all_stds.square().reciprocal();  // [K, A]
  const auto total = precision.sum(0);                     // [A]
  label.std = total.rsqrt().expand({batch, all_stds.size(1)}).contiguous();
  label.mean = loss == BcLoss::kKl
                   ? (all_means * (precision / total).unsqueeze(1)).sum(0)
                   : all_means.mean(0);
  label.weights = torch::full({batch, k}, 1.0 / static_cast<double>(k));
  return label;
}

Distillation::Distillation(StudentTeacher model, const DistillationConfig& config, int num_steps,
                           int num_envs, ObservationSets sets)
    : model_(std::move(model)),
      config_(config),
      sets_(std::move(sets)),
      student_group_(SetGroup(sets_, "student", "distillation")),
      storage_(RolloutStorage::Mode::kDistillation, num_steps, num_envs,
               {model_->student->spec.obs, 0, model_->student->spec.actions,
                TeacherFeatureWidth(model_, config.loss), model_->NumTeachers()}) {
  for (int k = 0; k < model_->NumTeachers(); ++k)
    teacher_groups_.push_back(SetGroup(sets_, TeacherRole(k), "distillation"));
  if (config_.loss == BcLoss::kFeature &&
      static_cast<int>(model_->projections.size()) != model_->NumTeachers())
    throw ConfigError("distillation.loss: 'feature' needs the model built with a projection");
  optimizer_ = MakeOptimizer(config_.optimizer, model_->StudentParameters(), config_.learning_rate);
  learning_rate_ = config_.learning_rate;
}

double Distillation::ScheduledLearningRate() const {
  if (config_.lr_decay_iterations <= 0) return config_.learning_rate;
  const double progress =
      std::min(1.0, static_cast<double>(updates_) / config_.lr_decay_iterations);
  return config_.learning_rate + (config_.final_learning_rate - config_.learning_rate) * progress;
}

double Distillation::ActionStd() const { return model_->student->Std().mean().item<double>(); }

double Distillation::TeacherMixProbability() const {
  if (config_.teacher_mix_iterations <= 0) return 0.0;
  const double left = 1.0 - static_cast<double>(updates_) / config_.teacher_mix_iterations;
  return std::max(0.0, config_.teacher_mix_start * left);
}

std::vector<std::string> Distillation::StatNames() const {
  std::vector<std::string> names = {"behavior_loss", "optimizer_steps", "teacher_mix"};
  if (model_->NumTeachers() > 1)
    for (int k = 0; k < model_->NumTeachers(); ++k)
      names.push_back("teacher_share/" + TeacherRole(k));
  return names;
}

torch::Tensor Distillation::Act(const ObsMap& obs) {
  torch::NoGradGuard no_grad;
  const auto& student_obs = obs.at(student_group_);
  if (storage_.Step() == 0 && model_->student->memory)
    rollout_start_memory_ = model_->student->memory->State();
  // every teacher labels every visited state (and its hidden layer, for feature matching)
  const int k_count = model_->NumTeachers();
  const bool features = storage_.teacher_features.defined();
  std::vector<torch::Tensor> means, hidden, stds;
  for (int k = 0; k < k_count; ++k) {
    auto& teacher = model_->teachers[k];
    const auto& teacher_obs = obs.at(teacher_groups_[k]);
    if (features) {
      auto [f, mean] = teacher->ForwardWithHidden(teacher_obs, model_->teacher_feature_layer);
      hidden.push_back(f);
      means.push_back(mean);
    } else {
      means.push_back(teacher->forward(teacher_obs));
    }
    stds.push_back(teacher->Std().detach());
  }
  torch::Tensor teacher_actions;
  if (k_count == 1) {
    teacher_actions = means[0];
    if (features) transition_.teacher_features = hidden[0];
  } else {
    torch::Tensor index;  // undefined: the ensemble
    if (config_.teacher_routing == TeacherRouting::kDomain) {
      if (!router_)
        throw Error("distillation: several teachers routed by domain, but no router was set");
      auto route = router_();
      if (static_cast<int64_t>(route.size()) != student_obs.size(0))
        throw Error("distillation: the router gave " + std::to_string(route.size()) +
                    " teachers for " + std::to_string(student_obs.size(0)) + " envs");
      index = torch::tensor(route, torch::kLong);
      if (index.min().item<int64_t>() < 0 || index.max().item<int64_t>() >= k_count)
        throw Error("distillation: the router named a teacher out of range");
    }
    const TeacherLabel label = CombineTeachers(means, stds, index, config_.loss);
    teacher_actions = label.mean;
    transition_.teacher_std = label.std;
    transition_.teacher_weights = label.weights;
    if (features) transition_.teacher_features = torch::cat(hidden, 1);
  }
  const auto mean = model_->student->forward(student_obs);
  // data-parallel: this rank's rows of the run's draws, so env g's are the same for any
  // number of ranks
  const int64_t n = mean.size(0), first = RankOf(comm_) * n, total = WorldSizeOf(comm_) * n;
  const auto noise = total == n ? torch::randn_like(mean)
                                : torch::randn({total, mean.size(1)}).slice(0, first, first + n);
  auto actions = mean + model_->student->Std() * noise;
  // early on, the teacher may drive some envs so the student sees good states first
  const double mix = TeacherMixProbability();
  torch::Tensor acting = actions;
  if (mix > 0) {
    const auto draw = torch::rand({total, 1}).slice(0, first, first + n);
    const auto use_teacher = (draw < mix).to(actions.dtype());
    acting = use_teacher * teacher_actions + (1 - use_teacher) * actions;
  }
  transition_.observations = student_obs.clone();
  transition_.actions = actions;
  transition_.teacher_actions = teacher_actions;
  return acting;
}

void Distillation::ProcessStep(const EnvStep& step) {
  torch::NoGradGuard no_grad;
  transition_.dones = (step.terminated + step.truncated).clamp_max(1.0);
  transition_.rewards = step.rewards;
  storage_.Add(transition_);
  model_->Reset(transition_.dones);  // recurrent states of ended episodes start again
}

Stats Distillation::Update() {
  Stats stats;
  const int steps = storage_.Step();
  auto& student = model_->student;
  // the collection continues from the rollout's last state after the update
  std::pair<torch::Tensor, torch::Tensor> rollout_end_memory;
  if (student->memory) rollout_end_memory = student->memory->State();
  const auto teacher_std = model_->teacher->Std().detach();
  learning_rate_ = ScheduledLearningRate();
  for (auto& group : optimizer_->param_groups()) group.options().set_lr(learning_rate_);

  torch::Tensor loss;
  double loss_sum = 0;
  int count = 0, optimizer_steps = 0;
  auto step = [&]() {
    optimizer_->zero_grad();
    loss.backward();
    // data-parallel: each rank's loss is the mean over its envs (all ranks hold as many), so
    // the ranks' mean gradient is the run's
    AverageGradients(comm_, model_->StudentParameters());
    torch::nn::utils::clip_grad_norm_(model_->StudentParameters(), config_.max_grad_norm);
    optimizer_->step();
    ++optimizer_steps;
    loss = torch::Tensor();
    if (student->memory) student->memory->Detach();  // truncated BPTT
  };
  for (int epoch = 0; epoch < config_.num_learning_epochs; ++epoch) {
    if (student->memory) student->memory->SetState(rollout_start_memory_);
    for (int t = 0; t < steps; ++t) {
      DistillationLossInput in;
      if (config_.loss == BcLoss::kFeature) {
        std::tie(in.student_features, in.student_mean) =
            student->ForwardWithHidden(storage_.observations[t], model_->student_feature_layer);
        in.teacher_features = storage_.teacher_features[t];
      } else {
        in.student_mean = student->forward(storage_.observations[t]);
      }
      in.student_std = student->Std();
      in.teacher_mean = storage_.teacher_actions[t];
      if (storage_.teacher_std.defined()) {  // several teachers: the label's own
        in.teacher_std = storage_.teacher_std[t];
        in.teacher_weights = storage_.teacher_weights[t];
      } else {
        in.teacher_std = teacher_std;
      }
      const auto l = DistillationLoss(config_, in, model_->projections);
      loss_sum += l.item<double>();
      loss = loss.defined() ? loss + l : l;
      if (++count % config_.gradient_length == 0) step();
      student->Reset(storage_.dones[t]);
    }
  }
  // the transitions after the last full `gradient_length` are learned from too
  if (loss.defined()) step();
  // student normalizer statistics move after the update (as in PPO)
  student->normalizer->Update(storage_.observations, comm_);
  if (student->memory) student->memory->SetState(rollout_end_memory);
  // several teachers: the share of this rollout's samples each one labelled
  if (storage_.teacher_weights.defined() && steps > 0) {
    const auto share = SumOverRanks(comm_, storage_.teacher_weights.narrow(0, 0, steps)
                                               .mean(std::vector<int64_t>{0, 1})
                                               .contiguous()) /
                       WorldSizeOf(comm_);
    for (int k = 0; k < model_->NumTeachers(); ++k)
      stats["teacher_share/" + TeacherRole(k)] = share[k].item<double>();
  }
  storage_.Clear();
  ++updates_;
  optimizer_steps_ += optimizer_steps;
  stats["behavior_loss"] = count ? SumOverRanks(comm_, loss_sum) / WorldSizeOf(comm_) / count : 0.0;
  stats["optimizer_steps"] = optimizer_steps;
  if (config_.teacher_mix_iterations > 0) stats["teacher_mix"] = TeacherMixProbability();
  return stats;
}

void Distillation::Save(torch::serialize::OutputArchive* archive) {
  torch::serialize::OutputArchive model, optimizer;
  model_->save(model);
  optimizer_->save(optimizer);
  archive->write("policy", model);
  archive->write("optimizer", optimizer);
  archive->write("updates", c10::IValue(static_cast<int64_t>(updates_)));
}

void Distillation::Load(torch::serialize::InputArchive* archive) {
  torch::serialize::InputArchive model, optimizer;
  archive->read("policy", model);
  model_->load(model);
  for (auto& t : model_->teachers) t->eval();
  archive->read("optimizer", optimizer);
  optimizer_->load(optimizer);
  c10::IValue updates;
  if (archive->try_read("updates", updates)) updates_ = static_cast<int>(updates.toInt());
  learning_rate_ = ScheduledLearningRate();
}

}  // namespace tutor
