#ifndef TUTOR_LEARNING_NORMALIZER_H_
#define TUTOR_LEARNING_NORMALIZER_H_

#include <torch/torch.h>

#include "learning/communicator.h"

namespace tutor {

// Running mean/variance of observations (Chan's parallel update), saved as buffers so
// checkpoints and exports carry them. forward() only normalizes; Update() is called by the
// algorithm on fresh rollout data and does nothing in eval mode or when disabled.
struct EmpiricalNormalizerImpl : torch::nn::Module {
  EmpiricalNormalizerImpl(int size, bool enabled = true, double epsilon = 1e-2);
  torch::Tensor forward(const torch::Tensor& x);  // (x - mean) / (std + eps)
  // x: [B, size]; with `comm`, the batch is the union of every rank's (same result on each)
  void Update(const torch::Tensor& x, Communicator* comm = nullptr);

  bool enabled;
  double epsilon;
  torch::Tensor mean;   // [size]
  torch::Tensor var;    // [size]
  torch::Tensor count;  // [] samples seen
};
TORCH_MODULE(EmpiricalNormalizer);

}  // namespace tutor

#endif  // TUTOR_LEARNING_NORMALIZER_H_
