// tutor eval: deterministic rollouts of a checkpoint on fixed seeds and commands.
#include <cstdio>

#include "core/error.h"
#include "learning/checkpoint.h"
#include "learning/policy_loading.h"
#include "tools/app_config.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/evaluation.h"

namespace tutor {

int RunEval(int argc, char** argv, int first) {
  Args args("eval", {{"checkpoint", "checkpoint to evaluate (required)"},
                     {"policy", "teacher or student (default: what the checkpoint trains)"},
                     {"episodes", "number of episodes, one per env (default 64)"},
                     {"seed", "env seed (default 1000)"},
                     {"threads", "threads (default all cores)"},
                     {"set", "override a key of the checkpoint's env config", false, true},
                     {"json", "write the results to this JSON file"}});
  args.Parse(argc, argv, first);
  const std::string path = args.Get("checkpoint");
  if (path.empty()) throw ConfigError("eval: --checkpoint is required\n" + args.Help());
  const int episodes = args.GetInt("episodes", 64);
  if (episodes < 1) throw ConfigError("eval: --episodes must be positive");
  const int threads = SetThreads(args.GetInt("threads", 0));

  const LoadedPolicy loaded = LoadPolicy(path, args.Get("policy"));
  std::vector<std::string> overrides = args.GetAll("set");
  overrides.push_back("env.num_envs=" + std::to_string(episodes));
  overrides.push_back("env.seed=" + std::to_string(args.GetInt("seed", 1000)));
  overrides.push_back("env.termination.randomize_start=false");
  const AppConfig config =
      LoadAppConfigText(loaded.meta.config, path + " (stored config)", overrides);
  QuadrupedVecEnv env(config.env, config.source);
  env.SetNumThreads(threads);
  CheckLayoutMatches(loaded.layout, env.Layout(), {loaded.group}, path);

  const EvalResult result = Evaluate(&env, MeanActionPolicy(loaded), {loaded.group});
  std::printf("eval %s (%s on '%s'), %d episodes of up to %.0f s, seed %d, %d env threads\n",
              path.c_str(), loaded.name.c_str(), loaded.group.c_str(), episodes,
              config.env.termination.episode_length_s, config.env.seed, result.env_threads);
  std::printf("  mean return      %.3f\n  mean length      %.1f steps\n  fall rate        %.2f %%\n"
              "  |vx error|       %.4f m/s\n  |vy error|       %.4f m/s\n"
              "  |yaw-rate error| %.4f rad/s\n  mean power       %.1f W\n",
              result.mean_return, result.mean_length, 100.0 * result.fall_rate, result.vx_error,
              result.vy_error, result.yaw_rate_error, result.power);
  if (args.Has("json"))
    WriteOutput("eval", "json", args.Get("json"), EvalResultJson(result, "") + "\n");
  return 0;
}

}  // namespace tutor
