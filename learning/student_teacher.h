#ifndef TUTOR_LEARNING_STUDENT_TEACHER_H_
#define TUTOR_LEARNING_STUDENT_TEACHER_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "learning/policy.h"

namespace tutor {

// The student (acts on the student set) and its frozen teacher or teachers (label on their
// sets); teachers are in eval mode with no gradients, always. `projection` maps a student
// hidden layer to a teacher hidden layer for feature matching (absent otherwise), one per
// teacher. Teacher k > 0 and its projection are the modules "teacher_k" and "projection_k", so
// a one-teacher model keeps the names (and checkpoints) it always had.
struct StudentTeacherImpl : torch::nn::Module {
  StudentTeacherImpl(PolicyNet student, PolicyNet teacher, int student_feature_layer = -1,
                     int teacher_feature_layer = -1, bool with_projection = false);
  StudentTeacherImpl(PolicyNet student, std::vector<PolicyNet> teachers,
                     int student_feature_layer = -1, int teacher_feature_layer = -1,
                     bool with_projection = false);

  torch::Tensor TeacherAct(const torch::Tensor& teacher_obs);  // teacher 0, no grad
  std::vector<torch::Tensor> StudentParameters();  // what the optimizer trains
  void Reset(const torch::Tensor& mask);  // every memory
  void train(bool on = true) override;    // never puts a teacher in training mode
  int NumTeachers() const { return static_cast<int>(teachers.size()); }

  PolicyNet student{nullptr}, teacher{nullptr};  // teacher == teachers[0]
  std::vector<PolicyNet> teachers;
  torch::nn::Linear projection{nullptr};         // == projections[0]
  std::vector<torch::nn::Linear> projections;
  int student_feature_layer, teacher_feature_layer;
};
TORCH_MODULE(StudentTeacher);

// the checkpoint role of teacher k: "teacher", "teacher_1", ...
std::string TeacherRole(int k);

// architecture <-> YAML text ({type: student_teacher, student: ..., teacher: ..., teacher_1:
// ..., teachers: K (K > 1 only), ...})
std::string DescribeStudentTeacher(const StudentTeacher& model);
StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_STUDENT_TEACHER_H_
