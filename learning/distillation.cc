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

}  // namespace

torch::Tensor DistillationLoss(const DistillationConfig& c, const DistillationLossInput& in,
                               torch::nn::Linear projection) {
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
      const auto feature =
          (projection->forward(in.student_features) - in.teacher_features).square().mean();
      return action + c.feature_coef * feature;
    }
  }
  throw Error("unreachable loss type");
}

Distillation::Distillation(StudentTeacher model, const DistillationConfig& config, int num_steps,
                           int num_envs, ObservationSets sets)
    : model_(std::move(model)),
      config_(config),
      sets_(std::move(sets)),
      student_group_(SetGroup(sets_, "student", "distillation")),
      teacher_group_(SetGroup(sets_, "teacher", "distillation")),
      storage_(RolloutStorage::Mode::kDistillation, num_steps, num_envs,
               {model_->student->spec.obs, 0, model_->student->spec.actions,
                config.loss == BcLoss::kFeature
                    ? model_->teacher->HiddenWidth(model_->teacher_feature_layer)
                    : 0}) {
  if (config_.loss == BcLoss::kFeature && !model_->projection)
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

torch::Tensor Distillation::Act(const ObsMap& obs) {
  torch::NoGradGuard no_grad;
  const auto& student_obs = obs.at(student_group_);
  const auto& teacher_obs = obs.at(teacher_group_);
  if (storage_.Step() == 0 && model_->student->memory)
    rollout_start_memory_ = model_->student->memory->State();
  // the teacher labels every visited state (and its hidden layer, for feature matching)
  torch::Tensor teacher_actions;
  if (storage_.teacher_features.defined()) {
    auto [features, mean] =
        model_->teacher->ForwardWithHidden(teacher_obs, model_->teacher_feature_layer);
    transition_.teacher_features = features;
    teacher_actions = mean;
  } else {
    teacher_actions = model_->TeacherAct(teacher_obs);
  }
  const auto mean = model_->student->forward(student_obs);
  auto actions = mean + model_->student->Std() * torch::randn_like(mean);
  // early on, the teacher may drive some envs so the student sees good states first
  const double mix = TeacherMixProbability();
  torch::Tensor acting = actions;
  if (mix > 0) {
    const auto use_teacher = (torch::rand({actions.size(0), 1}) < mix).to(actions.dtype());
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
      in.teacher_std = teacher_std;
      const auto l = DistillationLoss(config_, in, model_->projection);
      loss_sum += l.item<double>();
      loss = loss.defined() ? loss + l : l;
      if (++count % config_.gradient_length == 0) step();
      student->Reset(storage_.dones[t]);
    }
  }
  // the transitions after the last full `gradient_length` are learned from too
  if (loss.defined()) step();
  // student normalizer statistics move after the update (as in PPO)
  student->normalizer->Update(storage_.observations);
  if (student->memory) student->memory->SetState(rollout_end_memory);
  storage_.Clear();
  ++updates_;
  optimizer_steps_ += optimizer_steps;
  stats["behavior_loss"] = count ? loss_sum / count : 0.0;
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
  model_->teacher->eval();
  archive->read("optimizer", optimizer);
  optimizer_->load(optimizer);
  c10::IValue updates;
  if (archive->try_read("updates", updates)) updates_ = static_cast<int>(updates.toInt());
  learning_rate_ = ScheduledLearningRate();
}

}  // namespace tutor
