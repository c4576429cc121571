#include "learning/runner.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/clock.h"
#include "core/error.h"

namespace tutor {
namespace {

torch::Tensor Column(const float* data, int n) {
  return torch::from_blob(const_cast<float*>(data), {n, 1}, torch::kFloat32);
}

std::string FormatDuration(double seconds) {
  char text[32];
  const int s = static_cast<int>(seconds);
  if (s >= 3600) std::snprintf(text, sizeof(text), "%dh%02dm", s / 3600, s % 3600 / 60);
  else std::snprintf(text, sizeof(text), "%dm%02ds", s / 60, s % 60);
  return text;
}

}  // namespace

ObsMap ObservationViews(const VecEnv& env, const std::vector<std::string>& groups,
                        bool final_observations) {
  ObsMap views;
  for (const auto& group : groups) {
    if (views.count(group)) continue;
    const float* data =
        final_observations ? env.FinalObservations(group) : env.Observations(group);
    views[group] = torch::from_blob(const_cast<float*>(data),
                                    {env.NumEnvs(), env.GroupWidth(group)}, torch::kFloat32);
  }
  return views;
}

void EpisodeWindow::Add(const EpisodeInfo& episode) {
  episodes.push_back(episode);
  if (episodes.size() > capacity) episodes.pop_front();
}

double EpisodeWindow::Mean(double EpisodeInfo::*field) const {
  double sum = 0;
  for (const auto& e : episodes) sum += e.*field;
  return episodes.empty() ? 0.0 : sum / episodes.size();
}

double EpisodeWindow::MeanLength() const {
  double sum = 0;
  for (const auto& e : episodes) sum += e.length;
  return episodes.empty() ? 0.0 : sum / episodes.size();
}

double EpisodeWindow::FallRate() const {
  double falls = 0;
  for (const auto& e : episodes) falls += e.terminated;
  return episodes.empty() ? 0.0 : falls / episodes.size();
}

std::vector<double> EpisodeWindow::MeanTerms() const {
  std::vector<double> sums;
  for (const auto& e : episodes) {
    sums.resize(e.reward_terms.size(), 0.0);
    for (size_t i = 0; i < e.reward_terms.size(); ++i) sums[i] += e.reward_terms[i];
  }
  for (double& s : sums) s /= std::max<size_t>(1, episodes.size());
  return sums;
}

EpisodeWindow::Summary EpisodeWindow::Summarize() const {
  Summary s;
  if (episodes.empty()) return s;
  s.count = static_cast<double>(episodes.size());
  s.episode_return = Mean(&EpisodeInfo::episode_return);
  s.length = MeanLength();
  s.fall_rate = FallRate();
  s.vx_error = Mean(&EpisodeInfo::vx_error);
  s.vy_error = Mean(&EpisodeInfo::vy_error);
  s.yaw_rate_error = Mean(&EpisodeInfo::yaw_rate_error);
  return s;
}

std::atomic<bool>& Runner::StopRequested() {
  static std::atomic<bool> stop{false};
  return stop;
}

Runner::Runner(VecEnv* env, Algorithm* algorithm, const RunnerConfig& config,
               std::string config_text)
    : env_(env), algorithm_(algorithm), config_(config) {
  // every set resolved against the env's groups once, here
  for (const auto& [role, group] : algorithm_->Sets()) {
    try {
      env_->Layout().Group(group);
    } catch (const ConfigError& e) {
      throw ConfigError("runner.observation_sets." + role + ": " + e.what());
    }
  }
  meta_.kind = algorithm_->Kind();
  meta_.layout = env_->Layout().Serialize();
  meta_.model = algorithm_->DescribeModel();
  meta_.config = std::move(config_text);
  meta_.sets = algorithm_->Sets();
}

void Runner::SetCommunicator(Communicator* comm) {
  comm_ = comm;
  algorithm_->SetCommunicator(comm);
}

void Runner::Learn(int last_iteration) {
  if (IsRankZero()) {
    std::filesystem::create_directories(config_.log_dir);
    // the resolved config beside the checkpoints (it is inside each of them too), and the
    // logs, which keep what this run (or the run it resumes) logged up to the current iteration
    WriteTextAtomically(config_.log_dir + "/config.yaml", "config", meta_.config + "\n");
    metrics_ = std::make_unique<MetricsLog>(config_.log_dir, MetricColumns(), iteration_);
  }
  // every rank starts from rank 0's model
  if (IsDistributed(comm_)) algorithm_->BroadcastFromRankZero();
  const auto groups = algorithm_->Groups();
  const int n = env_->NumEnvs();
  const int world = WorldSizeOf(comm_);
  env_->Reset();
  ObsMap obs = ObservationViews(*env_, groups);
  // a stop asked on any rank stops every rank, at the same iteration
  auto stop = [&] { return SumOverRanks(comm_, StopRequested() ? 1.0 : 0.0) > 0; };
  while (iteration_ < last_iteration && !stop()) {
    const Stopwatch collect_clock;
    // collection: the policy acts, the env steps, the algorithm records
    {
      torch::InferenceMode inference_guard(false);
      torch::NoGradGuard no_grad;
      for (int step = 0; step < config_.num_steps_per_env; ++step) {
        const torch::Tensor actions = algorithm_->Act(obs).contiguous();
        env_->Step(actions.data_ptr<float>());
        EnvStep result;
        result.next_observations = ObservationViews(*env_, groups);
        result.final_observations = ObservationViews(*env_, groups, true);
        result.rewards = Column(env_->Rewards(), n);
        result.terminated = Column(env_->Terminated(), n);
        result.truncated = Column(env_->Truncated(), n);
        algorithm_->ProcessStep(result);
        for (const auto& episode : env_->FinishedEpisodes()) window_.Add(episode);
        obs = result.next_observations;
      }
      algorithm_->ComputeReturns(obs);
    }
    const double collect_s = collect_clock.Seconds();
    const Stopwatch learn_clock;
    const Stats stats = algorithm_->Update();
    const double learn_s = learn_clock.Seconds();
    env_steps_ += static_cast<int64_t>(n) * world * config_.num_steps_per_env;
    wall_s_ += collect_s + learn_s;
    ++iteration_;
    LogIteration(collect_s, learn_s, stats, last_iteration);
    // model_latest.pt moves along with every save, so a killed run resumes from its newest
    if (config_.save_interval > 0 && iteration_ % config_.save_interval == 0) SaveNumbered();
    const bool done = after_iteration && after_iteration(iteration_);
    if (SumOverRanks(comm_, done ? 1.0 : 0.0) > 0) break;
  }
  SaveNumbered();
  // the others wait for rank 0's checkpoint (a next stage reads it)
  SumOverRanks(comm_, 0.0);
}

void Runner::SaveNumbered() {
  if (!IsRankZero()) return;
  Save(config_.log_dir + "/model_" + std::to_string(iteration_) + ".pt");
  Save(config_.log_dir + "/model_latest.pt");
}

std::vector<std::string> Runner::MetricColumns() const {
  std::vector<std::string> columns = {
      "iteration",   "env_steps", "wall_s",   "steps_per_s",    "collect_s",
      "learn_s",     "mean_return", "mean_length", "fall_rate", "vx_error",
      "vy_error",    "yaw_rate_error", "learning_rate", "action_std"};
  for (const auto& term : env_->RewardTermNames()) columns.push_back("reward/" + term);
  for (const auto& stat : algorithm_->StatNames()) columns.push_back(stat);
  for (const auto& name : env_->MetricNames()) columns.push_back(name);
  // data-parallel: rank 0's seconds in collectives this iteration (the store's bookkeeping and
  // the wait for the slowest rank included), their count and megabytes
  if (IsDistributed(comm_))
    for (const char* c : {"collective_s", "collectives", "collective_mb"}) columns.push_back(c);
  return columns;
}

void Runner::LogIteration(double collect_s, double learn_s, const Stats& stats,
                          int last_iteration) {
  const int n = env_->NumEnvs() * WorldSizeOf(comm_);
  const double steps_per_s = n * config_.num_steps_per_env / (collect_s + learn_s);
  const auto term_names = env_->RewardTermNames();
  auto terms = window_.MeanTerms();
  auto env_values = env_->MetricValues();
  EpisodeWindow::Summary summary = window_.Summarize();
  if (IsDistributed(comm_)) {
    // the episodes of every rank's window, and the env metrics averaged over the ranks
    terms.resize(term_names.size(), 0.0);
    std::vector<double> v = {summary.count,
                             summary.episode_return * summary.count,
                             summary.length * summary.count,
                             summary.fall_rate * summary.count,
                             summary.vx_error * summary.count,
                             summary.vy_error * summary.count,
                             summary.yaw_rate_error * summary.count};
    for (double t : terms) v.push_back(t * summary.count);
    for (double m : env_values) v.push_back(m);
    const auto sums = SumOverRanks(comm_, torch::tensor(v, torch::kFloat64));
    const auto* s = sums.data_ptr<double>();
    const double count = s[0], inv = count > 0 ? 1.0 / count : 0.0;
    summary = {count, s[1] * inv, s[2] * inv, s[3] * inv, s[4] * inv, s[5] * inv, s[6] * inv};
    for (size_t i = 0; i < terms.size(); ++i) terms[i] = s[7 + i] * inv;
    for (size_t i = 0; i < env_values.size(); ++i)
      env_values[i] = s[7 + terms.size() + i] / WorldSizeOf(comm_);
    if (count == 0) terms.clear();
  }
  if (!IsRankZero()) return;

  // metrics.csv and TensorBoard: every column of MetricColumns() that has a value
  std::map<std::string, double> row = {
      {"iteration", iteration_},
      {"env_steps", static_cast<double>(env_steps_)},
      {"wall_s", wall_s_},
      {"steps_per_s", steps_per_s},
      {"collect_s", collect_s},
      {"learn_s", learn_s},
      {"learning_rate", algorithm_->LearningRate()},
      {"action_std", algorithm_->ActionStd()}};
  if (summary.count > 0) {
    row["mean_return"] = summary.episode_return;
    row["mean_length"] = summary.length;
    row["fall_rate"] = summary.fall_rate;
    row["vx_error"] = summary.vx_error;
    row["vy_error"] = summary.vy_error;
    row["yaw_rate_error"] = summary.yaw_rate_error;
    for (size_t i = 0; i < term_names.size() && i < terms.size(); ++i)
      row["reward/" + term_names[i]] = terms[i];
  }
  for (const auto& [key, value] : stats) row[key] = value;
  const auto env_names = env_->MetricNames();
  for (size_t i = 0; i < env_names.size() && i < env_values.size(); ++i)
    row[env_names[i]] = env_values[i];
  if (IsDistributed(comm_)) {
    row["collective_s"] = comm_->CollectiveSeconds() - logged_collective_s_;
    row["collectives"] = static_cast<double>(comm_->CollectiveCalls() - logged_collectives_);
    row["collective_mb"] = (comm_->CollectiveBytes() - logged_collective_bytes_) / 1e6;
    logged_collective_s_ = comm_->CollectiveSeconds();
    logged_collectives_ = comm_->CollectiveCalls();
    logged_collective_bytes_ = comm_->CollectiveBytes();
  }
  metrics_->Write(iteration_, row);

  if (quiet) return;
  const double eta = (last_iteration - iteration_) * (collect_s + learn_s);
  std::string line;
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "[%d/%d] %.0f steps/s (collect %.2fs learn %.2fs) | return %.2f len %.0f falls "
                "%.0f%% | err vx %.2f yaw %.2f |",
                iteration_, last_iteration, steps_per_s, collect_s, learn_s, summary.episode_return,
                summary.length, 100.0 * summary.fall_rate, summary.vx_error,
                summary.yaw_rate_error);
  line += buf;
  for (size_t i = 0; i < term_names.size() && i < terms.size(); ++i) {
    std::snprintf(buf, sizeof(buf), " %s %.3f", term_names[i].c_str(), terms[i]);
    line += buf;
  }
  line += " |";
  for (const auto& [key, value] : stats) {
    std::snprintf(buf, sizeof(buf), " %s %.4g", key.c_str(), value);
    line += buf;
  }
  if (!env_names.empty()) line += " |";
  for (size_t i = 0; i < env_names.size() && i < env_values.size(); ++i) {
    std::snprintf(buf, sizeof(buf), " %s %.2f", env_names[i].c_str(), env_values[i]);
    line += buf;
  }
  std::snprintf(buf, sizeof(buf), " | lr %.2e std %.3f | ETA %s", algorithm_->LearningRate(),
                algorithm_->ActionStd(), FormatDuration(eta).c_str());
  line += buf;
  if (stats.count("rolled_back"))
    line += "  ** non-finite update: rolled back to the last good state, learning rate halved";
  if (stats.count("skipped_nonfinite_rollout"))
    line += "  ** non-finite observations or rewards: rollout discarded";
  std::puts(line.c_str());
  std::fflush(stdout);
}

void Runner::Save(const std::string& path) {
  if (!IsRankZero()) return;
  torch::serialize::OutputArchive archive, algorithm;
  meta_.iteration = iteration_;
  WriteMeta(meta_, &archive);
  algorithm_->Save(&algorithm);
  archive.write("algorithm", algorithm);
  archive.write("env_steps", c10::IValue(static_cast<int64_t>(env_steps_)));
  archive.write("wall_s", torch::tensor(wall_s_, torch::kFloat64));
  archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
  // the run's ranks (a resume may use another number: the envs are the run's either way)
  archive.write("world_size", c10::IValue(static_cast<int64_t>(WorldSizeOf(comm_))));
  SaveCheckpoint(&archive, path);
}

void Runner::Load(const std::string& path) {
  torch::serialize::InputArchive archive;
  const CheckpointMeta meta = OpenCheckpoint(path, &archive);
  if (meta.format_version != kCheckpointFormatVersion)
    throw CheckpointError(path + ": a format-" + std::to_string(meta.format_version) +
                          " checkpoint of an earlier tutor: it evaluates, exports and teaches, "
                          "but only format " + std::to_string(kCheckpointFormatVersion) +
                          " resumes");
  if (meta.kind != meta_.kind)
    throw CheckpointError(path + ": a '" + meta.kind + "' checkpoint; this run is '" +
                          meta_.kind + "'");
  if (meta.model != meta_.model)
    throw CheckpointError(path + ": the stored architecture differs from the config's:\n" +
                          meta.model + "\nvs\n" + meta_.model);
  if (meta.sets != meta_.sets)
    throw CheckpointError(path + ": its observation sets differ from this run's");
  CheckLayoutMatches(EnvLayout::Parse(meta.layout), env_->Layout(), algorithm_->Groups(), path);
  try {
    torch::serialize::InputArchive algorithm;
    archive.read("algorithm", algorithm);
    algorithm_->Load(&algorithm);
    c10::IValue steps;
    if (archive.try_read("env_steps", steps)) env_steps_ = steps.toInt();
    torch::Tensor wall, rng;
    archive.read("wall_s", wall);
    wall_s_ = wall.item<double>();
    archive.read("rng", rng);
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    generator.set_state(rng);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": cannot restore the run: " + e.what_without_backtrace());
  }
  iteration_ = meta.iteration;
}

}  // namespace tutor
