#ifndef TUTOR_TOOLS_COMMON_H_
#define TUTOR_TOOLS_COMMON_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "learning/distributed.h"

namespace tutor {

class Communicator;
struct EnvConfig;
class QuadrupedVecEnv;
class Runner;

// Parses argv[first..] (the flags after `tutor <command>`) with `app`, declared with CLI11.
// false when --help was asked: the help is printed and the command exits 0. Bad input is a
// ConfigError "<command>: <CLI11's reason, which names the flag>" (main exits 2), never one of
// CLI11's own exit codes.
bool ParseFlags(CLI::App* app, int argc, char** argv, int first);

// the flags train and distill share: --config --set --log-dir --seed --threads --iterations
// --resume
struct RunFlags {
  std::string config;
  std::vector<std::string> set;  // key.path=value, repeatable
  std::string log_dir, resume;
  int seed = 1, threads = 0, iterations = 0;
  int nproc = 0;                 // --nproc: launch this many local ranks
  double dist_timeout_s = 60.0;  // --dist-timeout
};
void AddRunFlags(CLI::App* app, RunFlags* flags, const std::string& default_config);
// --set overrides plus those that --seed, --log-dir and --iterations stand for; a --resume
// log dir is also the log dir unless --log-dir says otherwise
std::vector<std::string> RunOverrides(const CLI::App& app, const RunFlags& flags);

// Data-parallel runs (train, distill). With --nproc N, LaunchRanks runs N ranks of this
// command (argv without --nproc) and returns true with their exit status in *status; else
// false. JoinRun then makes this process its rank: torchrun-style variables (none set: one
// process), the rendezvous within --dist-timeout, --threads 0 meaning the cores / local ranks,
// and stdout silenced on ranks other than 0 (their errors still reach stderr).
bool LaunchRanks(const RunFlags& flags, int argc, char** argv, int first, int* status);
struct RunRank {
  RankInfo info;
  std::shared_ptr<Communicator> comm;  // null: one process
  int threads = 1;
};
RunRank JoinRun(const RunFlags& flags);
// this rank's envs are the run's [rank * num_envs, (rank + 1) * num_envs)
void ShareEnvs(const RankInfo& info, EnvConfig* env);

// the terrain benchmark's flags, shared by eval and bench policies: --terrain (types or 'all',
// comma-separated; `terrain_help` says what the command does with them), --levels,
// --terrain-seed, --terrain-long
void AddTerrainBenchFlags(CLI::App* app, const std::string& terrain_help,
                          std::vector<std::string>* types, std::vector<int>* levels, int* seed,
                          bool* long_patches);

// sets OpenMP and LibTorch thread counts (0 = all cores); returns the count used
int SetThreads(int threads);

// prints what the env made of its robot file: control, timing, physics (one line each)
void PrintEnvSummary(const QuadrupedVecEnv& env);
// Ctrl-C (or SIGTERM) asks the runner to save and stop instead of killing the process; a
// second one ends the process at once
void InstallStopHandler();

// writes a result file named by `--flag` (its folder created, the file replaced atomically);
// ConfigError "<command>: --<flag> <path>: cannot write ..." otherwise
void WriteOutput(const std::string& command, const std::string& flag, const std::string& path,
                 const std::string& text);

// what --resume names: a checkpoint, or a log dir (its model_latest.pt, else its highest
// model_<i>.pt); "" stays ""; ConfigError when a dir holds none
std::string ResumeCheckpoint(const std::string& path);
// resumes `runner` from `checkpoint` when one is given, saying so
void ResumeIfAsked(Runner* runner, const std::string& checkpoint);
// one line on how a run ended (stopped or done, iteration, env steps, checkpoint)
void ReportRun(const Runner& runner, const std::string& log_dir);

}  // namespace tutor

#endif  // TUTOR_TOOLS_COMMON_H_
