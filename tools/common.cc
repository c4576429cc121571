#include "tools/common.h"

#include <omp.h>
#include <torch/torch.h>

#include <csignal>
#include <filesystem>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/error.h"
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

void WriteOutput(const std::string& command, const std::string& flag, const std::string& path,
                 const std::string& text) {
  try {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    WriteTextAtomically(path, "output", text);
  } catch (const std::exception& e) {
    throw ConfigError(command + ": --" + flag + " " + path + ": cannot write (" + e.what() + ")");
  }
}

void ResumeIfAsked(Runner* runner, const std::string& checkpoint) {
  if (checkpoint.empty()) return;
  runner->Load(checkpoint);
  std::printf("resumed %s at iteration %d\n", checkpoint.c_str(), runner->iteration());
}

void ReportRun(const Runner& runner, const std::string& log_dir) {
  std::printf("%s at iteration %d, %lld env steps; checkpoint %s/model_latest.pt\n",
              Runner::StopRequested() ? "stopped" : "done", runner.iteration(),
              static_cast<long long>(runner.env_steps()), log_dir.c_str());
}

}  // namespace tutor
