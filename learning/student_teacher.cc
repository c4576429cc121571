#include "learning/student_teacher.h"

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace tutor {

StudentTeacherImpl::StudentTeacherImpl(PolicyNet student_, PolicyNet teacher_, int student_layer,
                                       int teacher_layer, bool with_projection)
    : student_feature_layer(student_layer), teacher_feature_layer(teacher_layer) {
  student = register_module("student", student_);
  teacher = register_module("teacher", teacher_);
  for (auto& p : teacher->parameters()) p.requires_grad_(false);
  teacher->eval();
  if (with_projection)
    projection = register_module(
        "projection", torch::nn::Linear(student->HiddenWidth(student_layer),
                                        teacher->HiddenWidth(teacher_layer)));
}

void StudentTeacherImpl::train(bool on) {
  torch::nn::Module::train(on);
  teacher->eval();
}

torch::Tensor StudentTeacherImpl::TeacherAct(const torch::Tensor& teacher_obs) {
  torch::NoGradGuard no_grad;
  return teacher->forward(teacher_obs);
}

std::vector<torch::Tensor> StudentTeacherImpl::StudentParameters() {
  auto params = student->parameters();
  if (projection)
    for (auto& p : projection->parameters()) params.push_back(p);
  return params;
}

void StudentTeacherImpl::Reset(const torch::Tensor& mask) {
  student->Reset(mask);
  teacher->Reset(mask);
}

std::string DescribeStudentTeacher(const StudentTeacher& model) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << "student_teacher";
  out << YAML::Key << "student" << YAML::Value
      << YAML::Load(DescribePolicySpec(model->student->spec));
  out << YAML::Key << "teacher" << YAML::Value
      << YAML::Load(DescribePolicySpec(model->teacher->spec));
  out << YAML::Key << "student_feature_layer" << YAML::Value << model->student_feature_layer;
  out << YAML::Key << "teacher_feature_layer" << YAML::Value << model->teacher_feature_layer;
  out << YAML::Key << "projection" << YAML::Value << static_cast<bool>(model->projection);
  out << YAML::EndMap;
  return out.c_str();
}

StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path) {
  CheckModelType(text, "student_teacher", "a student_teacher (a distillation checkpoint)", path);
  PolicyNet student(PolicySpecAt(text, "student", path));
  PolicyNet teacher(PolicySpecAt(text, "teacher", path));
  try {
    const YAML::Node root = YAML::Load(text);
    return StudentTeacher(student, teacher, root["student_feature_layer"].as<int>(),
                          root["teacher_feature_layer"].as<int>(), root["projection"].as<bool>());
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}

}  // namespace tutor
