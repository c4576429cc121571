// tutor bench policies: teacher vs students on identical seeds and commands, a robustness
// sweep, size and latency (LibTorch and the Eigen runtime), JSON + markdown + plots.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/clock.h"
#include "core/error.h"
#include "learning/eigen_policy.h"
#include "learning/export.h"
#include "learning/policy_loading.h"
#include "learning/runner.h"
#include "learning/torch_threads.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/evaluation.h"

namespace tutor {
namespace {

struct SweepPoint {
  std::string axis;  // friction, added_mass, push_velocity
  double value;
  double mean_return, fall_rate;
};

struct PolicyReport {
  std::string name, path, which;
  LoadedPolicy loaded;
  PolicyFn policy;  // its mean action
  EvalResult nominal;
  std::vector<SweepPoint> sweep;
  std::vector<TerrainCell> terrain;  // with --terrain
  int64_t checkpoint_bytes = 0;
  double torch_latency_us = 0, eigen_latency_us = 0, batch_samples_per_s = 0;
};

// median of `runs` timings (µs) of `fn`
template <typename Fn>
double MedianMicros(int runs, Fn fn) {
  std::vector<double> times(runs);
  for (int i = 0; i < runs; ++i) {
    const Stopwatch clock;
    fn();
    times[i] = clock.Micros();
  }
  std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
  return times[runs / 2];
}

void Progress(int done, int total, const std::string& what) {
  const int width = 30, filled = total ? width * done / total : width;
  std::fprintf(stderr, "\r[%s%s] %d/%d %-40s", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done, total, what.c_str());
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

nlohmann::json Json(const std::vector<PolicyReport>& reports, int episodes, int seed,
                    const std::string& env, bool terrain_long) {
  nlohmann::json policies = nlohmann::json::array();
  for (const auto& r : reports) {
    nlohmann::json sweep = nlohmann::json::array();
    for (const auto& p : r.sweep)
      sweep.push_back({{"axis", p.axis},
                       {"value", p.value},
                       {"mean_return", p.mean_return},
                       {"fall_rate", p.fall_rate}});
    policies.push_back({{"name", r.name},
                        {"checkpoint", r.path},
                        {"policy", r.loaded.name},
                        {"group", r.loaded.group},
                        {"recurrent", r.loaded.net->recurrent()},
                        {"parameters", r.loaded.net->NumParameters()},
                        {"checkpoint_bytes", r.checkpoint_bytes},
                        {"latency_us_libtorch", r.torch_latency_us},
                        {"latency_us_eigen", r.eigen_latency_us},
                        {"batch_samples_per_s", r.batch_samples_per_s},
                        {"nominal", EvalResultJson(r.nominal)},
                        {"robustness", sweep},
                        {"terrain", TerrainCellsJson(r.terrain)}});
  }
  return {{"episodes", episodes}, {"seed", seed}, {"env", env}, {"terrain_long", terrain_long},
          {"policies", policies}};
}

std::string Markdown(const std::vector<PolicyReport>& reports, int episodes) {
  std::ostringstream o;
  char line[512];
  o << "| policy | obs | params | ckpt KB | return | length | falls | vx err | vy err | yaw err "
       "| non-foot contact | air time s | power W | LibTorch µs | Eigen µs | batch samples/s |\n"
       "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : reports) {
    const EvalResult& e = r.nominal;
    std::snprintf(line, sizeof(line),
                  "| %s | %s | %lld | %.0f | %.2f | %.0f | %.1f %% | %.3f | %.3f | %.3f | %.2f %% | "
                  "%.3f | %.1f | %.1f | %.2f | %.3g |\n",
                  r.name.c_str(), r.loaded.group.c_str(),
                  static_cast<long long>(r.loaded.net->NumParameters()),
                  r.checkpoint_bytes / 1024.0, e.mean_return, e.mean_length, 100 * e.fall_rate,
                  e.vx_error, e.vy_error, e.yaw_rate_error, 100 * e.nonfoot_contact_share,
                  e.foot_air_time, e.power, r.torch_latency_us,
                  r.eigen_latency_us, r.batch_samples_per_s);
    o << line;
  }
  o << "\n" << episodes << " episodes per policy on the fixed command grid (`tutor eval`).\n\n";
  if (reports.front().sweep.empty()) return o.str();
  // one row per sweep point, one column per policy
  o << "Robustness (mean return / fall rate; one quantity fixed per row, the rest randomized "
       "as in training):\n\n| quantity | value |";
  for (const auto& r : reports) o << " " << r.name << " |";
  o << "\n|---|---|";
  for (size_t k = 0; k < reports.size(); ++k) o << "---|";
  o << "\n";
  const auto& sweep = reports.front().sweep;
  for (size_t k = 0; k < sweep.size(); ++k) {
    std::snprintf(line, sizeof(line), "| %s | %g |", sweep[k].axis.c_str(), sweep[k].value);
    o << line;
    for (const auto& r : reports) {
      std::snprintf(line, sizeof(line), " %.2f / %.1f %% |", r.sweep[k].mean_return,
                    100 * r.sweep[k].fall_rate);
      o << line;
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace

int RunBenchPolicies(int argc, char** argv, int first) {
  CLI::App app("teacher vs students: return, tracking, robustness, size, latency",
               "tutor bench policies");
  std::vector<std::string> specs;
  int episodes = 64, sweep_episodes = 64, seed = 1000, threads = 0;
  double sweep_seconds = 10.0;
  std::string json_path, markdown_path, plots, env_from;
  app.add_option("--policy", specs, "NAME=CKPT[:teacher|student] (repeatable)")
      ->required()
      ->allow_extra_args(false);
  app.add_option("--episodes", episodes, "nominal episodes per policy")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--sweep-episodes", sweep_episodes, "episodes per robustness point")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--sweep-seconds", sweep_seconds, "episode length in the sweep (s)")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
  app.add_option("--seed", seed, "env seed shared by every policy")->capture_default_str();
  app.add_option("--threads", threads, "threads (0: all cores)")->check(CLI::Range(0, 1024));
  app.add_option("--json", json_path, "write the results as JSON");
  app.add_option("--markdown", markdown_path, "write the tables as markdown");
  app.add_option("--plots", plots, "write PNG plots into this folder (python3-matplotlib)");
  app.add_option("--env", env_from,
                 "take the shared env from this checkpoint's stored config instead of the first "
                 "policy's (runs benched apart, each in the same env, compare cell by cell)");
  std::vector<std::string> overrides;
  app.add_option("--set", overrides,
                 "override a key of the shared env config (the first policy's or --env's), e.g. "
                 "env.rewards.scales.feet_clearance=-5 (repeatable)");
  bool robustness = true;
  app.add_flag("--robustness,!--no-robustness", robustness,
               "the robustness sweep (on by default)");
  std::vector<std::string> terrain_names;
  TerrainBenchConfig bench;
  AddTerrainBenchFlags(&app,
                       "also the terrain benchmark on these types (or 'all'): fixed patches per "
                       "type and level, --terrain-episodes each",
                       &terrain_names, &bench.levels, &bench.seed, &bench.long_patches);
  app.add_option("--terrain-episodes", bench.episodes, "episodes per terrain cell")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  threads = SetThreads(threads);
  bench.types = ParseTerrainTypes(terrain_names, "bench policies: --terrain");

  std::vector<PolicyReport> reports;
  for (const auto& spec : specs) {
    PolicyReport r;
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("bench policies: --policy " + spec +
                        ": expected NAME=CKPT[:teacher|student]");
    r.name = spec.substr(0, eq);
    r.path = spec.substr(eq + 1);
    if (auto colon = r.path.rfind(':'); colon != std::string::npos) {
      r.which = r.path.substr(colon + 1);
      r.path = r.path.substr(0, colon);
    }
    r.loaded = LoadPolicy(r.path, r.which);
    r.policy = MeanActionPolicy(r.loaded);
    r.checkpoint_bytes = static_cast<int64_t>(std::filesystem::file_size(r.path));
    reports.push_back(std::move(r));
  }

  // every policy in the env of the first one's stored config (or --env's), same seed, same
  // commands: a policy's figures do not depend on the others benched beside it
  const std::string reference_path = env_from.empty() ? reports.front().path : env_from;
  const std::string reference =
      env_from.empty() ? reports.front().loaded.meta.config : LoadPolicy(env_from).meta.config;
  bool env_printed = false;
  auto make_env = [&](int n, const std::vector<std::string>& point) {
    std::vector<std::string> extra = overrides;
    extra.insert(extra.end(), point.begin(), point.end());
    AppendEvalOverrides(n, seed, &extra);
    const AppConfig config = LoadAppConfigText(reference, reference_path, extra);
    auto env = std::make_unique<QuadrupedVecEnv>(config.env, config.source);
    env->SetNumThreads(threads);
    if (!env_printed) PrintEnvSummary(*env), env_printed = true;
    return env;
  };
  // every policy's observations checked before any is evaluated (not after an hour of the first)
  {
    const auto probe = make_env(1, {});
    for (const auto& r : reports)
      CheckLayoutMatches(r.loaded.layout, probe->Layout(), {r.loaded.group},
                         r.path + " (bench policies runs every policy in the env of " +
                         (env_from.empty() ? "the first one's stored config, " : "--env ") +
                         reference_path +
                         ": list first, or name with --env, a policy whose config holds every "
                         "group)");
  }
  struct Axis {
    const char* name;
    std::vector<double> values;
  };
  // a real Go1's envelope: each point fixes one quantity, the others keep the stored config's
  // randomization (64 episodes resolve a fall rate to about +-4 % at 10 %)
  const std::vector<Axis> axes = {{"friction", {0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5}},
                                  {"added_mass", {-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0}},
                                  {"push_velocity", {0.0, 0.5, 1.0, 1.5, 2.0}},
                                  {"motor_strength", {0.8, 0.9, 1.0, 1.1, 1.2}},
                                  {"kp_factor", {0.9, 1.0, 1.1}},
                                  {"kd_factor", {0.9, 1.0, 1.1}},
                                  {"action_latency", {0.0, 0.5, 1.0}}};
  int total = static_cast<int>(reports.size()) * 2, done = 0;
  if (robustness)
    for (const auto& axis : axes) total += static_cast<int>(reports.size() * axis.values.size());

  for (auto& r : reports) {
    Progress(done, total, r.name + ": nominal");
    auto env = make_env(episodes, {});
    CheckLayoutMatches(r.loaded.layout, env->Layout(), {r.loaded.group}, r.path);
    r.nominal = Evaluate(env.get(), r.policy, {r.loaded.group});
    ++done;
    for (const auto& axis : axes) {
      if (!robustness) break;
      for (double v : axis.values) {
        Progress(done, total, r.name + ": " + axis.name + " " + std::to_string(v).substr(0, 4));
        const std::string value = std::to_string(v);
        std::vector<std::string> extra = {"env.termination.episode_length_s=" +
                                          std::to_string(sweep_seconds)};
        if (std::string(axis.name) == "push_velocity") {
          // every push at exactly this speed, in a random direction
          extra.push_back("env.randomization.push_velocity=[" + value + ", " + value + "]");
          extra.push_back("env.randomization.push_interval_s=[2.0, 4.0]");
        } else {
          extra.push_back("env.randomization." + std::string(axis.name) + "=[" + value + ", " +
                          value + "]");
        }
        auto sweep_env = make_env(sweep_episodes, extra);
        const EvalResult e = Evaluate(sweep_env.get(), r.policy, {r.loaded.group});
        r.sweep.push_back({axis.name, v, e.mean_return, e.fall_rate});
        ++done;
      }
    }
    if (!bench.types.empty()) {
      r.terrain = EvaluateTerrain(reference, reference_path + " (stored config)", overrides,
                                  bench, threads, r.loaded, r.policy,
                                  [&](const std::string& cell) {
                                    Progress(done, total, r.name + ": terrain " + cell);
                                  });
    }
    // size and speed: one sample through LibTorch and through the exported Eigen runtime,
    // and a batch of 4096 through LibTorch
    Progress(done, total, r.name + ": latency");
    torch::NoGradGuard no_grad;
    const int dim = r.loaded.net->spec.obs;
    const auto one = torch::randn({1, dim});
    const auto batch = torch::randn({4096, dim});
    {
      const TorchThreadsGuard one_thread(1);
      for (int i = 0; i < 200; ++i) r.loaded.net->forward(one);
      r.torch_latency_us = MedianMicros(2000, [&] { r.loaded.net->forward(one); });
    }
    const double batch_us = MedianMicros(20, [&] { r.loaded.net->forward(batch); });
    r.batch_samples_per_s = 4096 / (batch_us * 1e-6);
    const std::string exported =
        std::filesystem::temp_directory_path() / ("tutor_bench_" + r.name + ".txt");
    ExportPolicy(r.loaded.net, r.loaded.layout, r.loaded.group, exported);
    auto eigen = deploy::EigenPolicy::Load(exported);
    Eigen::VectorXf x = Eigen::VectorXf::Random(dim);
    float sink = 0;
    for (int i = 0; i < 2000; ++i) sink += eigen.Act(x)[0];
    r.eigen_latency_us = MedianMicros(20000, [&] { sink += eigen.Act(x)[0]; });
    if (sink == 12345.678f) std::puts("");  // keeps the loop from being optimized away
    std::filesystem::remove(exported);
    ++done;
  }
  Progress(total, total, "done");

  std::string markdown = Markdown(reports, episodes);
  if (!bench.types.empty()) {
    std::vector<std::string> names;
    std::vector<std::vector<TerrainCell>> cells;
    for (const auto& r : reports) names.push_back(r.name), cells.push_back(r.terrain);
    markdown += "\n" + TerrainMarkdown(bench, names, cells);
  }
  std::fputs(markdown.c_str(), stdout);
  const std::string json = Json(reports, episodes, seed, reference_path, bench.long_patches).dump(2) + "\n";
  if (!json_path.empty()) WriteOutput("bench policies", "json", json_path, json);
  if (!markdown_path.empty()) WriteOutput("bench policies", "markdown", markdown_path, markdown);
  if (!plots.empty()) {
    const std::string dir = plots;
    const std::string json_path = dir + "/bench_policies.json";
    WriteOutput("bench policies", "plots", json_path, json);
    const std::string cmd = "/usr/bin/python3 '" + std::string(TUTOR_SOURCE_DIR) +
                            "/scripts/plot_bench.py' '" + json_path + "' '" + dir + "'";
    if (std::system(cmd.c_str()) != 0)
      throw ConfigError("bench policies: plotting failed (is python3-matplotlib installed?)");
  }
  return 0;
}

}  // namespace tutor
