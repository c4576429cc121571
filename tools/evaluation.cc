#include "tools/evaluation.h"

#include <cstdio>
#include <sstream>

#include "core/error.h"
#include "learning/checkpoint.h"
#include "tools/app_config.h"

#include "learning/runner.h"
#include "learning/torch_threads.h"

namespace tutor {

std::array<double, 3> EvalCommand(int episode) {
  static const double kVx[8] = {1.0, -1.0, 0.5, -0.5, 0.0, 0.75, -0.75, 0.25};
  static const double kVyYaw[8][2] = {{0, 0},   {0.5, 0},    {-0.5, 0},    {0, 1},
                                      {0, -1},  {0.25, 0.5}, {-0.25, -0.5}, {0, 0.5}};
  const int row = (episode / 8) % 8;
  return {kVx[episode % 8], kVyYaw[row][0], kVyYaw[row][1]};
}

void AppendEvalOverrides(int episodes, int seed, std::vector<std::string>* overrides) {
  overrides->push_back("env.num_envs=" + std::to_string(episodes));
  overrides->push_back("env.seed=" + std::to_string(seed));
  overrides->push_back("env.termination.randomize_start=false");
}

std::vector<std::string> ReferencePhysicsOverrides(double control_dt) {
  char period[64];
  std::snprintf(period, sizeof(period), "env.robot.control_dt=%.17g", control_dt);
  return {"env.physics.timestep=0.002", "env.physics.cone=elliptic",
          "env.physics.impratio=100",   "env.physics.foot_condim=6",
          "env.physics.solver=newton",  "env.physics.iterations=100",
          "env.physics.tolerance=1e-8", "env.physics.frictionloss=true",
          "env.robot.decimation=0",     period};
}

PolicyFn MeanActionPolicy(const LoadedPolicy& loaded) {
  PolicyNet net = loaded.net;
  const std::string group = loaded.group;
  return [net, group](const ObsMap& obs, const torch::Tensor& starts) mutable {
    net->Reset(starts);
    return net->forward(obs.at(group));
  };
}

EvalResult Evaluate(QuadrupedVecEnv* env, const PolicyFn& policy,
                    const std::vector<std::string>& groups,
                    const std::array<double, 3>* command) {
  torch::NoGradGuard no_grad;
  // inference on one thread: a matrix product split across threads may sum in another order,
  // and a 1e-7 difference grows over 1000 chaotic steps; the env itself is thread-invariant,
  // so the numbers are the same for any --threads
  const TorchThreadsGuard one_thread(1);
  const int env_threads = env->NumThreads();  // the env's own count, not torch's
  const int n = env->NumEnvs();
  for (int i = 0; i < n; ++i) {
    const auto grid = EvalCommand(i);
    env->Env(i).SetFixedCommand(command ? command->data() : grid.data());
  }
  env->Reset();
  std::vector<EpisodeInfo> first(n);
  std::vector<bool> done(n, false);
  int remaining = n;
  torch::Tensor starts = torch::ones({n, 1});
  while (remaining > 0) {
    const ObsMap obs = ObservationViews(*env, groups);
    const torch::Tensor actions = policy(obs, starts).contiguous();
    env->Step(actions.data_ptr<float>());
    starts = torch::zeros({n, 1});
    for (const auto& episode : env->FinishedEpisodes()) {
      starts[episode.env_id][0] = 1.0;
      if (done[episode.env_id]) continue;
      done[episode.env_id] = true;
      first[episode.env_id] = episode;
      --remaining;
    }
  }
  EvalResult result;
  result.episodes = n;
  result.env_threads = env_threads;
  result.per_episode = first;
  for (const auto& e : first) {
    result.mean_return += e.episode_return / n;
    result.mean_length += static_cast<double>(e.length) / n;
    result.fall_rate += (e.terminated ? 1.0 : 0.0) / n;
    result.vx_error += e.vx_error / n;
    result.vy_error += e.vy_error / n;
    result.yaw_rate_error += e.yaw_rate_error / n;
    result.power += e.power / n;
  }
  long steps = 0, nonfoot = 0, touchdowns = 0;
  double air = 0;
  for (const auto& e : first) {
    steps += e.length, nonfoot += e.nonfoot_contact_steps;
    touchdowns += e.touchdowns, air += e.air_time_sum;
  }
  result.nonfoot_contact_share = steps > 0 ? static_cast<double>(nonfoot) / steps : 0.0;
  result.foot_air_time = touchdowns > 0 ? air / touchdowns : 0.0;
  return result;
}

std::vector<std::string> GaitShortfalls(const EvalResult& r) {
  std::vector<std::string> misses;
  char text[128];
  auto check = [&](bool ok, const char* format, double value, double bar) {
    if (ok) return;
    std::snprintf(text, sizeof(text), format, value, bar);
    misses.push_back(text);
  };
  check(r.fall_rate <= 0.05, "falls %.1f %% > %.0f %%", 100 * r.fall_rate, 5.0);
  check(r.vx_error <= 0.25, "|vx err| %.3f > %.2f m/s", r.vx_error, 0.25);
  check(r.yaw_rate_error <= 0.3, "|yaw err| %.3f > %.1f rad/s", r.yaw_rate_error, 0.3);
  check(r.nonfoot_contact_share <= 0.01, "non-foot contact %.2f %% > %.0f %%",
        100 * r.nonfoot_contact_share, 1.0);
  check(r.foot_air_time >= 0.15, "air time %.3f < %.2f s", r.foot_air_time, 0.15);
  return misses;
}

nlohmann::json EvalResultJson(const EvalResult& r) {
  return {{"episodes", r.episodes},
          {"mean_return", r.mean_return},
          {"mean_episode_length", r.mean_length},
          {"fall_rate", r.fall_rate},
          {"vx_error", r.vx_error},
          {"vy_error", r.vy_error},
          {"yaw_rate_error", r.yaw_rate_error},
          {"nonfoot_contact_share", r.nonfoot_contact_share},
          {"mean_foot_air_time_s", r.foot_air_time},
          {"mean_power_w", r.power},
          {"gait", GaitShortfalls(r).empty()}};
}

std::vector<TerrainType> ParseTerrainTypes(const std::vector<std::string>& names,
                                           const std::string& flag) {
  std::vector<bool> chosen(TerrainTypes().size(), false);
  for (const std::string& name : names) {
    bool known = name == "all";
    size_t k = 0;
    for (const auto& entry : TerrainTypes()) {
      if (name == "all" || name == entry.first) chosen[k] = true, known = true;
      ++k;
    }
    if (!known)
      throw ConfigError(flag + ": unknown terrain type '" + name + "' (expected all, " +
                        ChoiceList(TerrainTypes()) + ")");
  }
  std::vector<TerrainType> types;
  size_t k = 0;
  for (const auto& entry : TerrainTypes())
    if (chosen[k++]) types.push_back(entry.second);
  return types;
}

double BenchPatchSize(const TerrainBenchConfig& bench, double patch_size, double border) {
  if (!bench.long_patches) return patch_size;
  return std::max(patch_size, 2.0 * (border + 1.25 * bench.command * bench.episode_s));
}

std::vector<TerrainCell> EvaluateTerrain(const std::string& config_text,
                                         const std::string& source,
                                         const std::vector<std::string>& overrides,
                                         const TerrainBenchConfig& bench, int threads,
                                         const LoadedPolicy& loaded, const PolicyFn& policy,
                                         const std::function<void(const std::string&)>& progress) {
  std::vector<std::string> sets = overrides;
  AppendEvalOverrides(bench.episodes, bench.seed, &sets);
  sets.push_back("env.termination.episode_length_s=" + std::to_string(bench.episode_s));
  sets.push_back("env.randomization.push_velocity=[0.0, 0.0]");
  AppConfig config = LoadAppConfigText(config_text, source, sets);
  config.env.terrain.curriculum = false;
  if (bench.long_patches) {
    TerrainGeometryConfig& g = config.env.terrain.geometry;
    const double side = BenchPatchSize(bench, g.patch_size, g.border);
    const double area = (side * side) / (g.patch_size * g.patch_size);
    g.obstacle_count = static_cast<int>(std::lround(g.obstacle_count * area));
    g.patch_size = side;
  }
  const TerrainGeometryConfig& geometry = config.env.terrain.geometry;
  std::vector<int> levels = bench.levels;
  if (levels.empty())
    for (int l = 0; l < geometry.levels; ++l) levels.push_back(l);
  for (int l : levels)
    if (l < 0 || l >= geometry.levels)
      throw ConfigError(source + ": terrain level " + std::to_string(l) + " is outside 0.." +
                        std::to_string(geometry.levels - 1) + " (env.terrain.levels " +
                        std::to_string(geometry.levels) + ")");
  const std::array<double, 3> command = {bench.command, 0.0, 0.0};
  std::vector<TerrainCell> cells;
  for (TerrainType type : bench.types) {
    // flat has no feature: one cell (its first level), not the same patch once per level
    const size_t type_levels = type == TerrainType::kFlat ? 1 : levels.size();
    for (size_t li = 0; li < type_levels; ++li) {
      const int level = levels[li];
      if (progress) progress(std::string(ChoiceName(TerrainTypes(), type)) + " " + std::to_string(level));
      config.env.terrain.types = {{type, 1.0}};
      QuadrupedVecEnv env(config.env, config.source);
      env.SetNumThreads(threads);
      CheckLayoutMatches(loaded.layout, env.Layout(), {loaded.group}, source);
      for (int i = 0; i < env.NumEnvs(); ++i) env.Env(i).SetTerrainLevel(level);
      TerrainCell cell;
      cell.type = type, cell.level = level;
      cell.size = TerrainFeatureSize(geometry, type, level);
      cell.result = Evaluate(&env, policy, {loaded.group}, &command);
      const int n = cell.result.episodes;
      for (const EpisodeInfo& e : cell.result.per_episode) {
        if (!e.terminated && e.distance >= bench.success_m) cell.success_rate += 1.0 / n;
        cell.mean_distance += e.distance / n;
      }
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

nlohmann::json TerrainCellsJson(const std::vector<TerrainCell>& cells) {
  nlohmann::json rows = nlohmann::json::array();
  for (const TerrainCell& c : cells)
    rows.push_back({{"type", ChoiceName(TerrainTypes(), c.type)},
                    {"level", c.level},
                    {"size", c.size},
                    {"size_name", TerrainSizeName(c.type)},
                    {"success_rate", c.success_rate},
                    {"mean_distance_m", c.mean_distance},
                    {"result", EvalResultJson(c.result)}});
  return rows;
}

std::string TerrainMarkdown(const TerrainBenchConfig& bench,
                            const std::vector<std::string>& names,
                            const std::vector<std::vector<TerrainCell>>& cells) {
  std::ostringstream o;
  char text[256];
  std::snprintf(text, sizeof(text),
                "Terrain (success / return / falls / |vx err| per cell: %d episodes on fixed "
                "%spatches, env seed %d, %.2f m/s ahead for up to %.0f s, no pushes; success = no "
                "fall and >= %.1f m crossed):\n\n| terrain | level | size |",
                bench.episodes, bench.long_patches ? "long " : "", bench.seed, bench.command,
                bench.episode_s, bench.success_m);
  o << text;
  for (const auto& name : names) o << " " << name << " |";
  o << "\n|---|---|---|";
  for (size_t k = 0; k < names.size(); ++k) o << "---|";
  o << "\n";
  const size_t rows = cells.empty() ? 0 : cells.front().size();
  for (size_t i = 0; i < rows; ++i) {
    const TerrainCell& c = cells.front()[i];
    if (c.type == TerrainType::kFlat)
      std::snprintf(text, sizeof(text), "| flat | %d | - |", c.level);
    else
      std::snprintf(text, sizeof(text), "| %s | %d | %.3g %s |",
                    ChoiceName(TerrainTypes(), c.type), c.level, c.size, TerrainSizeName(c.type));
    o << text;
    for (const auto& policy : cells) {
      const TerrainCell& p = policy[i];
      std::snprintf(text, sizeof(text), " %.1f %% / %.2f / %.1f %% / %.3f |",
                    100 * p.success_rate, p.result.mean_return, 100 * p.result.fall_rate,
                    p.result.vx_error);
      o << text;
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace tutor
