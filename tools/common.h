#ifndef TUTOR_TOOLS_COMMON_H_
#define TUTOR_TOOLS_COMMON_H_

namespace tutor {

// sets OpenMP and LibTorch thread counts (0 = all cores); returns the count used
int SetThreads(int threads);
// Ctrl-C asks the runner to save and stop instead of killing the process
void InstallStopHandler();

}  // namespace tutor

#endif  // TUTOR_TOOLS_COMMON_H_
