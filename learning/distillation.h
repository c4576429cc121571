#ifndef TUTOR_LEARNING_DISTILLATION_H_
#define TUTOR_LEARNING_DISTILLATION_H_

#include <memory>
#include <string>

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
  torch::Tensor teacher_features;  // [B, Ft] (feature loss)
};
torch::Tensor DistillationLoss(const DistillationConfig& config, const DistillationLossInput& in,
                               torch::nn::Linear projection);

// DAgger-style distillation on the `student` and `teacher` observation sets: the student acts
// (with its exploration noise) in the env, the frozen teacher labels every visited state; the
// student learns to match the labels with losses summed over `gradient_length` transitions
// per optimizer step (truncated BPTT for a recurrent student); a shorter remainder at the end
// of an update gets its own step. Storage is cleared every iteration.
class Distillation : public Algorithm {
 public:
  Distillation(StudentTeacher model, const DistillationConfig& config, int num_steps,
               int num_envs, ObservationSets sets);

  torch::Tensor Act(const ObsMap& obs) override;
  void ProcessStep(const EnvStep& step) override;
  void ComputeReturns(const ObsMap&) override {}
  Stats Update() override;
  std::vector<std::string> StatNames() const override {
    return {"behavior_loss", "optimizer_steps", "teacher_mix"};
  }
  std::string Kind() const override { return "distillation"; }
  std::string DescribeModel() const override { return DescribeStudentTeacher(model_); }
  const ObservationSets& Sets() const override { return sets_; }

  void Save(torch::serialize::OutputArchive* archive) override;
  void Load(torch::serialize::InputArchive* archive) override;
  double LearningRate() const override { return learning_rate_; }
  double ActionStd() const override;

  StudentTeacher model() const { return model_; }
  int optimizer_steps() const { return optimizer_steps_; }
  RolloutStorage& storage() { return storage_; }

 private:
  double TeacherMixProbability() const;
  double ScheduledLearningRate() const;  // the rate for update number `updates_`

  StudentTeacher model_;
  DistillationConfig config_;
  ObservationSets sets_;
  std::string student_group_, teacher_group_;  // resolved once from the sets
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  RolloutStorage storage_;
  Transition transition_;
  std::pair<torch::Tensor, torch::Tensor> rollout_start_memory_;  // student state at step 0
  int updates_ = 0, optimizer_steps_ = 0;
  double learning_rate_;  // the rate of the latest (or next) update
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_DISTILLATION_H_
