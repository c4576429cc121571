// tutor train: PPO on the actor and critic observation sets (the teacher by default).
#include <cstdio>

#include "core/clock.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/checkpoint.h"
#include "learning/policy_loading.h"
#include "learning/ppo.h"
#include "learning/runner.h"
#include "learning/warm_start.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/evaluation.h"

namespace tutor {
namespace {

MirrorMap ToMirrorMap(const QuadrupedModel::Mirror& m) {
  std::vector<int64_t> index(m.index.begin(), m.index.end());
  return {torch::tensor(index, torch::kInt64), torch::tensor(m.sign, torch::kFloat32)};
}

// the env's mirror for the actor's and critic's groups (empty maps without a mirror)
Symmetry EnvSymmetry(const QuadrupedVecEnv& env, const std::string& actor,
                     const std::string& critic) {
  const QuadrupedModel& model = env.Model();
  Symmetry symmetry;
  if (!model.has_mirror) return symmetry;
  auto group = [&](const std::string& name) {
    for (size_t g = 0; g < model.layout.groups.size(); ++g)
      if (model.layout.groups[g].name == name) return ToMirrorMap(model.group_mirrors[g]);
    throw ConfigError("no observation group '" + name + "'");
  };
  symmetry.actor = group(actor);
  symmetry.critic = group(critic);
  symmetry.actions = ToMirrorMap(model.action_mirror);
  return symmetry;
}

}  // namespace

int RunTrain(int argc, char** argv, int first) {
  CLI::App app("PPO on the actor and critic observation sets (the privileged teacher)", "tutor train");
  RunFlags flags;
  AddRunFlags(&app, &flags, "go1_teacher.yaml");
  int gait_check = 0;
  bool stop_at_gait = false;
  app.add_option("--gait-check", gait_check,
                 "every this many iterations, evaluate the actor as `tutor eval` does (64 "
                 "episodes, seed 1000) and report whether it walks (time outside training)")
      ->check(CLI::Range(0, 1 << 30));
  app.add_flag("--stop-at-gait", stop_at_gait,
               "end the run at the first --gait-check that walks (the time-to-gait benchmark)");
  std::string init;
  app.add_option("--init", init,
                 "start from this PPO checkpoint's actor and critic (a warm start, iteration 0), "
                 "or from a distillation checkpoint's student as the actor (fine-tuning a "
                 "student on its own return): the run's observation groups hold every term of "
                 "the checkpoint's, new input columns start at zero weight; the architecture "
                 "must be the same");
  std::string init_critic;
  app.add_option("--init-critic", init_critic,
                 "with --init: the critic from this PPO checkpoint's critic instead (say, the "
                 "privileged teacher's value function for a student fine-tuned with PPO)");
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  if (int status = 0; LaunchRanks(flags, argc, argv, first, &status)) return status;
  if (!init.empty() && !flags.resume.empty())
    throw ConfigError("train: --init and --resume exclude each other (--resume continues a run, "
                      "--init starts a new one from a checkpoint's weights)");
  if (!init_critic.empty() && init.empty())
    throw ConfigError("train: --init-critic goes with --init (the actor's checkpoint)");
  const AppConfig config = LoadAppConfig(flags.config, RunOverrides(app, flags));
  const LearningConfig& lc = config.learning;
  RejectSections(lc, {"teacher", "teachers", "student", "distillation", "stages"}, "train",
                 config.source);
  const ObservationSets sets =
      ResolveObservationSets(lc.runner.observation_sets, {"actor", "critic"},
                             {{"actor", "policy"}, {"critic", "critic"}}, config.source);
  const RunRank run = JoinRun(flags);
  const int threads = run.threads;

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
  ShareEnvs(run.info, &env_config);
  QuadrupedVecEnv env(env_config, config.source);
  env.SetNumThreads(threads);
  PrintEnvSummary(env);

  const RunnerConfig& rc = lc.runner;
  const int actor_obs = env.GroupWidth(SetGroup(sets, "actor", "PPO"));
  const int critic_obs = env.GroupWidth(SetGroup(sets, "critic", "PPO"));
  ActorCritic policy(PolicySpec{actor_obs, env.NumActions(), lc.actor},
                     ValueSpec{critic_obs, lc.critic});
  if (!init.empty()) std::printf("train: %s\n", WarmStart(init, env.Layout(), sets, &policy, init_critic).c_str());
  const Symmetry symmetry = EnvSymmetry(env, sets.at("actor"), sets.at("critic"));
  // ppo.bc_coef: the frozen teacher the actor is also cloned towards, on its own group
  BcTeacher bc;
  if (lc.ppo.bc_coef > 0) {
    const LoadedPolicy teacher = LoadPolicy(lc.ppo.bc_teacher);
    CheckLayoutMatches(teacher.layout, env.Layout(), {teacher.group}, lc.ppo.bc_teacher);
    bc = {teacher.net, teacher.group};
    const std::string decay =
        lc.ppo.bc_decay_iterations > 0
            ? " falling to 0 over " + std::to_string(lc.ppo.bc_decay_iterations) + " updates"
            : "";
    std::printf("train: behaviour cloning towards %s (its %s on '%s'), weight %g%s\n",
                lc.ppo.bc_teacher.c_str(), teacher.role.c_str(), teacher.group.c_str(),
                lc.ppo.bc_coef, decay.c_str());
  }
  Ppo ppo(policy, lc.ppo, rc.num_steps_per_env, env.NumEnvs(), sets,
          env.Model().has_mirror ? &symmetry : nullptr, bc.net ? &bc : nullptr);
  Runner runner(&env, &ppo, rc, config.resolved);
  runner.SetCommunicator(run.comm.get());
  ResumeIfAsked(&runner, resume);
  std::printf(
      "train: %d envs x %d steps, %d threads, actor on '%s' (%d) critic on '%s' (%d), "
      "log %s\n",
      env.NumEnvs(), rc.num_steps_per_env, threads, sets.at("actor").c_str(), actor_obs,
      sets.at("critic").c_str(), critic_obs, rc.log_dir.c_str());
  if (stop_at_gait && gait_check < 1)
    throw ConfigError("train: --stop-at-gait needs --gait-check N (N >= 1)");
  // the gait check is `tutor eval` on this run's config: a fresh eval env per check (seed
  // 1000, 64 episodes), so every check draws the same randomization and the same commands
  // as `tutor eval --checkpoint` on the checkpoint saved at that iteration
  bool walked = false;
  if (gait_check > 0 && run.info.rank == 0) {  // the others wait for its verdict
    std::vector<std::string> eval_overrides;
    AppendEvalOverrides(64, 1000, &eval_overrides);
    const AppConfig eval_config = LoadAppConfigText(
        config.resolved, config.source + " (gait check)", eval_overrides);
    runner.after_iteration = [&, eval_config](int iteration) {
      if (iteration % gait_check != 0) return false;
      const Stopwatch clock;
      QuadrupedVecEnv eval_env(eval_config.env, eval_config.source);
      eval_env.SetNumThreads(threads);
      PolicyNet actor = policy->actor;
      const std::string group = sets.at("actor");
      // a recurrent actor starts each eval episode afresh and then goes on training from
      // the memory its rollout left
      std::pair<torch::Tensor, torch::Tensor> training_memory;
      if (actor->memory) training_memory = actor->memory->State();
      const EvalResult r = Evaluate(
          &eval_env,
          [&](const ObsMap& obs, const torch::Tensor& starts) {
            actor->Reset(starts);
            return actor->forward(obs.at(group));
          },
          {group});
      if (actor->memory) actor->memory->SetState(training_memory);
      const auto misses = GaitShortfalls(r);
      std::string why;
      for (const auto& m : misses) why += (why.empty() ? "" : ", ") + m;
      std::printf("gait check at iteration %d (%lld env steps, %.1f s training; eval %.1f s): "
                  "falls %.1f %%, |vx err| %.3f, |yaw err| %.3f, non-foot %.2f %%, air %.3f s: "
                  "%s\n",
                  iteration, static_cast<long long>(runner.env_steps()), runner.wall_seconds(),
                  clock.Seconds(), 100 * r.fall_rate, r.vx_error, r.yaw_rate_error,
                  100 * r.nonfoot_contact_share, r.foot_air_time,
                  misses.empty() ? "WALKS" : ("not yet: " + why).c_str());
      std::fflush(stdout);
      if (!misses.empty() || walked) return false;
      walked = true;
      runner.Save(rc.log_dir + "/model_gait.pt");
      std::printf("gait reached at iteration %d: %lld env steps, %.1f s of training\n", iteration,
                  static_cast<long long>(runner.env_steps()), runner.wall_seconds());
      return stop_at_gait;
    };
  }
  InstallStopHandler();
  runner.Learn(rc.max_iterations);
  if (stop_at_gait && !walked)
    std::printf("gait not reached by iteration %d (%lld env steps, %.1f s of training)\n",
                runner.iteration(), static_cast<long long>(runner.env_steps()),
                runner.wall_seconds());
  ReportRun(runner, rc.log_dir);
  return 0;
}

}  // namespace tutor
