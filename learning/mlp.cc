#include "learning/mlp.h"

#include "envs/error.h"

namespace tutor {

namespace {
const char* kActivations = "elu, relu, selu, tanh, sigmoid, leaky_relu, gelu, silu";
}  // namespace

void CheckActivation(const std::string& name) {
  static const std::vector<std::string> known = {"elu",     "relu",       "selu", "tanh",
                                                 "sigmoid", "leaky_relu", "gelu", "silu"};
  for (const auto& k : known)
    if (k == name) return;
  throw ConfigError("unknown activation '" + name + "' (known: " + kActivations + ")");
}

torch::nn::AnyModule MakeActivation(const std::string& name) {
  CheckActivation(name);
  if (name == "elu") return torch::nn::AnyModule(torch::nn::ELU());
  if (name == "relu") return torch::nn::AnyModule(torch::nn::ReLU());
  if (name == "selu") return torch::nn::AnyModule(torch::nn::SELU());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  if (name == "leaky_relu") return torch::nn::AnyModule(torch::nn::LeakyReLU());
  if (name == "gelu") return torch::nn::AnyModule(torch::nn::GELU());
  return torch::nn::AnyModule(torch::nn::SiLU());
}

MlpImpl::MlpImpl(const MlpSpec& s) : spec(s) {
  layers = torch::nn::Sequential();
  int width = spec.input;
  for (int hidden : spec.hidden) {
    layers->push_back(torch::nn::Linear(width, hidden));
    layers->push_back(MakeActivation(spec.activation));
    width = hidden;
  }
  layers->push_back(torch::nn::Linear(width, spec.output));
  register_module("layers", layers);
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) { return layers->forward(x); }

std::pair<torch::Tensor, torch::Tensor> MlpImpl::ForwardWithHidden(const torch::Tensor& x,
                                                                  int layer) {
  torch::Tensor h = x, hidden;
  const int stop = 2 * layer + 1;  // index of that layer's activation
  int index = 0;
  for (auto& module : *layers) {
    h = module.forward(h);
    if (index++ == stop) hidden = h;
  }
  return {hidden, h};
}

}  // namespace tutor
