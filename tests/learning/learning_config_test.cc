#include "learning/learning_config.h"

#include <gtest/gtest.h>

#include "core/config_reader.h"
#include "core/error.h"
#include "learning/ppo.h"
#include "tests/learning/learning_test_util.h"

namespace tutor::testing {
namespace {

LearningConfig Read(const std::string& yaml) { return ReadLearningText(yaml); }

TEST(LearningConfigTest, ChoicesBecomeEnumsAndUnknownOnesListTheChoices) {
  const LearningConfig c = Read(
      "policy: {activation: tanh, std_type: log}\nppo: {schedule: fixed}\n"
      "student: {memory: gru}\ndistillation: {loss: kl, kl_direction: reverse, optimizer: sgd}");
  EXPECT_EQ(c.actor.activation, Activation::kTanh);
  EXPECT_EQ(c.critic.activation, Activation::kTanh);
  EXPECT_EQ(c.actor.std_type, StdType::kLog);
  EXPECT_EQ(c.ppo.schedule, Schedule::kFixed);
  EXPECT_EQ(c.student.memory, MemoryType::kGru);
  EXPECT_EQ(c.distillation.loss, BcLoss::kKl);
  EXPECT_EQ(c.distillation.kl_direction, KlDirection::kReverse);
  EXPECT_EQ(c.distillation.optimizer, OptimizerType::kSgd);
  const std::string e = ConfigErrorOf([] { Read("distillation: {loss: l1}"); });
  EXPECT_NE(e.find("test.yaml:1:"), std::string::npos) << e;
  EXPECT_NE(e.find("distillation.loss"), std::string::npos) << e;
  EXPECT_NE(e.find("mse, huber, kl or feature"), std::string::npos) << e;
}

TEST(LearningConfigTest, MinLearningRateAboveMaxIsAnError) {
  const LearningConfig c = Read("ppo: {min_learning_rate: 0.01, max_learning_rate: 0.001}");
  const std::string e = ConfigErrorOf([&] { ValidateLearningConfig(c, "test.yaml", 64); });
  EXPECT_NE(e.find("test.yaml: ppo.min_learning_rate"), std::string::npos) << e;
  EXPECT_THROW(Ppo(PointMassActorCritic({4}, {4}, 1.0), c.ppo, 24, 64, PpoSets()), ConfigError);
}

TEST(LearningConfigTest, BehaviourCloningNeedsBothTheTeacherAndTheWeight) {
  const LearningConfig c =
      Read("ppo: {bc_teacher: t.pt, bc_coef: 0.5, bc_decay_iterations: 40}");
  EXPECT_EQ(c.ppo.bc_coef, 0.5);
  EXPECT_EQ(c.ppo.bc_decay_iterations, 40);
  EXPECT_NE(c.ppo.bc_teacher.find("t.pt"), std::string::npos);
  EXPECT_NO_THROW(ValidateLearningConfig(c, "test.yaml", 64));
  std::string e =
      ConfigErrorOf([&] { ValidateLearningConfig(Read("ppo: {bc_coef: 0.5}"), "test.yaml", 64); });
  EXPECT_NE(e.find("test.yaml: ppo.bc_coef: 0.5"), std::string::npos) << e;
  EXPECT_NE(e.find("(ppo.bc_teacher: a checkpoint)"), std::string::npos) << e;
  e = ConfigErrorOf(
      [&] { ValidateLearningConfig(Read("ppo: {bc_teacher: t.pt}"), "test.yaml", 64); });
  EXPECT_NE(e.find("test.yaml: ppo.bc_teacher"), std::string::npos) << e;
  EXPECT_NE(e.find("expected ppo.bc_coef > 0"), std::string::npos) << e;
  e = ConfigErrorOf([] { Read("ppo: {bc_coef: -1}"); });
  EXPECT_NE(e.find("ppo.bc_coef"), std::string::npos) << e;
}

TEST(LearningConfigTest, MoreMiniBatchesThanTransitionsIsAnError) {
  // 2 envs x 3 steps = 6 transitions cannot fill 8 mini-batches (it used to run empty batches,
  // produce NaN and roll back forever)
  const LearningConfig c = Read("ppo: {num_mini_batches: 8}\nrunner: {num_steps_per_env: 3}");
  const std::string e = ConfigErrorOf([&] { ValidateLearningConfig(c, "test.yaml", 2); });
  EXPECT_NE(e.find("ppo.num_mini_batches"), std::string::npos) << e;
  EXPECT_NE(e.find("at most 6"), std::string::npos) << e;
  EXPECT_NO_THROW(ValidateLearningConfig(c, "test.yaml", 3));  // 9 transitions
  EXPECT_THROW(Ppo(PointMassActorCritic({4}, {4}, 1.0), c.ppo, 3, 2, PpoSets()), ConfigError);
}

TEST(LearningConfigTest, ObservationSetsAreNamedByRole) {
  const LearningConfig c = Read("runner: {observation_sets: {actor: teacher}}");
  const ObservationSets ppo = ResolveObservationSets(
      c.runner.observation_sets, {"actor", "critic"}, {{"actor", "policy"}, {"critic", "critic"}},
      "test.yaml");
  EXPECT_EQ(ppo, (ObservationSets{{"actor", "teacher"}, {"critic", "critic"}}));
  // a role the algorithm does not have is an error, not ignored
  const std::string e = ConfigErrorOf([&] {
    ResolveObservationSets(c.runner.observation_sets, {"student", "teacher"}, {}, "test.yaml");
  });
  EXPECT_NE(e.find("runner.observation_sets.actor"), std::string::npos) << e;
  EXPECT_NE(e.find("student, teacher"), std::string::npos) << e;
  // the keys of before are errors that say what replaced them
  const std::string old = ConfigErrorOf([] { Read("runner: {critic_group: teacher}"); });
  EXPECT_NE(old.find("runner.critic_group"), std::string::npos) << old;
  EXPECT_NE(old.find("observation_sets"), std::string::npos) << old;
  EXPECT_THROW(SetGroup(ppo, "student", "distillation"), ConfigError);
}

TEST(LearningConfigTest, SectionsACommandIgnoresAreErrors) {
  const LearningConfig c = Read("ppo: {gamma: 0.9}\nstudent: {hidden: [8]}");
  EXPECT_NO_THROW(RejectSections(c, {"distillation", "stages"}, "train", "test.yaml"));
  const std::string e =
      ConfigErrorOf([&] { RejectSections(c, {"policy", "ppo"}, "distill", "test.yaml"); });
  EXPECT_NE(e.find("test.yaml: ppo"), std::string::npos) << e;
  EXPECT_NE(e.find("tutor distill"), std::string::npos) << e;
}

}  // namespace
}  // namespace tutor::testing
