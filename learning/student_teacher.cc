#include "learning/student_teacher.h"

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace tutor {

std::string TeacherRole(int k) { return k == 0 ? "teacher" : "teacher_" + std::to_string(k); }

StudentTeacherImpl::StudentTeacherImpl(PolicyNet student_, PolicyNet teacher_, int student_layer,
                                       int teacher_layer, bool with_projection)
    : StudentTeacherImpl(std::move(student_), std::vector<PolicyNet>{std::move(teacher_)},
                         student_layer, teacher_layer, with_projection) {}

StudentTeacherImpl::StudentTeacherImpl(PolicyNet student_, std::vector<PolicyNet> teachers_,
                                       int student_layer, int teacher_layer, bool with_projection)
    : student_feature_layer(student_layer), teacher_feature_layer(teacher_layer) {
  if (teachers_.empty()) throw Error("a student_teacher model needs at least one teacher");
  student = register_module("student", student_);
  for (size_t k = 0; k < teachers_.size(); ++k) {
    const std::string suffix = k == 0 ? "" : "_" + std::to_string(k);
    auto t = register_module("teacher" + suffix, teachers_[k]);
    for (auto& p : t->parameters()) p.requires_grad_(false);
    t->eval();
    teachers.push_back(t);
    if (with_projection)
      projections.push_back(register_module(
          "projection" + suffix, torch::nn::Linear(student->HiddenWidth(student_layer),
                                                   t->HiddenWidth(teacher_layer))));
  }
  teacher = teachers[0];
  if (with_projection) projection = projections[0];
}

void StudentTeacherImpl::train(bool on) {
  torch::nn::Module::train(on);
  for (auto& t : teachers) t->eval();
}

torch::Tensor StudentTeacherImpl::TeacherAct(const torch::Tensor& teacher_obs) {
  torch::NoGradGuard no_grad;
  return teacher->forward(teacher_obs);
}

std::vector<torch::Tensor> StudentTeacherImpl::StudentParameters() {
  auto params = student->parameters();
  for (auto& projection_k : projections)
    for (auto& p : projection_k->parameters()) params.push_back(p);
  return params;
}

void StudentTeacherImpl::Reset(const torch::Tensor& mask) {
  student->Reset(mask);
  for (auto& t : teachers) t->Reset(mask);
}

std::string DescribeStudentTeacher(const StudentTeacher& model) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << "student_teacher";
  out << YAML::Key << "student" << YAML::Value
      << YAML::Load(DescribePolicySpec(model->student->spec));
  for (int k = 0; k < model->NumTeachers(); ++k)
    out << YAML::Key << TeacherRole(k) << YAML::Value
        << YAML::Load(DescribePolicySpec(model->teachers[k]->spec));
  if (model->NumTeachers() > 1) out << YAML::Key << "teachers" << YAML::Value << model->NumTeachers();
  out << YAML::Key << "student_feature_layer" << YAML::Value << model->student_feature_layer;
  out << YAML::Key << "teacher_feature_layer" << YAML::Value << model->teacher_feature_layer;
  out << YAML::Key << "projection" << YAML::Value << static_cast<bool>(model->projection);
  out << YAML::EndMap;
  return out.c_str();
}

StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path) {
  CheckModelType(text, "student_teacher", "a student_teacher (a distillation checkpoint)", path);
  PolicyNet student(PolicySpecAt(text, "student", path));
  try {
    const YAML::Node root = YAML::Load(text);
    const int count = root["teachers"] ? root["teachers"].as<int>() : 1;
    if (count < 1 || count > 64) throw CheckpointError(path + ": teachers: expected 1 to 64");
    std::vector<PolicyNet> teachers;
    for (int k = 0; k < count; ++k) teachers.emplace_back(PolicySpecAt(text, TeacherRole(k), path));
    return StudentTeacher(student, teachers, root["student_feature_layer"].as<int>(),
                          root["teacher_feature_layer"].as<int>(), root["projection"].as<bool>());
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}

}  // namespace tutor
