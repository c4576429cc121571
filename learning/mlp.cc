#include "learning/mlp.h"

#include "core/error.h"

namespace tutor {

torch::nn::AnyModule MakeActivation(Activation activation) {
  switch (activation) {
    case Activation::kElu: return torch::nn::AnyModule(torch::nn::ELU());
    case Activation::kRelu: return torch::nn::AnyModule(torch::nn::ReLU());
    case Activation::kSelu: return torch::nn::AnyModule(torch::nn::SELU());
    case Activation::kTanh: return torch::nn::AnyModule(torch::nn::Tanh());
    case Activation::kSigmoid: return torch::nn::AnyModule(torch::nn::Sigmoid());
    case Activation::kLeakyRelu: return torch::nn::AnyModule(torch::nn::LeakyReLU());
    case Activation::kGelu: return torch::nn::AnyModule(torch::nn::GELU());
    case Activation::kSilu: return torch::nn::AnyModule(torch::nn::SiLU());
  }
  throw Error("unreachable activation");
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
