// tutor distill: a proprioceptive student from a frozen privileged teacher (DAgger-style),
// optionally as a progressive chain of ever smaller students.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "envs/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/distillation.h"
#include "learning/runner.h"
#include "learning/teacher_loading.h"
#include "tools/app_config.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {
namespace {

// one distillation run: `student` learns from the teacher in `teacher_path` until
// `iterations`; returns the final checkpoint's path
std::string DistillStageRun(const AppConfig& config, const StudentConfig& student_config,
                            const std::string& teacher_path, const std::string& log_dir,
                            int iterations, const std::string& resume, int threads) {
  RunnerConfig rc = config.runner;
  rc.log_dir = log_dir;
  // a resumed run brings its own teacher; it is read once, before the env is built
  LoadedDistillation resumed;
  if (!resume.empty()) resumed = LoadDistillation(resume);
  const int start_iteration = resume.empty() ? 0 : resumed.meta.iteration;
  EnvConfig env_config = config.env;
  env_config.seed += start_iteration;
  QuadrupedVecEnv env(env_config, config.source);
  env.SetNumThreads(threads);

  // the teacher: from a PPO checkpoint (its actor) or a previous stage (its student)
  PolicyNet teacher{nullptr};
  std::string teacher_group = rc.critic_group;
  if (resume.empty()) {
    if (teacher_path.empty())
      throw ConfigError(config.source + ": teacher: distillation needs a teacher checkpoint "
                        "(set `teacher:` in the config or pass --teacher)");
    LoadedTeacher loaded = LoadTeacher(teacher_path);
    CheckLayoutMatches(loaded.layout, env.Layout(), {loaded.group}, teacher_path);
    teacher = loaded.net;
    teacher_group = loaded.group;
  } else {
    teacher = resumed.model->teacher;
    teacher_group = resumed.meta.critic_group;
  }
  rc.critic_group = teacher_group;
  const DistillationConfig& dc = config.distillation;
  PolicyNet student(StudentSpec(student_config, env.GroupWidth(rc.actor_group), env.NumActions()));
  StudentTeacher model(student, teacher, dc.feature_student_layer, dc.feature_teacher_layer,
                       dc.loss == "feature");
  Distillation algorithm(model, dc, rc.num_steps_per_env, env.NumEnvs(), rc.actor_group,
                         rc.critic_group);
  CheckpointMeta meta{"distillation", env.Layout().Serialize(), DescribeStudentTeacher(model),
                      config.resolved, rc.actor_group, rc.critic_group, 0};
  Runner runner(&env, &algorithm, rc, meta);
  if (!resume.empty()) {
    runner.Load(resume);
    std::printf("resumed %s at iteration %d\n", resume.c_str(), runner.iteration());
  }
  std::filesystem::create_directories(rc.log_dir);
  std::ofstream(rc.log_dir + "/config.yaml") << config.resolved << "\n";
  int64_t student_params = 0;
  for (const auto& p : student->mlp->parameters()) student_params += p.numel();
  if (student->memory)
    for (const auto& p : student->memory->parameters()) student_params += p.numel();
  std::printf("distill: %d envs x %d steps, student on '%s' (%d; %s, %lld parameters), teacher "
              "on '%s' (%d), loss %s, log %s\n",
              env.NumEnvs(), rc.num_steps_per_env, rc.actor_group.c_str(),
              env.GroupWidth(rc.actor_group), student_config.memory.c_str(),
              static_cast<long long>(student_params), rc.critic_group.c_str(),
              env.GroupWidth(rc.critic_group), dc.loss.c_str(), rc.log_dir.c_str());
  runner.Learn(iterations);
  std::printf("%s at iteration %d, %lld env steps; checkpoint %s/model_latest.pt\n",
              Runner::StopRequested() ? "stopped" : "done", runner.iteration(),
              static_cast<long long>(runner.env_steps()), rc.log_dir.c_str());
  return rc.log_dir + "/model_latest.pt";
}

}  // namespace

int RunDistill(int argc, char** argv, int first) {
  Args args("distill", RunFlags("go1_student.yaml",
                                {{"teacher", "teacher checkpoint (overrides the config's `teacher:`)"}}));
  args.Parse(argc, argv, first);
  std::vector<std::string> overrides = RunOverrides(args);
  if (args.Has("teacher")) overrides.push_back("teacher=" + args.Get("teacher"));
  const AppConfig config =
      LoadAppConfig(args.Get("config", DefaultConfigPath("go1_student.yaml")), overrides);
  const int threads = SetThreads(args.GetInt("threads", 0));
  torch::manual_seed(config.env.seed);
  InstallStopHandler();

  if (config.stages.empty()) {
    DistillStageRun(config, config.student, config.teacher, config.runner.log_dir,
                    config.runner.max_iterations, args.Get("resume"), threads);
    return 0;
  }
  if (args.Has("resume")) throw ConfigError("distill: --resume applies to single-stage configs");
  // progressive: each stage's student is the next stage's teacher
  std::string teacher = config.teacher;
  for (size_t k = 0; k < config.stages.size() && !Runner::StopRequested(); ++k) {
    const std::string dir = config.runner.log_dir + "/stage_" + std::to_string(k);
    std::printf("== stage %zu/%zu: teacher %s\n", k + 1, config.stages.size(), teacher.c_str());
    teacher = DistillStageRun(config, config.stages[k].student, teacher, dir,
                              config.stages[k].iterations, "", threads);
  }
  return 0;
}

}  // namespace tutor
