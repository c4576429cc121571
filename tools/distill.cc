// tutor distill: a proprioceptive student from a frozen privileged teacher (DAgger-style),
// optionally as a progressive chain of ever smaller students.
#include <cstdio>
#include <memory>

#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "learning/distillation.h"
#include "learning/policy_loading.h"
#include "learning/runner.h"
#include "learning/teacher_router.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {
namespace {

// one distillation run: a `student` learns from the teachers in `teachers` (or, resuming,
// those stored in `resume`) until `iterations`; returns the final checkpoint's path
std::string DistillStageRun(const AppConfig& config, const PolicyConfig& student_config,
                            const std::vector<TeacherSource>& teachers, const std::string& log_dir,
                            int iterations, const std::string& resume, const RunRank& run) {
  const int threads = run.threads;
  const LearningConfig& lc = config.learning;
  const DistillationConfig& dc = lc.distillation;
  RunnerConfig rc = lc.runner;
  rc.log_dir = log_dir;
  // the teachers, each with the set it reads: from a PPO checkpoint (its actor), a previous
  // stage (its student) or, resuming, the run's own checkpoint (its teachers)
  if (resume.empty() && teachers.empty())
    throw ConfigError(config.source +
                      ": teacher: distillation needs a teacher checkpoint "
                      "(set `teacher:` or `teachers:` in the config, or pass --teacher)");
  std::vector<LoadedPolicy> loaded;
  std::vector<std::string> sources;
  if (resume.empty()) {
    for (const auto& t : teachers) {
      loaded.push_back(LoadPolicy(t.checkpoint));
      sources.push_back(t.checkpoint);
    }
  } else {
    loaded.push_back(LoadPolicy(resume, "teacher"));
    for (int k = 1; loaded[0].meta.sets.count(TeacherRole(k)); ++k)
      loaded.push_back(LoadPolicy(resume, TeacherRole(k)));
    sources.assign(loaded.size(), resume);
    if (loaded.size() != std::max<size_t>(1, teachers.size()))
      throw ConfigError(config.source + ": teachers: " + std::to_string(teachers.size()) +
                        " in the config, but " + resume + " was trained by " +
                        std::to_string(loaded.size()));
  }
  // the sets: the student's from the config, each teacher's from its checkpoint (a config that
  // names another one is an error, not ignored)
  std::vector<std::string> roles = {"student"};
  ObservationSets defaults = {{"student", "policy"}};
  for (size_t k = 0; k < loaded.size(); ++k) {
    const std::string role = TeacherRole(static_cast<int>(k));
    const auto configured = rc.observation_sets.find(role);
    if (configured != rc.observation_sets.end() && configured->second != loaded[k].group)
      throw ConfigError(config.source + ": runner.observation_sets." + role + ": '" +
                        configured->second + "', but the teacher in " + sources[k] +
                        " reads '" + loaded[k].group + "'");
    roles.push_back(role);
    defaults[role] = loaded[k].group;
  }
  const ObservationSets sets =
      ResolveObservationSets(rc.observation_sets, roles, defaults, config.source);
  const int start_iteration = resume.empty() ? 0 : loaded[0].meta.iteration;
  EnvConfig env_config = config.env;
  env_config.seed += start_iteration;
  ShareEnvs(run.info, &env_config);
  QuadrupedVecEnv env(env_config, config.source);
  PrintEnvSummary(env);
  env.SetNumThreads(threads);
  std::vector<PolicyNet> nets;
  for (size_t k = 0; k < loaded.size(); ++k) {
    CheckLayoutMatches(loaded[k].layout, env.Layout(), {loaded[k].group}, sources[k]);
    nets.push_back(loaded[k].net);
  }

  const std::string student_group = sets.at("student");
  PolicyNet student(PolicySpec{env.GroupWidth(student_group), env.NumActions(), student_config});
  StudentTeacher model(student, nets, dc.feature_student_layer, dc.feature_teacher_layer,
                       dc.loss == BcLoss::kFeature);
  Distillation algorithm(model, dc, rc.num_steps_per_env, env.NumEnvs(), sets);
  std::unique_ptr<TeacherRouter> router;
  if (loaded.size() > 1 && dc.teacher_routing == TeacherRouting::kDomain) {
    std::vector<TeacherDomain> domains;
    for (const auto& t : teachers) domains.push_back(t.domain);
    router = std::make_unique<TeacherRouter>(domains, env, config.source, env_config.first_env_id,
                                             env_config.total_envs);
    algorithm.SetRouter([&router, &env] { return router->Route(env); });
  }
  Runner runner(&env, &algorithm, rc, config.resolved);
  runner.SetCommunicator(run.comm.get());
  ResumeIfAsked(&runner, resume);
  std::printf("distill: %d envs x %d steps, student on '%s' (%d; %s memory, %lld parameters), "
              "loss %s, log %s\n",
              env.NumEnvs(), rc.num_steps_per_env, student_group.c_str(),
              env.GroupWidth(student_group), ChoiceName(MemoryTypes(), student_config.memory),
              static_cast<long long>(student->NumParameters()), ChoiceName(BcLosses(), dc.loss),
              rc.log_dir.c_str());
  for (size_t k = 0; k < loaded.size(); ++k)
    std::printf("  %s: %s on '%s' (%d)%s\n", TeacherRole(static_cast<int>(k)).c_str(),
                sources[k].c_str(), loaded[k].group.c_str(), env.GroupWidth(loaded[k].group),
                loaded.size() == 1 ? ""
                : router           ? (k < teachers.size() && teachers[k].domain.Empty()
                                          ? ", labels what the others leave"
                                          : ", labels its domain")
                                   : ", in the ensemble");
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
  if (int status = 0; LaunchRanks(flags, argc, argv, first, &status)) return status;
  std::vector<std::string> overrides = RunOverrides(app, flags);
  if (app.count("--teacher")) overrides.push_back("teacher=" + teacher_flag);
  const AppConfig config = LoadAppConfig(flags.config, overrides);
  const LearningConfig& lc = config.learning;
  RejectSections(lc, {"policy", "ppo"}, "distill", config.source);
  const RunRank run = JoinRun(flags);
  torch::manual_seed(config.env.seed);
  InstallStopHandler();

  std::vector<TeacherSource> teachers = lc.teachers;
  if (!lc.teacher.empty()) teachers = {TeacherSource{lc.teacher, {}}};
  if (lc.stages.empty()) {
    DistillStageRun(config, lc.student, teachers, lc.runner.log_dir, lc.runner.max_iterations,
                    ResumeCheckpoint(flags.resume), run);
    return 0;
  }
  if (!flags.resume.empty()) throw ConfigError("distill: --resume applies to single-stage configs");
  // progressive: the first stage learns from the config's teacher (or teachers), each later
  // one from the stage before it
  for (size_t k = 0; k < lc.stages.size() && !Runner::StopRequested(); ++k) {
    const std::string dir = lc.runner.log_dir + "/stage_" + std::to_string(k);
    std::printf("== stage %zu/%zu: teacher %s%s\n", k + 1, lc.stages.size(),
                teachers.empty() ? "(none)" : teachers[0].checkpoint.c_str(),
                teachers.size() > 1 ? " and the others of `teachers:`" : "");
    const std::string student = DistillStageRun(config, lc.stages[k].student, teachers, dir,
                                                lc.stages[k].iterations, "", run);
    teachers = {TeacherSource{student, {}}};
  }
  return 0;
}

}  // namespace tutor
