// tutor eval: deterministic rollouts of a checkpoint on fixed seeds and commands.
#include <cstdio>

#include "core/error.h"
#include "learning/checkpoint.h"
#include "learning/policy_loading.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/evaluation.h"

namespace tutor {

int RunEval(int argc, char** argv, int first) {
  CLI::App app("deterministic rollouts of a checkpoint on fixed seeds and commands", "tutor eval");
  std::string path, which, json, physics = "trained";
  std::vector<std::string> overrides;
  int episodes = 64, seed = 1000, threads = 0;
  app.add_option("--checkpoint", path, "checkpoint to evaluate")->required();
  app.add_option("--policy", which, "teacher or student (default: what the checkpoint trains)")
      ->check(CLI::IsMember({"teacher", "student"}));
  app.add_option("--episodes", episodes, "number of episodes, one per env")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--seed", seed, "env seed")->capture_default_str();
  app.add_option("--threads", threads, "threads (0: all cores)")->check(CLI::Range(0, 1024));
  app.add_option("--set", overrides, "override a key of the checkpoint's env config")
      ->allow_extra_args(false);
  app.add_option("--physics", physics,
                 "trained: the checkpoint's env as stored; reference: the same env in 0.002 s, "
                 "elliptic-cone, condim-6-feet physics (how much the training physics flatters "
                 "the policy)")
      ->check(CLI::IsMember({"trained", "reference"}))
      ->capture_default_str();
  app.add_option("--json", json, "write the results to this JSON file");
  std::vector<std::string> terrain_names;
  std::string markdown;
  TerrainBenchConfig bench;
  AddTerrainBenchFlags(&app,
                       "run the terrain benchmark instead of the command grid: these types (or "
                       "'all'), each on fixed patches per level, --episodes per cell",
                       &terrain_names, &bench.levels, &bench.seed, &bench.long_patches);
  app.add_option("--markdown", markdown, "write the terrain table as markdown");
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  threads = SetThreads(threads);

  const LoadedPolicy loaded = LoadPolicy(path, which);
  if (!terrain_names.empty()) {
    bench.types = ParseTerrainTypes(terrain_names, "eval: --terrain");
    bench.episodes = episodes;
    if (physics == "reference")
      for (const auto& o : ReferencePhysicsOverrides(loaded.layout.control_dt))
        overrides.push_back(o);
    const auto cells = EvaluateTerrain(
        loaded.meta.config, path + " (stored config)", overrides, bench, threads, loaded,
        MeanActionPolicy(loaded),
        [](const std::string& cell) { std::fprintf(stderr, "terrain %s\n", cell.c_str()); });
    const std::string table = TerrainMarkdown(bench, {loaded.name}, {cells});
    std::printf("eval %s (%s on '%s'), %s physics\n%s", path.c_str(), loaded.name.c_str(),
                loaded.group.c_str(), physics.c_str(), table.c_str());
    if (!json.empty())
      WriteOutput("eval", "json", json, nlohmann::json{{"terrain", TerrainCellsJson(cells)}}.dump(2) + "\n");
    if (!markdown.empty()) WriteOutput("eval", "markdown", markdown, table);
    return 0;
  }
  if (!markdown.empty()) throw ConfigError("eval: --markdown writes the terrain table: add --terrain");
  AppendEvalOverrides(episodes, seed, &overrides);
  if (physics == "reference")
    for (const auto& o : ReferencePhysicsOverrides(loaded.layout.control_dt)) overrides.push_back(o);
  const AppConfig config =
      LoadAppConfigText(loaded.meta.config, path + " (stored config)", overrides);
  QuadrupedVecEnv env(config.env, config.source);
  env.SetNumThreads(threads);
  PrintEnvSummary(env);
  CheckLayoutMatches(loaded.layout, env.Layout(), {loaded.group}, path);

  const EvalResult result = Evaluate(&env, MeanActionPolicy(loaded), {loaded.group});
  std::printf(
      "eval %s (%s on '%s'), %d episodes of up to %.0f s, seed %d, %d env threads, %s physics\n",
      path.c_str(), loaded.name.c_str(), loaded.group.c_str(), episodes,
      config.env.termination.episode_length_s, config.env.seed, result.env_threads,
      physics.c_str());
  std::printf(
      "  mean return      %.3f\n  mean length      %.1f steps\n  fall rate        %.2f %%\n"
      "  |vx error|       %.4f m/s\n  |vy error|       %.4f m/s\n"
      "  |yaw-rate error| %.4f rad/s\n  non-foot contact %.2f %% of steps\n"
      "  foot air time    %.3f s per swing\n  mean power       %.1f W\n",
      result.mean_return, result.mean_length, 100.0 * result.fall_rate, result.vx_error,
      result.vy_error, result.yaw_rate_error, 100.0 * result.nonfoot_contact_share,
      result.foot_air_time, result.power);
  const auto misses = GaitShortfalls(result);
  std::string gait = misses.empty() ? "reached" : "not reached (";
  for (size_t i = 0; i < misses.size(); ++i) gait += (i ? ", " : "") + misses[i];
  std::printf("  gait             %s%s\n", gait.c_str(), misses.empty() ? "" : ")");
  if (!json.empty()) WriteOutput("eval", "json", json, EvalResultJson(result).dump(2) + "\n");
  return 0;
}

}  // namespace tutor
