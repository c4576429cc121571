#ifndef TUTOR_LEARNING_RUNNER_H_
#define TUTOR_LEARNING_RUNNER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "envs/vec_env.h"
#include "learning/algorithm.h"
#include "learning/checkpoint.h"
#include "learning/learning_config.h"
#include "learning/metrics_log.h"

namespace tutor {

// zero-copy tensor views of the env's buffers: [N, width] per group
ObsMap ObservationViews(const VecEnv& env, const std::vector<std::string>& groups,
                        bool final_observations = false);

// Episode statistics over a rolling window of recently finished episodes.
struct EpisodeWindow {
  explicit EpisodeWindow(size_t capacity = 200) : capacity(capacity) {}
  void Add(const EpisodeInfo& episode);
  bool Empty() const { return episodes.empty(); }
  double Mean(double EpisodeInfo::*field) const;
  double MeanLength() const;
  double FallRate() const;
  std::vector<double> MeanTerms() const;
  // the means above in one record (count 0 and zeros when empty)
  struct Summary {
    double count = 0, episode_return = 0, length = 0, fall_rate = 0, vx_error = 0, vy_error = 0,
           yaw_rate_error = 0;
  };
  Summary Summarize() const;

  size_t capacity;
  std::deque<EpisodeInfo> episodes;
};

// The loop both algorithms share: collect num_steps_per_env transitions from every env,
// ComputeReturns, Update, log a console line and a metrics.csv row, checkpoint.
class Runner {
 public:
  // `config_text`: the resolved config, stored in every checkpoint; the rest of the meta
  // (kind, architecture, observation sets, layout) comes from the algorithm and the env.
  // ConfigError when a set names a group the env does not have.
  Runner(VecEnv* env, Algorithm* algorithm, const RunnerConfig& config, std::string config_text);

  // runs until `last_iteration` (exclusive), or until StopRequested(); writes config.yaml into
  // the log dir first and saves at the end
  void Learn(int last_iteration);
  void Save(const std::string& path);
  // restores the algorithm (model, normalizers, optimizer, learning rate), iteration and RNG;
  // CheckpointError when the checkpoint is of another kind, architecture, sets or layout
  void Load(const std::string& path);
  const CheckpointMeta& meta() const { return meta_; }
  int iteration() const { return iteration_; }
  int64_t env_steps() const { return env_steps_; }

  // set by a SIGINT handler: the loop saves and returns after the current step
  static std::atomic<bool>& StopRequested();
  // Data-parallel: this runner is rank comm->Rank() of the run (the algorithm's too). Rank 0
  // alone writes config.yaml, metrics.csv, TensorBoard, console lines and checkpoints (which
  // record the world size); episode statistics are over every rank's envs, env steps count
  // the run's; a stop request (or an after_iteration's true) on any rank stops every rank at
  // the same iteration.
  void SetCommunicator(Communicator* comm);
  bool IsRankZero() const { return RankOf(comm_) == 0; }
  bool quiet = false;  // no console lines (tests)
  // called after each iteration (its metrics logged, its checkpoint saved); true stops the
  // run. Its time is not training time: wall_s counts collection and learning only.
  std::function<bool(int iteration)> after_iteration;
  double wall_seconds() const { return wall_s_; }

 private:
  void LogIteration(double collect_s, double learn_s, const Stats& stats, int last_iteration);
  void SaveNumbered();  // model_<iteration>.pt and model_latest.pt
  std::vector<std::string> MetricColumns() const;

  VecEnv* env_;
  Algorithm* algorithm_;
  RunnerConfig config_;
  CheckpointMeta meta_;
  int iteration_ = 0;
  int64_t env_steps_ = 0;
  double wall_s_ = 0;
  EpisodeWindow window_;
  std::unique_ptr<MetricsLog> metrics_;  // opened by Learn (rank 0)
  Communicator* comm_ = nullptr;
  double logged_collective_s_ = 0;  // the collective counters at the last logged iteration
  int64_t logged_collectives_ = 0, logged_collective_bytes_ = 0;
};

}  // namespace tutor

#endif  // TUTOR_LEARNING_RUNNER_H_
