#ifndef TUTOR_LEARNING_STUDENT_TEACHER_H_
#define TUTOR_LEARNING_STUDENT_TEACHER_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "learning/policy.h"

namespace tutor {

// The student (acts on the student set) and its frozen teacher (labels on the teacher set);
// the teacher is in eval mode with no gradients, always. `projection` maps a student hidden
// layer to a teacher hidden layer for feature matching (absent otherwise).
struct StudentTeacherImpl : torch::nn::Module {
  StudentTeacherImpl(PolicyNet student, PolicyNet teacher, int student_feature_layer = -1,
                     int teacher_feature_layer = -1, bool with_projection = false);

  torch::Tensor TeacherAct(const torch::Tensor& teacher_obs);  // no grad
  std::vector<torch::Tensor> StudentParameters();  // what the optimizer trains
  void Reset(const torch::Tensor& mask);  // both memories
  void train(bool on = true) override;    // never puts the teacher in training mode

  PolicyNet student{nullptr}, teacher{nullptr};
  torch::nn::Linear projection{nullptr};
  int student_feature_layer, teacher_feature_layer;
};
TORCH_MODULE(StudentTeacher);

// architecture <-> YAML text ({type: student_teacher, student: ..., teacher: ..., ...})
std::string DescribeStudentTeacher(const StudentTeacher& model);
StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_STUDENT_TEACHER_H_
