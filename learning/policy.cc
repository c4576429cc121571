#include "learning/policy.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "core/error.h"

namespace tutor {
namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274;  // log(sqrt(2 pi))

// a choice from a stored description; CheckpointError naming the file otherwise
template <typename E>
E StoredChoice(const YAML::Node& node, const char* key, const ChoiceTable<E>& table,
               const std::string& path) {
  const std::string name = node[key].as<std::string>();
  E value;
  if (!ParseChoice(table, name, &value))
    throw CheckpointError(path + ": stored architecture: " + key + " '" + name +
                          "' (expected " + ChoiceList(table) + ")");
  return value;
}

YAML::Node LoadDescription(const std::string& text, const std::string& path) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed model description: " + e.what());
  }
}
}  // namespace

torch::Tensor ActionDistribution::LogProb(const torch::Tensor& actions) const {
  // log N(a; mu, sigma) = -(a - mu)^2 / (2 sigma^2) - log sigma - log sqrt(2 pi), summed
  const auto z = (actions - mean) / std;
  return (-0.5 * z.square() - std.log() - kLogSqrt2Pi).sum(-1, true);
}

torch::Tensor ActionDistribution::Entropy() const {
  // H = 0.5 + log(sqrt(2 pi) sigma) per dimension
  return (0.5 + kLogSqrt2Pi + std.log()).sum(-1, true);
}

torch::Tensor ActionDistribution::Sample() const { return mean + std * torch::randn_like(mean); }

torch::Tensor ActionDistribution::Sample(int64_t first, int64_t total) const {
  const int64_t rows = mean.size(0);
  if (first == 0 && total == rows) return Sample();
  const auto noise =
      torch::randn({total, mean.size(1)}, mean.options()).slice(0, first, first + rows);
  return mean + std * noise;
}

PolicyNetImpl::PolicyNetImpl(const PolicySpec& s) : spec(s) {
  const PolicyConfig& c = spec.config;
  normalizer = register_module("normalizer", EmpiricalNormalizer(spec.obs, c.obs_normalization));
  int width = spec.obs;
  if (c.memory != MemoryType::kNone) {
    memory = register_module("memory", Memory(c.memory, spec.obs, c.memory_size, c.memory_layers));
    width = c.memory_size;
  }
  mlp = register_module("mlp", Mlp(MlpSpec{width, c.hidden, spec.actions, c.activation}));
  const double init = c.std_type == StdType::kLog ? std::log(c.init_std) : c.init_std;
  std_param = register_parameter("std", torch::full({spec.actions}, init));
}

torch::Tensor PolicyNetImpl::forward(const torch::Tensor& obs) {
  auto x = normalizer->forward(obs);
  if (memory) x = memory->forward(x);
  return mlp->forward(x);
}

ActionDistribution PolicyNetImpl::Distribution(const torch::Tensor& obs) {
  const auto mean = forward(obs);
  return {mean, Std().expand_as(mean)};
}

std::pair<torch::Tensor, torch::Tensor> PolicyNetImpl::ForwardWithHidden(const torch::Tensor& obs,
                                                                        int layer) {
  auto x = normalizer->forward(obs);
  if (memory) x = memory->forward(x);
  if (layer < 0) layer += static_cast<int>(spec.config.hidden.size());
  return mlp->ForwardWithHidden(x, layer);
}

int PolicyNetImpl::HiddenWidth(int layer) const {
  const auto& hidden = spec.config.hidden;
  const int n = static_cast<int>(hidden.size());
  if (layer < 0) layer += n;
  if (layer < 0 || layer >= n)
    throw ConfigError("feature layer " + std::to_string(layer) +
                      " does not exist (the network has " + std::to_string(n) + " hidden layers)");
  return hidden[layer];
}

torch::Tensor PolicyNetImpl::Std() const {
  if (spec.config.std_type == StdType::kLog) return std_param.exp();
  // no clamp: a clamp would hide a collapsing std behind a dead gradient
  if (!(std_param.min().item<double>() > 0.0))
    throw NumericalError("policy std is " + std::to_string(std_param.min().item<double>()) +
                         " (std_type: scalar needs it positive; std_type: log cannot reach 0)");
  return std_param;
}

void PolicyNetImpl::Reset(const torch::Tensor& mask) {
  if (memory) memory->Reset(mask);
}

int64_t PolicyNetImpl::NumParameters() const {
  int64_t n = 0;
  for (const auto& p : mlp->parameters()) n += p.numel();
  if (memory)
    for (const auto& p : memory->parameters()) n += p.numel();
  return n;
}

ValueNetImpl::ValueNetImpl(const ValueSpec& s) : spec(s) {
  normalizer = register_module("normalizer",
                               EmpiricalNormalizer(spec.obs, spec.config.obs_normalization));
  mlp = register_module(
      "mlp", Mlp(MlpSpec{spec.obs, spec.config.hidden, 1, spec.config.activation}));
}

torch::Tensor ValueNetImpl::forward(const torch::Tensor& obs) {
  return mlp->forward(normalizer->forward(obs));
}

std::string DescribePolicySpec(const PolicySpec& s) {
  const PolicyConfig& c = s.config;
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "obs" << YAML::Value << s.obs;
  out << YAML::Key << "actions" << YAML::Value << s.actions;
  out << YAML::Key << "hidden" << YAML::Value << YAML::Flow << c.hidden;
  out << YAML::Key << "activation" << YAML::Value << ChoiceName(Activations(), c.activation);
  out << YAML::Key << "memory" << YAML::Value << ChoiceName(MemoryTypes(), c.memory);
  out << YAML::Key << "memory_size" << YAML::Value << c.memory_size;
  out << YAML::Key << "memory_layers" << YAML::Value << c.memory_layers;
  out << YAML::Key << "obs_normalization" << YAML::Value << c.obs_normalization;
  out << YAML::Key << "init_std" << YAML::Value << c.init_std;
  out << YAML::Key << "std_type" << YAML::Value << ChoiceName(StdTypes(), c.std_type);
  out << YAML::EndMap;
  return out.c_str();
}

PolicySpec ParsePolicySpec(const std::string& text, const std::string& path) {
  const YAML::Node n = LoadDescription(text, path);
  try {
    PolicySpec s;
    s.obs = n["obs"].as<int>();
    s.actions = n["actions"].as<int>();
    s.config.hidden = n["hidden"].as<std::vector<int>>();
    s.config.activation = StoredChoice(n, "activation", Activations(), path);
    s.config.memory = StoredChoice(n, "memory", MemoryTypes(), path);
    s.config.memory_size = n["memory_size"].as<int>();
    s.config.memory_layers = n["memory_layers"].as<int>();
    s.config.obs_normalization = n["obs_normalization"].as<bool>();
    s.config.init_std = n["init_std"].as<double>();
    s.config.std_type = StoredChoice(n, "std_type", StdTypes(), path);
    return s;
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed policy description: " + e.what());
  }
}

std::string DescribeValueSpec(const ValueSpec& s) {
  YAML::Emitter out;
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "obs" << YAML::Value << s.obs;
  out << YAML::Key << "hidden" << YAML::Value << YAML::Flow << s.config.hidden;
  out << YAML::Key << "activation" << YAML::Value
      << ChoiceName(Activations(), s.config.activation);
  out << YAML::Key << "obs_normalization" << YAML::Value << s.config.obs_normalization;
  out << YAML::EndMap;
  return out.c_str();
}

ValueSpec ParseValueSpec(const std::string& text, const std::string& path) {
  const YAML::Node n = LoadDescription(text, path);
  try {
    ValueSpec s;
    s.obs = n["obs"].as<int>();
    s.config.hidden = n["hidden"].as<std::vector<int>>();
    s.config.activation = StoredChoice(n, "activation", Activations(), path);
    s.config.obs_normalization = n["obs_normalization"].as<bool>();
    return s;
  } catch (const YAML::Exception& e) {
    throw CheckpointError(path + ": malformed critic description: " + e.what());
  }
}

namespace {
// the text of the node under `key`, CheckpointError when absent
std::string SubDescription(const std::string& model_text, const std::string& key,
                           const std::string& path) {
  const YAML::Node root = LoadDescription(model_text, path);
  if (!root.IsMap() || !root[key])
    throw CheckpointError(path + ": the model description has no '" + key + "'");
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root[key];
  return out.c_str();
}
}  // namespace

PolicySpec PolicySpecAt(const std::string& model_text, const std::string& key,
                        const std::string& path) {
  return ParsePolicySpec(SubDescription(model_text, key, path), path);
}

ValueSpec ValueSpecAt(const std::string& model_text, const std::string& key,
                      const std::string& path) {
  return ParseValueSpec(SubDescription(model_text, key, path), path);
}

void CheckModelType(const std::string& model_text, const std::string& type,
                    const std::string& what, const std::string& path) {
  const YAML::Node root = LoadDescription(model_text, path);
  const std::string stored = root.IsMap() && root["type"] ? root["type"].Scalar() : "";
  if (stored != type)
    throw CheckpointError(path + ": holds a '" + stored + "' model, expected " + what);
}

}  // namespace tutor
