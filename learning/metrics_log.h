#ifndef TUTOR_LEARNING_METRICS_LOG_H_
#define TUTOR_LEARNING_METRICS_LOG_H_

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "learning/tensorboard.h"

namespace tutor {

// The per-iteration logs of a run: `metrics.csv` with a fixed column set (declared up front,
// so a first iteration that lacks a value still gets its column) and a TensorBoard event file
// with the same values under rsl_rl's tag names where one exists.
class MetricsLog {
 public:
  // Keeps the rows and events of iterations up to `start_iteration` (0: a fresh log; a resumed
  // run: its checkpoint's iteration, so steps a killed run logged after it are not repeated).
  // A metrics.csv with other columns is moved aside to metrics.csv.old first.
  MetricsLog(const std::string& log_dir, std::vector<std::string> columns, int start_iteration);

  // one row: columns absent from `values` are empty in the CSV and absent from TensorBoard
  void Write(int iteration, const std::map<std::string, double>& values);

  // the TensorBoard tag of a column ("mean_return" -> "Train/mean_reward", ...)
  static std::string Tag(const std::string& column);
  const std::string& csv_path() const { return csv_path_; }
  const std::string& event_path() const { return tensorboard_.path(); }

 private:
  std::vector<std::string> columns_;
  std::string csv_path_;
  std::ofstream csv_;
  TensorBoardWriter tensorboard_;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_METRICS_LOG_H_
