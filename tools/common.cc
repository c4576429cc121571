#include "tools/common.h"

#include <omp.h>
#include <torch/torch.h>

#include <csignal>

#include "learning/runner.h"

namespace tutor {

int SetThreads(int threads) {
  if (threads <= 0) threads = omp_get_num_procs();
  omp_set_num_threads(threads);
  torch::set_num_threads(threads);
  return threads;
}

namespace {
extern "C" void OnSigint(int) {
  if (Runner::StopRequested()) std::_Exit(130);  // a second Ctrl-C does not wait
  Runner::StopRequested() = true;
}
}  // namespace

void InstallStopHandler() { std::signal(SIGINT, OnSigint); }

}  // namespace tutor
