#ifndef TUTOR_LEARNING_COMMUNICATOR_H_
#define TUTOR_LEARNING_COMMUNICATOR_H_

#include <torch/torch.h>

#include <string>
#include <vector>

namespace tutor {

// The collectives data-parallel training needs, over the ranks of one run. The learning code
// sees only this interface; learning/distributed.cc implements it with c10d's Gloo process group
// (the only translation unit that includes c10d). A null Communicator* is a single process.
class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int Rank() const = 0;
  virtual int WorldSize() const = 0;
  // element-wise sum over the ranks, in place (a contiguous CPU tensor)
  virtual void AllReduceSum(torch::Tensor* t) = 0;
  // rank `root`'s values to every rank, in place
  virtual void Broadcast(torch::Tensor* t, int root) = 0;
  // wall time spent in collectives so far (waiting for the slowest rank included), their count
  // and the bytes they carried
  virtual double CollectiveSeconds() const = 0;
  virtual int64_t CollectiveCalls() const = 0;
  virtual int64_t CollectiveBytes() const = 0;
};

inline int RankOf(const Communicator* comm) { return comm ? comm->Rank() : 0; }
inline int WorldSizeOf(const Communicator* comm) { return comm ? comm->WorldSize() : 1; }
inline bool IsDistributed(const Communicator* comm) { return WorldSizeOf(comm) > 1; }

// the sum over ranks of `t` (a no-op in a single process); returns `t`
inline torch::Tensor SumOverRanks(Communicator* comm, torch::Tensor t) {
  if (!IsDistributed(comm)) return t;
  t = t.contiguous();
  comm->AllReduceSum(&t);
  return t;
}

// a scalar summed over the ranks, in double precision
inline double SumOverRanks(Communicator* comm, double v) {
  if (!IsDistributed(comm)) return v;
  auto t = torch::tensor({v}, torch::kFloat64);
  comm->AllReduceSum(&t);
  return t.item<double>();
}

// every parameter's gradient as a flat piece (zeros where it is undefined), in order: the
// pieces of one all-reduce
inline std::vector<torch::Tensor> GradientPieces(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> pieces;
  for (const auto& p : params)
    pieces.push_back(p.grad().defined() ? p.grad().reshape({-1})
                                        : torch::zeros({p.numel()}, p.options()));
  return pieces;
}

// the gradients back from the front of `flat` (GradientPieces' order); returns the number of
// elements they took, so what follows them in `flat` can be read on
inline int64_t SetGradients(const torch::Tensor& flat, const std::vector<torch::Tensor>& params) {
  int64_t at = 0;
  for (auto p : params) {
    const auto g = flat.slice(0, at, at + p.numel()).view_as(p);
    if (p.grad().defined())
      p.mutable_grad().copy_(g);
    else
      p.mutable_grad() = g.clone();
    at += p.numel();
  }
  return at;
}

// every parameter's gradient averaged over the ranks, in one all-reduce (an undefined gradient
// counts as zeros); a no-op in a single process
inline void AverageGradients(Communicator* comm, const std::vector<torch::Tensor>& params) {
  if (!IsDistributed(comm)) return;
  SetGradients(SumOverRanks(comm, torch::cat(GradientPieces(params))) / comm->WorldSize(), params);
}

// rank 0's parameters and buffers (normalizer statistics) to every rank, in place
inline void BroadcastModule(Communicator* comm, torch::nn::Module& module) {
  if (!IsDistributed(comm)) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors;
  for (const auto& p : module.parameters()) tensors.push_back(p);
  for (const auto& b : module.buffers()) tensors.push_back(b);
  for (auto& t : tensors) {
    auto c = t.contiguous();
    comm->Broadcast(&c, 0);
    if (!c.is_same(t)) t.copy_(c);
  }
}

}  // namespace tutor

#endif  // TUTOR_LEARNING_COMMUNICATOR_H_
