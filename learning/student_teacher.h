#ifndef TUTOR_LEARNING_STUDENT_TEACHER_H_
#define TUTOR_LEARNING_STUDENT_TEACHER_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "learning/actor_critic.h"
#include "learning/configs.h"
#include "learning/memory.h"

namespace tutor {

// A Gaussian policy network: normalizer -> optional LSTM/GRU -> MLP -> mean, with a std.
// Serves as the distilled student and as a (frozen) teacher.
struct PolicySpec {
  int obs = 0;
  int actions = 0;
  std::vector<int> hidden;
  std::string activation = "elu";
  std::string memory = "none";
  int memory_size = 0, memory_layers = 1;
  bool obs_normalization = true;
  double init_std = 1.0;
  std::string std_type = "scalar";
};

struct PolicyNetImpl : torch::nn::Module {
  explicit PolicyNetImpl(const PolicySpec& spec);
  torch::Tensor forward(const torch::Tensor& obs);  // mean action; advances the memory
  // {hidden layer `layer` of the MLP (-1: last hidden), mean action}
  std::pair<torch::Tensor, torch::Tensor> ForwardWithHidden(const torch::Tensor& obs, int layer);
  torch::Tensor Std() const;  // [A]
  void Reset(const torch::Tensor& mask);  // recurrent state of ended episodes
  bool recurrent() const { return static_cast<bool>(memory); }
  int HiddenWidth(int layer) const;

  PolicySpec spec;
  EmpiricalNormalizer normalizer{nullptr};
  Memory memory{nullptr};
  Mlp mlp{nullptr};
  torch::Tensor std_param;  // [A]
};
TORCH_MODULE(PolicyNet);

PolicySpec StudentSpec(const StudentConfig& config, int obs, int actions);
// a frozen copy of a PPO actor (normalizer, MLP, std): the teacher of a first stage
PolicyNet PolicyNetFromActor(ActorCritic actor_critic);

// The student (acts on `policy`) and its frozen teacher (labels on `teacher`); the teacher is
// in eval mode with no gradients, always. `projection` maps a student hidden layer to a
// teacher hidden layer for feature matching (absent otherwise).
struct StudentTeacherImpl : torch::nn::Module {
  StudentTeacherImpl(PolicyNet student, PolicyNet teacher, int student_feature_layer = -1,
                     int teacher_feature_layer = -1, bool with_projection = false);

  torch::Tensor ActInference(const torch::Tensor& student_obs) { return student->forward(student_obs); }
  torch::Tensor TeacherAct(const torch::Tensor& teacher_obs);  // no grad
  std::vector<torch::Tensor> StudentParameters();  // what the optimizer trains
  void Reset(const torch::Tensor& mask);  // both memories
  void train(bool on = true) override;    // never puts the teacher in training mode

  PolicyNet student{nullptr}, teacher{nullptr};
  torch::nn::Linear projection{nullptr};
  int student_feature_layer, teacher_feature_layer;
};
TORCH_MODULE(StudentTeacher);

// architecture <-> YAML text, so a loader never mirrors it by hand
std::string DescribePolicySpec(const PolicySpec& spec);
PolicySpec ParsePolicySpec(const std::string& yaml_text, const std::string& path);
std::string DescribeStudentTeacher(const StudentTeacher& model);
StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_STUDENT_TEACHER_H_
