#ifndef TUTOR_LEARNING_MEMORY_H_
#define TUTOR_LEARNING_MEMORY_H_

#include <torch/torch.h>

#include <string>

#include "learning/learning_config.h"

namespace tutor {

// An LSTM or GRU over one time step at a time, keeping each env's hidden state between calls.
// Reset(mask) zeroes the state of the envs whose episode just ended.
struct MemoryImpl : torch::nn::Module {
  MemoryImpl(MemoryType type, int input, int size, int layers);  // kLstm or kGru

  // x: [B, input] -> [B, size]; advances the stored state (B must match it, else it restarts)
  torch::Tensor forward(const torch::Tensor& x);
  void Reset(const torch::Tensor& mask);  // mask: [B] or [B, 1], 1 = reset
  void ResetAll() { h_ = c_ = torch::Tensor(); }
  void Detach();  // cut the graph (truncated BPTT)
  // the full state, to save and restore around an update
  std::pair<torch::Tensor, torch::Tensor> State() const { return {h_, c_}; }
  void SetState(const std::pair<torch::Tensor, torch::Tensor>& state);

  MemoryType type;
  int size, layers;
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};

 private:
  torch::Tensor h_, c_;  // [layers, B, size]
};
TORCH_MODULE(Memory);

}  // namespace tutor

#endif  // TUTOR_LEARNING_MEMORY_H_
