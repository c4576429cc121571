#ifndef TUTOR_TOOLS_COMMANDS_H_
#define TUTOR_TOOLS_COMMANDS_H_

namespace tutor {

// each `tutor <verb>` entry point; argv[first] is the first flag. Returns the exit code;
// throws tutor::Error on bad input (main() turns it into `error: ...` and exit 2).
int RunBenchEnv(int argc, char** argv, int first);
int RunBenchPolicies(int argc, char** argv, int first);
int RunTrain(int argc, char** argv, int first);
int RunEval(int argc, char** argv, int first);
int RunDistill(int argc, char** argv, int first);
int RunExport(int argc, char** argv, int first);
int RunPlay(int argc, char** argv, int first);  // only with TUTOR_WITH_VIEWER

}  // namespace tutor

#endif  // TUTOR_TOOLS_COMMANDS_H_
