#include "learning/metrics_log.h"

#include <filesystem>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace tutor {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string line;
  for (size_t i = 0; i < items.size(); ++i) line += (i ? "," : "") + items[i];
  return line;
}

// the rows of an existing metrics.csv up to `last_iteration`, with its header; a file with
// another header is moved aside
std::string KeptRows(const std::string& path, const std::string& header, int last_iteration) {
  std::ifstream in(path);
  if (!in) return "";
  std::string line, kept;
  std::getline(in, line);
  if (line != header) {
    in.close();
    std::filesystem::rename(path, path + ".old");
    std::fprintf(stderr, "%s: other columns than this run's; moved to %s.old\n", path.c_str(),
                 path.c_str());
    return "";
  }
  while (std::getline(in, line)) {
    const int iteration = std::atoi(line.substr(0, line.find(',')).c_str());
    if (!line.empty() && iteration <= last_iteration) kept += line + "\n";
  }
  return kept;
}

}  // namespace

MetricsLog::MetricsLog(const std::string& log_dir, std::vector<std::string> columns,
                       int start_iteration)
    : columns_(std::move(columns)),
      csv_path_(log_dir + "/metrics.csv"),
      tensorboard_(log_dir, start_iteration) {
  const std::string header = Join(columns_);
  const std::string kept = KeptRows(csv_path_, header, start_iteration);
  WriteTextAtomically(csv_path_, "metrics", header + "\n" + kept);
  csv_.open(csv_path_, std::ios::app);
  if (!csv_) throw ConfigError(csv_path_ + ": cannot write metrics");
}

void MetricsLog::Write(int iteration, const std::map<std::string, double>& values) {
  std::ostringstream row;
  row.precision(10);
  std::vector<std::pair<std::string, double>> scalars;
  for (size_t i = 0; i < columns_.size(); ++i) {
    row << (i ? "," : "");
    const auto it = values.find(columns_[i]);
    if (it == values.end()) continue;
    row << it->second;
    if (columns_[i] != "iteration") scalars.emplace_back(Tag(columns_[i]), it->second);
  }
  csv_ << row.str() << "\n";
  csv_.flush();
  if (!csv_) throw ConfigError(csv_path_ + ": cannot write metrics");
  tensorboard_.WriteScalars(iteration, scalars);
}

std::string MetricsLog::Tag(const std::string& column) {
  // rsl_rl's names first, then tutor's own under the same groups
  static const std::map<std::string, std::string> kTags = {
      {"steps_per_s", "Perf/total_fps"},
      {"collect_s", "Perf/collection time"},
      {"learn_s", "Perf/learning_time"},
      {"env_steps", "Perf/env_steps"},
      {"wall_s", "Perf/wall_time"},
      {"mean_return", "Train/mean_reward"},
      {"mean_length", "Train/mean_episode_length"},
      {"fall_rate", "Train/fall_rate"},
      {"vx_error", "Train/vx_error"},
      {"vy_error", "Train/vy_error"},
      {"yaw_rate_error", "Train/yaw_rate_error"},
      {"learning_rate", "Loss/learning_rate"},
      {"action_std", "Policy/mean_noise_std"},
      {"value_loss", "Loss/value_function"},
      {"surrogate_loss", "Loss/surrogate"},
      {"entropy", "Loss/entropy"},
      {"kl", "Loss/kl"},
      {"behavior_loss", "Loss/behavior"}};
  const auto it = kTags.find(column);
  if (it != kTags.end()) return it->second;
  if (column.rfind("reward/", 0) == 0) return "Episode_Reward/" + column.substr(7);
  return "Algorithm/" + column;
}

}  // namespace tutor
