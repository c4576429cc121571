#ifndef TUTOR_LEARNING_TORCH_THREADS_H_
#define TUTOR_LEARNING_TORCH_THREADS_H_

#include <torch/torch.h>

namespace tutor {

// Sets LibTorch's intra-op thread count for a scope and restores the previous count when the
// scope ends, exceptions included.
class TorchThreadsGuard {
 public:
  explicit TorchThreadsGuard(int threads) : saved_(torch::get_num_threads()) {
    torch::set_num_threads(threads);
  }
  ~TorchThreadsGuard() { torch::set_num_threads(saved_); }
  TorchThreadsGuard(const TorchThreadsGuard&) = delete;
  TorchThreadsGuard& operator=(const TorchThreadsGuard&) = delete;

 private:
  int saved_;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_TORCH_THREADS_H_
