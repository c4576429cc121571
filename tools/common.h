#ifndef TUTOR_TOOLS_COMMON_H_
#define TUTOR_TOOLS_COMMON_H_

#include <string>
#include <vector>

#include "tools/cli.h"

namespace tutor {

class Runner;

// the flags train and distill share: --config --set --log-dir --seed --threads --iterations
// --resume, after `extra` flags of the command's own
std::vector<Args::Flag> RunFlags(const std::string& default_config,
                                 std::vector<Args::Flag> extra = {});
// --set overrides plus those that --seed, --log-dir and --iterations stand for
std::vector<std::string> RunOverrides(const Args& args);

// sets OpenMP and LibTorch thread counts (0 = all cores); returns the count used
int SetThreads(int threads);
// Ctrl-C asks the runner to save and stop instead of killing the process
void InstallStopHandler();

// writes a result file named by `--flag` (its folder created, the file replaced atomically);
// ConfigError "<command>: --<flag> <path>: cannot write ..." otherwise
void WriteOutput(const std::string& command, const std::string& flag, const std::string& path,
                 const std::string& text);

// resumes `runner` from `checkpoint` when one is given, saying so
void ResumeIfAsked(Runner* runner, const std::string& checkpoint);
// one line on how a run ended (stopped or done, iteration, env steps, checkpoint)
void ReportRun(const Runner& runner, const std::string& log_dir);

}  // namespace tutor

#endif  // TUTOR_TOOLS_COMMON_H_
