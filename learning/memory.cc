#include "learning/memory.h"

#include "core/error.h"

namespace tutor {

MemoryImpl::MemoryImpl(MemoryType type_, int input, int size_, int layers_)
    : type(type_), size(size_), layers(layers_) {
  if (type == MemoryType::kLstm)
    lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(input, size).num_layers(layers)));
  else if (type == MemoryType::kGru)
    gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(input, size).num_layers(layers)));
  else
    throw ConfigError("memory: a Memory module needs lstm or gru");
}

torch::Tensor MemoryImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0);
  if (!h_.defined() || h_.size(1) != batch) {
    h_ = torch::zeros({layers, batch, size});
    c_ = torch::zeros({layers, batch, size});
  }
  const auto input = x.unsqueeze(0);  // one time step: [1, B, input]
  if (lstm) {
    auto [out, state] = lstm->forward(input, std::make_tuple(h_, c_));
    h_ = std::get<0>(state);
    c_ = std::get<1>(state);
    return out.squeeze(0);
  }
  auto [out, h] = gru->forward(input, h_);
  h_ = h;
  return out.squeeze(0);
}

void MemoryImpl::Reset(const torch::Tensor& mask) {
  if (!h_.defined()) return;
  if (h_.size(1) != mask.numel()) {  // a batch of another size: every env starts afresh
    ResetAll();
    return;
  }
  const auto keep = (1.0 - mask.reshape({1, -1, 1}).to(h_.dtype()));
  h_ = h_ * keep;
  if (c_.defined()) c_ = c_ * keep;
}

void MemoryImpl::Detach() {
  if (h_.defined()) h_ = h_.detach();
  if (c_.defined()) c_ = c_.detach();
}

void MemoryImpl::SetState(const std::pair<torch::Tensor, torch::Tensor>& state) {
  h_ = state.first.defined() ? state.first.clone() : torch::Tensor();
  c_ = state.second.defined() ? state.second.clone() : torch::Tensor();
}

}  // namespace tutor
