#ifndef TUTOR_LEARNING_MLP_H_
#define TUTOR_LEARNING_MLP_H_

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "learning/learning_config.h"

namespace tutor {

// the shape of an MLP, stored in checkpoints so a loader never mirrors it by hand
struct MlpSpec {
  int input = 0;
  std::vector<int> hidden;
  int output = 0;
  Activation activation = Activation::kElu;
};

// the torch::nn module of an activation
torch::nn::AnyModule MakeActivation(Activation activation);

// Linear layers with an activation between them (none after the last)
struct MlpImpl : torch::nn::Module {
  explicit MlpImpl(const MlpSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  // the output of hidden layer `layer` (0-based, after its activation) and the final output
  std::pair<torch::Tensor, torch::Tensor> ForwardWithHidden(const torch::Tensor& x, int layer);

  MlpSpec spec;
  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace tutor

#endif  // TUTOR_LEARNING_MLP_H_
