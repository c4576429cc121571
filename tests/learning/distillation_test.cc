#include "learning/distillation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "learning/ppo.h"
#include "learning/runner.h"
#include "learning/policy_loading.h"
#include "tests/learning/learning_test_util.h"
#include "tests/learning/point_mass_env.h"

namespace tutor::testing {
namespace {

PolicySpec SmallSpec(MemoryType memory = MemoryType::kNone) {
  return PolicySpec{2, 1, NetConfig({16, 8}, 0.1, memory)};
}

RunnerConfig DistillRunner(const std::string& name, int steps = 10) {
  RunnerConfig config;
  config.num_steps_per_env = steps;
  config.save_interval = 0;
  config.log_dir = ::testing::TempDir() + name;
  std::filesystem::remove_all(config.log_dir);
  return config;
}

// every row's value of one metrics.csv column, found by its header name
std::vector<double> CsvColumn(const std::string& path, const std::string& column) {
  std::ifstream csv(path);
  std::string header, row;
  std::getline(csv, header);
  std::stringstream names(header);
  std::string name;
  int index = -1;
  for (int i = 0; std::getline(names, name, ','); ++i)
    if (name == column) index = i;
  EXPECT_GE(index, 0) << path << " has no column " << column;
  std::vector<double> values;
  while (std::getline(csv, row)) {
    std::stringstream cells(row);
    std::string cell;
    for (int i = 0; i <= index && std::getline(cells, cell, ','); ++i) {}
    values.push_back(std::stod(cell));
  }
  return values;
}

// the value of a column of the first data row of a metrics.csv
double CsvValue(const std::string& path, const std::string& column) {
  const auto values = CsvColumn(path, column);
  return values.empty() ? 0.0 : values.front();
}

TEST(DistillationLossTest, EachLossMatchesHandComputedValues) {
  DistillationConfig c;
  DistillationLossInput in;
  in.student_mean = torch::tensor({{1.0f, 2.0f}});
  in.teacher_mean = torch::tensor({{0.0f, 4.0f}});
  c.loss = BcLoss::kMse;  // (1 + 4) / 2
  EXPECT_NEAR(DistillationLoss(c, in, nullptr).item<float>(), 2.5f, 1e-6);
  c.loss = BcLoss::kHuber;  // |d| = 1: 0.5; |d| = 2: 1 * (2 - 0.5) = 1.5; mean 1.0
  EXPECT_NEAR(DistillationLoss(c, in, nullptr).item<float>(), 1.0f, 1e-6);

  // Gaussian KL, one dimension: teacher N(0, 1) at temperature 2 -> N(0, 2); student N(1, 0.5)
  DistillationLossInput g;
  g.student_mean = torch::tensor({{1.0f}});
  g.student_std = torch::tensor({0.5f});
  g.teacher_mean = torch::tensor({{0.0f}});
  g.teacher_std = torch::tensor({1.0f});
  c.loss = BcLoss::kKl;
  c.kl_temperature = 2.0;
  c.kl_direction = KlDirection::kForward;  // KL(T || S) = log(0.5 / 2) + (4 + 1) / (2 * 0.25) - 0.5
  EXPECT_NEAR(DistillationLoss(c, g, nullptr).item<float>(), 8.1137056f, 1e-5);
  c.kl_direction = KlDirection::kReverse;  // KL(S || T) = log(2 / 0.5) + (0.25 + 1) / (2 * 4) - 0.5
  EXPECT_NEAR(DistillationLoss(c, g, nullptr).item<float>(), 1.0425444f, 1e-5);

  // feature: mse of actions + coef * mse(projection(student hidden), teacher hidden)
  c.loss = BcLoss::kFeature;
  c.feature_coef = 0.1;
  torch::nn::Linear projection(2, 1);
  {
    torch::NoGradGuard no_grad;
    projection->weight.fill_(1.0);
    projection->bias.zero_();
  }
  in.student_features = torch::tensor({{1.0f, 2.0f}});  // projected: 3
  in.teacher_features = torch::tensor({{1.0f}});        // (3 - 1)^2 = 4
  EXPECT_NEAR(DistillationLoss(c, in, projection).item<float>(), 2.5f + 0.4f, 1e-6);
}

TEST(DistillationTest, TeacherStaysFrozenAndStudentLossFalls) {
  torch::manual_seed(5);
  PointMassEnv env(32);
  PolicyNet teacher(SmallSpec());
  StudentTeacher model(PolicyNet(SmallSpec()), teacher);
  std::vector<torch::Tensor> before;
  for (const auto& p : teacher->parameters()) before.push_back(p.detach().clone());
  DistillationConfig config;
  config.gradient_length = 5;
  Distillation algorithm(model, config, 10, env.NumEnvs(), DistillSets());
  Runner runner(&env, &algorithm, DistillRunner("frozen"), "{}");
  runner.quiet = true;
  runner.Learn(1);
  const double first = CsvValue(::testing::TempDir() + "frozen/metrics.csv", "behavior_loss");
  EXPECT_GT(first, 0.0);
  runner.Learn(40);
  // evaluate the student against the teacher on fresh states
  torch::NoGradGuard no_grad;
  const auto obs = torch::rand({256, 2}) * 2 - 1;
  const double last = (model->student->forward(obs) - model->TeacherAct(obs)).square().mean().item<double>();
  EXPECT_LT(last, 0.2 * first) << "first " << first;
  const auto params = teacher->parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_TRUE(torch::equal(params[i], before[i]));
    EXPECT_FALSE(params[i].requires_grad());
    EXPECT_FALSE(params[i].grad().defined());
  }
  EXPECT_FALSE(teacher->is_training());
  model->train();
  EXPECT_FALSE(teacher->is_training());
}

TEST(DistillationTest, OptimizerStepsCoverEveryTransitionIncludingTheRemainder) {
  // 10 steps x epochs transitions in steps of `length`, the shorter remainder stepped too:
  // ceil(10 * epochs / length) (formerly floor: the remainder was silently dropped)
  for (auto [epochs, length, expected] : {std::tuple{2, 3, 7}, {1, 4, 3}, {3, 10, 3}}) {
    PointMassEnv env(4);
    StudentTeacher model{PolicyNet(SmallSpec()), PolicyNet(SmallSpec())};
    DistillationConfig config;
    config.num_learning_epochs = epochs;
    config.gradient_length = length;
    Distillation algorithm(model, config, 10, env.NumEnvs(), DistillSets());
    Runner runner(&env, &algorithm, DistillRunner("steps"), "{}");
    runner.quiet = true;
    runner.Learn(1);
    EXPECT_EQ(algorithm.optimizer_steps(), expected)
        << epochs << " epochs, gradient length " << length;
  }
}

TEST(DistillationTest, LinearScheduleDecaysTheRateTheOptimizerUses) {
  // 1e-3 -> 1e-4 over 4 updates: 1e-3 + (1e-4 - 1e-3) * k / 4 for update k, then held
  {
    PointMassEnv env(4);
    StudentTeacher model{PolicyNet(SmallSpec()), PolicyNet(SmallSpec())};
    DistillationConfig config;
    config.learning_rate = 1e-3;
    config.final_learning_rate = 1e-4;
    config.lr_decay_iterations = 4;
    Distillation algorithm(model, config, 10, env.NumEnvs(), DistillSets());
    Runner runner(&env, &algorithm, DistillRunner("schedule"), "{}");
    runner.quiet = true;
    runner.Learn(6);
    const auto rates = CsvColumn(::testing::TempDir() + "schedule/metrics.csv", "learning_rate");
    const std::vector<double> expected{1e-3, 7.75e-4, 5.5e-4, 3.25e-4, 1e-4, 1e-4};
    ASSERT_EQ(rates.size(), expected.size());
    for (size_t k = 0; k < expected.size(); ++k)
      EXPECT_NEAR(rates[k], expected[k], 1e-9) << "update " << k;
  }
  // the optimizer steps with the scheduled rate: decayed to 1e-9 after one update, the second
  // update leaves the student where the first put it; a constant rate moves it on
  for (int decay : {1, 0}) {
    torch::manual_seed(3);
    PointMassEnv env(16);
    StudentTeacher model{PolicyNet(SmallSpec()), PolicyNet(SmallSpec())};
    DistillationConfig config;
    config.learning_rate = 1e-2;
    config.final_learning_rate = 1e-9;
    config.lr_decay_iterations = decay;
    config.gradient_length = 10;
    Distillation algorithm(model, config, 10, env.NumEnvs(), DistillSets());
    Runner runner(&env, &algorithm, DistillRunner("schedule_step"), "{}");
    runner.quiet = true;
    runner.Learn(1);
    std::vector<torch::Tensor> after_first;
    for (const auto& p : model->student->parameters()) after_first.push_back(p.detach().clone());
    runner.Learn(2);
    double moved = 0;
    const auto params = model->student->parameters();
    for (size_t i = 0; i < params.size(); ++i)
      moved = std::max(moved, (params[i] - after_first[i]).abs().max().item<double>());
    if (decay)
      EXPECT_LT(moved, 1e-7);  // Adam steps at most a few times its rate
    else
      EXPECT_GT(moved, 1e-3);
  }
}

TEST(DistillationTest, RecurrentStatesResetWhereAnEpisodeEnded) {
  torch::manual_seed(6);
  StudentTeacher model(PolicyNet(SmallSpec(MemoryType::kLstm)),
                       PolicyNet(SmallSpec(MemoryType::kGru)));
  Distillation algorithm(model, DistillationConfig{}, 4, 2, DistillSets());
  const ObsMap obs = {{"policy", torch::ones({2, 2})}, {"critic", torch::ones({2, 2})}};
  algorithm.Act(obs);
  const auto [h, c] = model->student->memory->State();
  ASSERT_GT(h.abs().sum().item<float>(), 0.0f);
  EnvStep step{obs, obs, torch::zeros({2, 1}), torch::tensor({{1.0f}, {0.0f}}),
               torch::zeros({2, 1})};
  algorithm.ProcessStep(step);  // env 0 fell, env 1 goes on
  const auto [h2, c2] = model->student->memory->State();
  EXPECT_EQ(h2.index({torch::indexing::Slice(), 0}).abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(c2.index({torch::indexing::Slice(), 0}).abs().sum().item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(h2.index({torch::indexing::Slice(), 1}),
                           h.index({torch::indexing::Slice(), 1})));
  const auto teacher_h = model->teacher->memory->State().first;
  EXPECT_EQ(teacher_h.index({torch::indexing::Slice(), 0}).abs().sum().item<float>(), 0.0f);
  EXPECT_GT(teacher_h.index({torch::indexing::Slice(), 1}).abs().sum().item<float>(), 0.0f);
}

TEST(MemoryTest, ABatchOfAnotherSizeStartsFromZeroState) {
  Memory memory(MemoryType::kLstm, 2, 4, 1);
  memory->forward(torch::ones({8, 2}));
  memory->Reset(torch::zeros({3}));  // an evaluation with 3 envs after a rollout of 8
  EXPECT_FALSE(memory->State().first.defined());
  const auto out = memory->forward(torch::ones({3, 2}));
  Memory fresh(MemoryType::kLstm, 2, 4, 1);
  {
    torch::NoGradGuard no_grad;
    auto src = memory->named_parameters();
    for (auto& p : fresh->named_parameters()) p.value().copy_(src[p.key()]);
  }
  EXPECT_TRUE(torch::allclose(out, fresh->forward(torch::ones({3, 2}))));
}

TEST(DistillationTest, TeacherFromPpoCheckpointActsExactlyLikeThePpoActor) {
  torch::manual_seed(7);
  PointMassEnv env(16);
  ActorCritic policy = PointMassActorCritic({24, 12}, {8}, 0.7, Activation::kTanh);
  Ppo ppo(policy, PpoConfig{}, 8, env.NumEnvs(), PpoSets());
  RunnerConfig rc = DistillRunner("ppo_teacher", 8);
  Runner runner(&env, &ppo, rc, "{}");
  runner.quiet = true;
  runner.Learn(2);  // normalizer statistics are non-trivial now
  LoadedPolicy teacher = LoadPolicy(rc.log_dir + "/model_latest.pt");
  EXPECT_EQ(teacher.group, "policy");
  EXPECT_EQ(teacher.name, "teacher");
  EXPECT_EQ(teacher.net->spec.config.hidden, (std::vector<int>{24, 12}));  // read, not mirrored
  EXPECT_EQ(teacher.net->spec.config.activation, Activation::kTanh);
  policy->eval();
  const auto obs = torch::randn({64, 2}) * 2;
  EXPECT_TRUE(torch::equal(teacher.net->forward(obs), policy->actor->forward(obs)));
  EXPECT_TRUE(torch::equal(teacher.net->Std(), policy->actor->Std()));
  EXPECT_FALSE(teacher.net->is_training());
  for (const auto& p : teacher.net->parameters()) EXPECT_FALSE(p.requires_grad());
}

}  // namespace
}  // namespace tutor::testing
