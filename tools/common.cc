#include "tools/common.h"

#include <omp.h>
#include <torch/torch.h>

#include <csignal>

#include "learning/runner.h"

namespace tutor {

std::vector<Args::Flag> RunFlags(const std::string& default_config,
                                 std::vector<Args::Flag> extra) {
  std::vector<Args::Flag> flags = {
      {"config", "config file (default configs/" + default_config + ")"},
      {"set", "override a config key, e.g. env.seed=3", false, true},
      {"log-dir", "where checkpoints, metrics.csv and config.yaml go"},
      {"seed", "env and torch seed"},
      {"threads", "threads for the env and LibTorch (default all cores)"},
      {"iterations", "run until this iteration (counted across resumes)"},
      {"resume", "continue from this checkpoint"}};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

std::vector<std::string> RunOverrides(const Args& args) {
  std::vector<std::string> overrides = args.GetAll("set");
  if (args.Has("seed")) overrides.push_back("env.seed=" + std::to_string(args.GetInt("seed", 1)));
  if (args.Has("log-dir")) overrides.push_back("runner.log_dir=" + args.Get("log-dir"));
  if (args.Has("iterations"))
    overrides.push_back("runner.max_iterations=" + std::to_string(args.GetInt("iterations", 0)));
  return overrides;
}

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
