#include "tools/common.h"

#include <omp.h>
#include <torch/torch.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/communicator.h"
#include "learning/runner.h"
#include "tools/app_config.h"

namespace tutor {

bool ParseFlags(CLI::App* app, int argc, char** argv, int first) {
  // CLI11 reads argv[0] as the program's name: here the word before the first flag
  try {
    app->parse(argc - first + 1, argv + first - 1);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app->help().c_str(), stdout);
    return false;
  } catch (const CLI::ParseError& e) {
    throw ConfigError(app->get_name() + ": " + e.what() + " (--help lists the flags)");
  }
  return true;
}

void AddRunFlags(CLI::App* app, RunFlags* flags, const std::string& default_config) {
  flags->config = DefaultConfigPath(default_config);
  app->add_option("--config", flags->config, "config file")->capture_default_str();
  app->add_option("--set", flags->set, "override a config key, e.g. env.seed=3 (repeatable)")
      ->allow_extra_args(false);
  app->add_option("--log-dir", flags->log_dir, "where checkpoints, metrics and logs go");
  app->add_option("--seed", flags->seed, "env and torch seed");
  app->add_option("--threads", flags->threads, "threads for the env and LibTorch (0: all cores)")
      ->check(CLI::Range(0, 1024));
  app->add_option("--iterations", flags->iterations,
                  "run until this iteration (counted across resumes)")
      ->check(CLI::Range(0, 1 << 30));
  app->add_option("--resume", flags->resume,
                  "continue from this checkpoint, or from a log dir's newest");
  app->add_option("--nproc", flags->nproc,
                  "data-parallel: run this many local ranks of this command (or start each "
                  "rank under a launcher that sets RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)")
      ->check(CLI::Range(1, 1024));
  app->add_option("--dist-timeout", flags->dist_timeout_s,
                  "data-parallel: seconds a rank waits for the others (rendezvous and every "
                  "collective) before it stops naming the rank that is missing")
      ->check(CLI::Range(0.1, 1e6))
      ->capture_default_str();
}

bool LaunchRanks(const RunFlags& flags, int argc, char** argv, int first, int* status) {
  if (flags.nproc <= 0) return false;
  std::vector<std::string> args = {argv[first - 1]};  // the command word: train or distill
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nproc") {
      ++i;  // and its value
      continue;
    }
    if (a.rfind("--nproc=", 0) == 0) continue;
    args.push_back(a);
  }
  *status = LaunchLocalRanks(flags.nproc, args);
  return true;
}

RunRank JoinRun(const RunFlags& flags) {
  RunRank run;
  run.info = ReadRankInfo();
  int threads = flags.threads;
  if (threads <= 0) threads = std::max(1, omp_get_num_procs() / run.info.local_world_size);
  run.threads = SetThreads(threads);
  if (!run.info.distributed()) return run;
  if (run.info.rank != 0 && !std::freopen("/dev/null", "w", stdout))
    throw ConfigError("rank " + std::to_string(run.info.rank) + ": cannot silence stdout");
  run.comm = ConnectRanks(run.info, flags.dist_timeout_s);
  std::printf("distributed: %d ranks (%d on this host) through Gloo at %s:%d, %d threads each\n",
              run.info.world_size, run.info.local_world_size, run.info.master_addr.c_str(),
              run.info.master_port, run.threads);
  return run;
}

void ShareEnvs(const RankInfo& info, EnvConfig* env) {
  env->first_env_id = info.rank * env->num_envs;
  env->total_envs = info.world_size * env->num_envs;
}

std::vector<std::string> RunOverrides(const CLI::App& app, const RunFlags& flags) {
  std::vector<std::string> overrides = flags.set;
  if (app.count("--seed")) overrides.push_back("env.seed=" + std::to_string(flags.seed));
  if (app.count("--log-dir"))
    overrides.push_back("runner.log_dir=" + flags.log_dir);
  else if (!flags.resume.empty() && std::filesystem::is_directory(flags.resume))
    overrides.push_back("runner.log_dir=" + flags.resume);
  if (app.count("--iterations"))
    overrides.push_back("runner.max_iterations=" + std::to_string(flags.iterations));
  return overrides;
}

void PrintEnvSummary(const QuadrupedVecEnv& env) {
  std::printf("env: %s\n", env.Model().config.robot.mjcf.c_str());
  for (const auto& line : env.Model().summary) std::printf("  %s\n", line.c_str());
}

void AddTerrainBenchFlags(CLI::App* app, const std::string& terrain_help,
                          std::vector<std::string>* types, std::vector<int>* levels, int* seed,
                          bool* long_patches) {
  app->add_option("--terrain", *types, terrain_help)->delimiter(',');
  app->add_flag("--terrain-long", *long_patches,
                "long patches: no robot at up to 1.25x the command reaches the border before "
                "the episode ends, so returns cover the whole episode for every policy (on the "
                "trained patches a slower robot stays on its patch longer)");
  app->add_option("--levels", *levels, "terrain levels (default: every level)")->delimiter(',');
  app->add_option("--terrain-seed", *seed, "env seed of the terrain patches")
      ->capture_default_str();
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

void InstallStopHandler() {
  std::signal(SIGINT, OnSigint);
  std::signal(SIGTERM, OnSigint);  // a scheduler's (or --nproc's forwarded) stop: save and end
}

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

std::string ResumeCheckpoint(const std::string& path) {
  if (path.empty() || !std::filesystem::is_directory(path)) return path;
  const std::string latest = path + "/model_latest.pt";
  if (std::filesystem::exists(latest)) return latest;
  std::string best;
  int best_iteration = -1;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("model_", 0) != 0 || entry.path().extension() != ".pt") continue;
    const std::string number = name.substr(6, name.size() - 9);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stoi(number) > best_iteration) best_iteration = std::stoi(number), best = entry.path();
  }
  if (best.empty()) throw ConfigError("--resume " + path + ": the folder holds no checkpoint");
  return best;
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
