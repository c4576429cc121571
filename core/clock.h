#ifndef TUTOR_CORE_CLOCK_H_
#define TUTOR_CORE_CLOCK_H_

#include <chrono>

namespace tutor {

// wall time since construction (or the last Restart), in seconds or microseconds
class Stopwatch {
 public:
  using Clock = std::chrono::steady_clock;
  Stopwatch() : start_(Clock::now()) {}
  void Restart() { start_ = Clock::now(); }
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double Micros() const {
    return std::chrono::duration<double, std::micro>(Clock::now() - start_).count();
  }

 private:
  Clock::time_point start_;
};

}  // namespace tutor

#endif  // TUTOR_CORE_CLOCK_H_
