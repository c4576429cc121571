#ifndef TUTOR_TOOLS_COMMON_H_
#define TUTOR_TOOLS_COMMON_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace tutor {

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
};
void AddRunFlags(CLI::App* app, RunFlags* flags, const std::string& default_config);
// --set overrides plus those that --seed, --log-dir and --iterations stand for; a --resume
// log dir is also the log dir unless --log-dir says otherwise
std::vector<std::string> RunOverrides(const CLI::App& app, const RunFlags& flags);

// the terrain benchmark's flags, shared by eval and bench policies: --terrain (types or 'all',
// comma-separated; `terrain_help` says what the command does with them), --levels,
// --terrain-seed
void AddTerrainBenchFlags(CLI::App* app, const std::string& terrain_help,
                          std::vector<std::string>* types, std::vector<int>* levels, int* seed);

// sets OpenMP and LibTorch thread counts (0 = all cores); returns the count used
int SetThreads(int threads);

// prints what the env made of its robot file: control, timing, physics (one line each)
void PrintEnvSummary(const QuadrupedVecEnv& env);
// Ctrl-C asks the runner to save and stop instead of killing the process
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
