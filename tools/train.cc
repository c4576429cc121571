// tutor train: PPO on the teacher observation set.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "envs/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/checkpoint.h"
#include "learning/ppo.h"
#include "learning/runner.h"
#include "tools/app_config.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {

int RunTrain(int argc, char** argv, int first) {
  Args args("train", RunFlags("go1_teacher.yaml"));
  args.Parse(argc, argv, first);
  const std::vector<std::string> overrides = RunOverrides(args);
  AppConfig config =
      LoadAppConfig(args.Get("config", DefaultConfigPath("go1_teacher.yaml")), overrides);
  const int threads = SetThreads(args.GetInt("threads", 0));

  // a resumed run draws fresh env randomness: the env seed moves on by the iteration reached
  const std::string resume = args.Get("resume");
  const int start_iteration = resume.empty() ? 0 : ReadCheckpointMeta(resume).iteration;
  torch::manual_seed(config.env.seed);
  EnvConfig env_config = config.env;
  env_config.seed += start_iteration;
  QuadrupedVecEnv env(env_config, config.source);
  env.SetNumThreads(threads);

  const RunnerConfig& rc = config.runner;
  ActorCritic policy(env.GroupWidth(rc.actor_group), env.GroupWidth(rc.critic_group),
                     env.NumActions(), config.policy);
  Ppo ppo(policy, config.ppo, rc.num_steps_per_env, env.NumEnvs(), rc.actor_group,
          rc.critic_group);
  CheckpointMeta meta{"ppo", env.Layout().Serialize(), DescribeActorCritic(policy),
                      config.resolved, rc.actor_group, rc.critic_group, 0};
  Runner runner(&env, &ppo, rc, meta);
  if (!resume.empty()) {
    runner.Load(resume);
    std::printf("resumed %s at iteration %d\n", resume.c_str(), runner.iteration());
  }
  std::filesystem::create_directories(rc.log_dir);
  std::ofstream(rc.log_dir + "/config.yaml") << config.resolved << "\n";
  std::printf("train: %d envs x %d steps, %d threads, actor '%s' (%d) critic '%s' (%d), log %s\n",
              env.NumEnvs(), rc.num_steps_per_env, threads, rc.actor_group.c_str(),
              env.GroupWidth(rc.actor_group), rc.critic_group.c_str(),
              env.GroupWidth(rc.critic_group), rc.log_dir.c_str());
  InstallStopHandler();
  runner.Learn(rc.max_iterations);
  std::printf("%s at iteration %d, %lld env steps; checkpoint %s/model_latest.pt\n",
              Runner::StopRequested() ? "stopped" : "done", runner.iteration(),
              static_cast<long long>(runner.env_steps()), rc.log_dir.c_str());
  return 0;
}

}  // namespace tutor
