#include "learning/student_teacher.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "envs/error.h"

namespace tutor {
namespace {
constexpr double kMinStd = 1e-4;
}  // namespace

PolicyNetImpl::PolicyNetImpl(const PolicySpec& s) : spec(s) {
  normalizer = register_module("normalizer", EmpiricalNormalizer(spec.obs, spec.obs_normalization));
  int width = spec.obs;
  if (spec.memory != "none") {
    memory = register_module("memory", Memory(spec.memory, spec.obs, spec.memory_size,
                                              spec.memory_layers));
    width = spec.memory_size;
  }
  mlp = register_module("mlp", Mlp(MlpSpec{width, spec.hidden, spec.actions, spec.activation}));
  if (spec.std_type != "scalar" && spec.std_type != "log")
    throw ConfigError("std_type: expected 'scalar' or 'log', got '" + spec.std_type + "'");
  const double init = spec.std_type == "log" ? std::log(spec.init_std) : spec.init_std;
  std_param = register_parameter("std", torch::full({spec.actions}, init));
}

torch::Tensor PolicyNetImpl::forward(const torch::Tensor& obs) {
  auto x = normalizer->forward(obs);
  if (memory) x = memory->forward(x);
  return mlp->forward(x);
}

std::pair<torch::Tensor, torch::Tensor> PolicyNetImpl::ForwardWithHidden(const torch::Tensor& obs,
                                                                        int layer) {
  auto x = normalizer->forward(obs);
  if (memory) x = memory->forward(x);
  if (layer < 0) layer += static_cast<int>(spec.hidden.size());
  return mlp->ForwardWithHidden(x, layer);
}

int PolicyNetImpl::HiddenWidth(int layer) const {
  const int n = static_cast<int>(spec.hidden.size());
  if (layer < 0) layer += n;
  if (layer < 0 || layer >= n)
    throw ConfigError("feature layer " + std::to_string(layer) + " does not exist (the network has " +
                      std::to_string(n) + " hidden layers)");
  return spec.hidden[layer];
}

torch::Tensor PolicyNetImpl::Std() const {
  const auto std = spec.std_type == "log" ? std_param.exp() : std_param;
  return std.clamp_min(kMinStd);
}

void PolicyNetImpl::Reset(const torch::Tensor& mask) {
  if (memory) memory->Reset(mask);
}

PolicySpec StudentSpec(const StudentConfig& c, int obs, int actions) {
  PolicySpec spec;
  spec.obs = obs;
  spec.actions = actions;
  spec.hidden = c.hidden;
  spec.activation = c.activation;
  spec.memory = c.memory;
  spec.memory_size = c.memory_size;
  spec.memory_layers = c.memory_layers;
  spec.obs_normalization = c.obs_normalization;
  spec.init_std = c.init_std;
  return spec;
}

PolicyNet PolicyNetFromActor(ActorCritic ac) {
  PolicySpec spec;
  spec.obs = ac->actor->spec.input;
  spec.actions = ac->actor->spec.output;
  spec.hidden = ac->actor->spec.hidden;
  spec.activation = ac->actor->spec.activation;
  spec.obs_normalization = ac->config.actor_obs_normalization;
  spec.init_std = ac->config.init_std;
  spec.std_type = ac->config.std_type;
  PolicyNet net(spec);
  torch::NoGradGuard no_grad;
  net->normalizer->mean.copy_(ac->actor_normalizer->mean);
  net->normalizer->var.copy_(ac->actor_normalizer->var);
  net->normalizer->count.copy_(ac->actor_normalizer->count);
  auto source = ac->actor->named_parameters();
  for (auto& p : net->mlp->named_parameters()) p.value().copy_(source[p.key()]);
  net->std_param.copy_(ac->std_param);
  return net;
}

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

std::string DescribePolicySpec(const PolicySpec& s) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "obs" << YAML::Value << s.obs;
  out << YAML::Key << "actions" << YAML::Value << s.actions;
  out << YAML::Key << "hidden" << YAML::Value << YAML::Flow << s.hidden;
  out << YAML::Key << "activation" << YAML::Value << s.activation;
  out << YAML::Key << "memory" << YAML::Value << s.memory;
  out << YAML::Key << "memory_size" << YAML::Value << s.memory_size;
  out << YAML::Key << "memory_layers" << YAML::Value << s.memory_layers;
  out << YAML::Key << "obs_normalization" << YAML::Value << s.obs_normalization;
  out << YAML::Key << "init_std" << YAML::Value << s.init_std;
  out << YAML::Key << "std_type" << YAML::Value << s.std_type;
  out << YAML::EndMap;
  return out.c_str();
}

namespace {
PolicySpec SpecFromNode(const YAML::Node& n) {
  PolicySpec s;
  s.obs = n["obs"].as<int>();
  s.actions = n["actions"].as<int>();
  s.hidden = n["hidden"].as<std::vector<int>>();
  s.activation = n["activation"].as<std::string>();
  s.memory = n["memory"].as<std::string>();
  s.memory_size = n["memory_size"].as<int>();
  s.memory_layers = n["memory_layers"].as<int>();
  s.obs_normalization = n["obs_normalization"].as<bool>();
  s.init_std = n["init_std"].as<double>();
  s.std_type = n["std_type"].as<std::string>();
  return s;
}
}  // namespace

PolicySpec ParsePolicySpec(const std::string& text, const std::string& path) {
  try {
    return SpecFromNode(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed policy description: " + e.what());
  }
}

std::string DescribeStudentTeacher(const StudentTeacher& model) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << "student_teacher";
  out << YAML::Key << "student" << YAML::Value << YAML::Load(DescribePolicySpec(model->student->spec));
  out << YAML::Key << "teacher" << YAML::Value << YAML::Load(DescribePolicySpec(model->teacher->spec));
  out << YAML::Key << "student_feature_layer" << YAML::Value << model->student_feature_layer;
  out << YAML::Key << "teacher_feature_layer" << YAML::Value << model->teacher_feature_layer;
  out << YAML::Key << "projection" << YAML::Value << static_cast<bool>(model->projection);
  out << YAML::EndMap;
  return out.c_str();
}

StudentTeacher StudentTeacherFromDescription(const std::string& text, const std::string& path) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (root["type"].as<std::string>() != "student_teacher")
      throw CheckpointError(path + ": holds a '" + root["type"].as<std::string>() +
                            "' model, expected a student_teacher (a distillation checkpoint)");
    return StudentTeacher(PolicyNet(SpecFromNode(root["student"])),
                          PolicyNet(SpecFromNode(root["teacher"])),
                          root["student_feature_layer"].as<int>(),
                          root["teacher_feature_layer"].as<int>(), root["projection"].as<bool>());
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}

}  // namespace tutor
