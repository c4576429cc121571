#ifndef TUTOR_LEARNING_DISTILLATION_H_
#define TUTOR_LEARNING_DISTILLATION_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "learning/algorithm.h"
#include "learning/learning_config.h"
#include "learning/rollout_storage.h"
#include "learning/student_teacher.h"

namespace tutor {

// the behaviour-cloning loss between the student's output and the teacher's label
struct DistillationLossInput {
  torch::Tensor student_mean;      // [B, A]
  torch::Tensor student_std;       // [A] or [B, A]
  torch::Tensor teacher_mean;      // [B, A]
  torch::Tensor teacher_std;       // [A] or [B, A]
  torch::Tensor student_features;  // [B, Fs] (feature loss)
  // [B, Ft] (feature loss): the teacher's hidden layer; several teachers: each one's, joined in
  // teacher order (widths Ft_k, in the order of the projections)
  torch::Tensor teacher_features;
  // [B, K] several teachers (feature loss): each one's share of a sample's feature term
  // (domain routing: 1 for the responsible teacher; ensemble: 1 / K); undefined: one teacher
  torch::Tensor teacher_weights;
};
// one teacher: the feature term is mean((projection(student features) - teacher features)^2)
torch::Tensor DistillationLoss(const DistillationConfig& config, const DistillationLossInput& in,
                               torch::nn::Linear projection);
// several: sum_k mean_b(w_bk * mean_f((projection_k(s_b) - f_bk)^2)), the same for K = 1, w = 1
torch::Tensor DistillationLoss(const DistillationConfig& config, const DistillationLossInput& in,
                               std::vector<torch::nn::Linear> projections);

// The label of several teachers for a batch, from each one's mean [B, A] and std [A]:
// - `index` [B] (domain routing): sample b's label is teacher index[b]'s mean and std, its
//   weights one-hot;
// - `index` undefined (ensemble): the product of the teachers' Gaussians for kl (per action
//   dimension, precisions p_k = 1 / std_k^2: mean = sum_k p_k mean_k / sum_k p_k, std =
//   (sum_k p_k)^-1/2 — with state-independent stds a fixed weighted mean), the plain mean of
//   the means for mse, huber and feature (std as for kl); weights 1 / K.
struct TeacherLabel {
  torch::Tensor mean, std, weights;  // [B, A], [B, A], [B, K]
};
TeacherLabel CombineTeachers(const std::vector<torch::Tensor>& means,
                             const std::vector<torch::Tensor>& stds, const torch::Tensor& index,
                             BcLoss loss);

// DAgger-style distillation on the `student` and `teacher` observation sets: the student acts
// (with its exploration noise) in the env, the frozen teacher labels every visited state; the
// student learns to match the labels with losses summed over `gradient_length` transitions
// per optimizer step (truncated BPTT for a recurrent student); a shorter remainder at the end
// of an update gets its own step. Storage is cleared every iteration.
// Several teachers (the model's teachers k = 0..K-1 read the sets `teacher`, `teacher_1`, ...):
// every teacher runs on every env at every step (a recurrent teacher's state stays that of
// its own history), and CombineTeachers makes the label: by domain, with the teacher of each
// env from the router (SetRouter), or as an ensemble.
class Distillation : public Algorithm {
 public:
  Distillation(StudentTeacher model, const DistillationConfig& config, int num_steps,
               int num_envs, ObservationSets sets);

  torch::Tensor Act(const ObsMap& obs) override;
  void ProcessStep(const EnvStep& step) override;
  void ComputeReturns(const ObsMap&) override {}
  Stats Update() override;
  void BroadcastFromRankZero() override { BroadcastModule(comm_, *model_); }
  std::vector<std::string> StatNames() const override;
  std::string Kind() const override { return "distillation"; }
  std::string DescribeModel() const override { return DescribeStudentTeacher(model_); }
  const ObservationSets& Sets() const override { return sets_; }

  void Save(torch::serialize::OutputArchive* archive) override;
  void Load(torch::serialize::InputArchive* archive) override;
  double LearningRate() const override { return learning_rate_; }
  double ActionStd() const override;

  // several teachers routed by domain: the teacher of every env, read at each Act
  void SetRouter(std::function<std::vector<int64_t>()> router) { router_ = std::move(router); }

  StudentTeacher model() const { return model_; }
  int optimizer_steps() const { return optimizer_steps_; }
  RolloutStorage& storage() { return storage_; }

 private:
  double TeacherMixProbability() const;
  double ScheduledLearningRate() const;  // the rate for update number `updates_`

  StudentTeacher model_;
  DistillationConfig config_;
  ObservationSets sets_;
  std::string student_group_;
  std::vector<std::string> teacher_groups_;  // per teacher, resolved once from the sets
  std::function<std::vector<int64_t>()> router_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  RolloutStorage storage_;
  Transition transition_;
  std::pair<torch::Tensor, torch::Tensor> rollout_start_memory_;  // student state at step 0
  int updates_ = 0, optimizer_steps_ = 0;
  double learning_rate_;  // the rate of the latest (or next) update
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_DISTILLATION_H_
