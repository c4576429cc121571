// tutor distill: a proprioceptive student from a frozen privileged teacher (DAgger-style),
// optionally as a progressive chain of ever smaller students.
#include <cstdio>

#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/distillation.h"
#include "learning/policy_loading.h"
#include "learning/runner.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {
namespace {

// one distillation run: a `student` learns from the teacher in `teacher_path` (or, resuming,
// the one stored in `resume`) until `iterations`; returns the final checkpoint's path
std::string DistillStageRun(const AppConfig& config, const PolicyConfig& student_config,
                            const std::string& teacher_path, const std::string& log_dir,
                            int iterations, const std::string& resume, int threads) {
  const LearningConfig& lc = config.learning;
  RunnerConfig rc = lc.runner;
  rc.log_dir = log_dir;
  // the teacher, with the set it reads: from a PPO checkpoint (its actor), a previous stage
  // (its student) or, resuming, the run's own checkpoint (its teacher)
  if (resume.empty() && teacher_path.empty())
    throw ConfigError(config.source +
                      ": teacher: distillation needs a teacher checkpoint "
                      "(set `teacher:` in the config or pass --teacher)");
  const std::string source = resume.empty() ? teacher_path : resume;
  const LoadedPolicy teacher = LoadPolicy(source, resume.empty() ? "" : "teacher");
  // the sets: the student's from the config, the teacher's from its checkpoint (a config that
  // names another one is an error, not ignored)
  const auto configured = rc.observation_sets.find("teacher");
  if (configured != rc.observation_sets.end() && configured->second != teacher.group)
    throw ConfigError(config.source + ": runner.observation_sets.teacher: '" + configured->second +
                      "', but the teacher in " + source + " reads '" + teacher.group + "'");
  const ObservationSets sets =
      ResolveObservationSets(rc.observation_sets, {"student", "teacher"},
                             {{"student", "policy"}, {"teacher", teacher.group}}, config.source);
  const int start_iteration = resume.empty() ? 0 : teacher.meta.iteration;
  EnvConfig env_config = config.env;
  env_config.seed += start_iteration;
  QuadrupedVecEnv env(env_config, config.source);
  PrintEnvSummary(env);
  env.SetNumThreads(threads);
  CheckLayoutMatches(teacher.layout, env.Layout(), {teacher.group}, source);

  const DistillationConfig& dc = lc.distillation;
  const std::string student_group = sets.at("student");
  PolicyNet student(PolicySpec{env.GroupWidth(student_group), env.NumActions(), student_config});
  StudentTeacher model(student, teacher.net, dc.feature_student_layer, dc.feature_teacher_layer,
                       dc.loss == BcLoss::kFeature);
  Distillation algorithm(model, dc, rc.num_steps_per_env, env.NumEnvs(), sets);
  Runner runner(&env, &algorithm, rc, config.resolved);
  ResumeIfAsked(&runner, resume);
  std::printf(
      "distill: %d envs x %d steps, student on '%s' (%d; %s memory, %lld parameters), "
      "teacher on '%s' (%d), loss %s, log %s\n",
      env.NumEnvs(), rc.num_steps_per_env, student_group.c_str(), env.GroupWidth(student_group),
      ChoiceName(MemoryTypes(), student_config.memory),
      static_cast<long long>(student->NumParameters()), teacher.group.c_str(),
      env.GroupWidth(teacher.group), ChoiceName(BcLosses(), dc.loss), rc.log_dir.c_str());
  runner.Learn(iterations);
  ReportRun(runner, rc.log_dir);
  return rc.log_dir + "/model_latest.pt";
}

}  // namespace

int RunDistill(int argc, char** argv, int first) {
  CLI::App app("a proprioceptive student from a frozen teacher (DAgger)", "tutor distill");
  RunFlags flags;
  AddRunFlags(&app, &flags, "go1_student.yaml");
  std::string teacher_flag;
  app.add_option("--teacher", teacher_flag, "teacher checkpoint (overrides the config's teacher)");
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  std::vector<std::string> overrides = RunOverrides(app, flags);
  if (app.count("--teacher")) overrides.push_back("teacher=" + teacher_flag);
  const AppConfig config = LoadAppConfig(flags.config, overrides);
  const LearningConfig& lc = config.learning;
  RejectSections(lc, {"policy", "ppo"}, "distill", config.source);
  const int threads = SetThreads(flags.threads);
  torch::manual_seed(config.env.seed);
  InstallStopHandler();

  if (lc.stages.empty()) {
    DistillStageRun(config, lc.student, lc.teacher, lc.runner.log_dir, lc.runner.max_iterations,
                    ResumeCheckpoint(flags.resume), threads);
    return 0;
  }
  if (!flags.resume.empty()) throw ConfigError("distill: --resume applies to single-stage configs");
  // progressive: each stage's student is the next stage's teacher
  std::string teacher = lc.teacher;
  for (size_t k = 0; k < lc.stages.size() && !Runner::StopRequested(); ++k) {
    const std::string dir = lc.runner.log_dir + "/stage_" + std::to_string(k);
    std::printf("== stage %zu/%zu: teacher %s\n", k + 1, lc.stages.size(), teacher.c_str());
    teacher = DistillStageRun(config, lc.stages[k].student, teacher, dir, lc.stages[k].iterations,
                              "", threads);
  }
  return 0;
}

}  // namespace tutor
