#ifndef TUTOR_LEARNING_MLP_H_
#define TUTOR_LEARNING_MLP_H_

#include <torch/torch.h>

#include <string>
#include <vector>

namespace tutor {

// the shape of an MLP, stored in checkpoints so a loader never mirrors it by hand
struct MlpSpec {
  int input = 0;
  std::vector<int> hidden;
  int output = 0;
  std::string activation = "elu";  // elu, relu, selu, tanh, sigmoid, leaky_relu, gelu, silu
};

// a torch::nn activation module by name; ConfigError listing the known names otherwise
torch::nn::AnyModule MakeActivation(const std::string& name);
void CheckActivation(const std::string& name);

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
