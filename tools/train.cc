// tutor train: PPO on the actor and critic observation sets (the teacher by default).
#include <cstdio>

#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/checkpoint.h"
#include "learning/ppo.h"
#include "learning/runner.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {

int RunTrain(int argc, char** argv, int first) {
  CLI::App app("PPO on the actor and critic observation sets (the privileged teacher)", "tutor train");
  RunFlags flags;
  AddRunFlags(&app, &flags, "go1_teacher.yaml");
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  const AppConfig config = LoadAppConfig(flags.config, RunOverrides(app, flags));
  const LearningConfig& lc = config.learning;
  RejectSections(lc, {"teacher", "student", "distillation", "stages"}, "train", config.source);
  const ObservationSets sets =
      ResolveObservationSets(lc.runner.observation_sets, {"actor", "critic"},
                             {{"actor", "policy"}, {"critic", "critic"}}, config.source);
  const int threads = SetThreads(flags.threads);

  // a resumed run draws fresh env randomness: the env seed moves on by the iteration reached
  const std::string resume = ResumeCheckpoint(flags.resume);
  int start_iteration = 0;
  if (!resume.empty()) {
    torch::serialize::InputArchive archive;
    start_iteration = OpenCheckpoint(resume, &archive).iteration;
  }
  torch::manual_seed(config.env.seed);
  EnvConfig env_config = config.env;
  env_config.seed += start_iteration;
  QuadrupedVecEnv env(env_config, config.source);
  env.SetNumThreads(threads);
  PrintEnvSummary(env);

  const RunnerConfig& rc = lc.runner;
  const int actor_obs = env.GroupWidth(SetGroup(sets, "actor", "PPO"));
  const int critic_obs = env.GroupWidth(SetGroup(sets, "critic", "PPO"));
  ActorCritic policy(PolicySpec{actor_obs, env.NumActions(), lc.actor},
                     ValueSpec{critic_obs, lc.critic});
  Ppo ppo(policy, lc.ppo, rc.num_steps_per_env, env.NumEnvs(), sets);
  Runner runner(&env, &ppo, rc, config.resolved);
  ResumeIfAsked(&runner, resume);
  std::printf(
      "train: %d envs x %d steps, %d threads, actor on '%s' (%d) critic on '%s' (%d), "
      "log %s\n",
      env.NumEnvs(), rc.num_steps_per_env, threads, sets.at("actor").c_str(), actor_obs,
      sets.at("critic").c_str(), critic_obs, rc.log_dir.c_str());
  InstallStopHandler();
  runner.Learn(rc.max_iterations);
  ReportRun(runner, rc.log_dir);
  return 0;
}

}  // namespace tutor
