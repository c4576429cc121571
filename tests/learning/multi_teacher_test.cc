// Several teachers: the config, the router, the combined label and loss, and the labels a
// distillation records when teachers are routed by domain.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/config_reader.h"
#include "core/error.h"
#include "learning/distillation.h"
#include "learning/teacher_router.h"
#include "tests/learning/learning_test_util.h"
#include "tests/learning/point_mass_env.h"

namespace tutor::testing {
namespace {

// the point mass with a domain: terrain type 0 ("flat") or 1 ("stairs_up") per env, switched
// at every reset of that env (env i starts on type i % 2), and a command set by the test
class DomainPointMassEnv : public PointMassEnv {
 public:
  DomainPointMassEnv(int n, int horizon) : PointMassEnv(n, horizon), type_(n), command_(n) {}
  void Reset() override {
    PointMassEnv::Reset();
    for (int i = 0; i < NumEnvs(); ++i) type_[i] = i % 2;
  }
  void Step(const float* actions) override {
    PointMassEnv::Step(actions);
    for (const auto& episode : FinishedEpisodes()) type_[episode.env_id] ^= 1;
  }
  std::vector<std::string> TerrainTypeNames() const override { return {"flat", "stairs_up"}; }
  int TerrainTypeOf(int i) const override { return type_[i]; }
  std::array<double, 3> CommandOf(int i) const override { return command_[i]; }

  std::vector<int> type_;
  std::vector<std::array<double, 3>> command_;
};

LearningConfig Read(const std::string& yaml) { return ReadLearningText(yaml); }

// a policy whose mean is `value` for every observation: zero weights, every bias `value`
PolicyNet ConstantPolicy(float value) {
  PolicyNet net(PolicySpec{2, 1, NetConfig({8}, 0.5)});
  torch::NoGradGuard no_grad;
  for (auto& p : net->named_parameters()) {
    if (p.key().find("mlp") == std::string::npos && p.key().find("head") == std::string::npos)
      continue;  // the std and the normalizer stay as they are
    if (p.key().find("weight") != std::string::npos) p.value().zero_();
    else if (p.key().find("bias") != std::string::npos) p.value().fill_(value);
  }
  return net;
}

TEST(MultiTeacherConfigTest, TeachersListReadsRulesAndReplacesASingleTeacher) {
  const LearningConfig c = Read(
      "teachers:\n"
      "  - {checkpoint: a.pt, terrain: [stairs_up, stairs_down]}\n"
      "  - {checkpoint: /abs/b.pt, command: {lin_vel_x: [0.5, 1.0]}, envs: [0.25, 0.75]}\n"
      "  - {checkpoint: c.pt}\n"
      "distillation: {teacher_routing: domain}\n");
  ASSERT_EQ(c.teachers.size(), 3u);
  EXPECT_EQ(c.teachers[0].checkpoint, "./a.pt");  // against the config's folder
  EXPECT_EQ(c.teachers[0].domain.terrain, (std::vector<std::string>{"stairs_up", "stairs_down"}));
  EXPECT_EQ(c.teachers[1].checkpoint, "/abs/b.pt");
  ASSERT_EQ(c.teachers[1].domain.command.count(0), 1u);
  EXPECT_EQ(c.teachers[1].domain.command.at(0), std::make_pair(0.5, 1.0));
  EXPECT_DOUBLE_EQ(c.teachers[1].domain.envs_from, 0.25);
  EXPECT_DOUBLE_EQ(c.teachers[1].domain.envs_to, 0.75);
  EXPECT_TRUE(c.teachers[2].domain.Empty());
  EXPECT_FALSE(c.teachers[1].domain.Empty());

  // a later layer naming one `teacher:` replaces the list, and the other way round
  LearningConfig layered = c;
  ReadLearningConfig(ConfigReader::FromString("teacher: t.pt", "top.yaml"), &layered);
  EXPECT_TRUE(layered.teachers.empty());
  EXPECT_EQ(layered.teacher, "./t.pt");
  ReadLearningConfig(ConfigReader::FromString("teachers: [{checkpoint: u.pt}]", "top.yaml"),
                     &layered);
  EXPECT_TRUE(layered.teacher.empty());
  EXPECT_EQ(layered.teachers.size(), 1u);

  EXPECT_NE(ConfigErrorOf([] { Read("teacher: a.pt\nteachers: [{checkpoint: b.pt}]"); })
                .find("not both"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { Read("teachers: [{terrain: [flat]}]"); }).find("checkpoint"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { Read("teachers: [{checkpoint: a.pt, speed: 1}]"); })
                .find("teachers[0]"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { Read("teachers: [{checkpoint: a.pt, envs: [0.5, 0.5]}]"); })
                .find("envs"),
            std::string::npos);
  EXPECT_NE(ConfigErrorOf([] { Read("teachers: [{checkpoint: a.pt, command: {yaw: [0, 1]}}]"); })
                .find("lin_vel_x"),
            std::string::npos);
  // rules mean nothing to an ensemble: an error, not ignored
  const LearningConfig ensemble = Read(
      "teachers: [{checkpoint: a.pt, terrain: [flat]}, {checkpoint: b.pt}]\n"
      "distillation: {teacher_routing: ensemble}");
  EXPECT_NE(ConfigErrorOf([&] { ValidateLearningConfig(ensemble, "test.yaml", 8); })
                .find("teachers[0]: a domain rule"),
            std::string::npos);
}

TEST(TeacherRouterTest, FirstTeacherWhoseRulesAllHoldLabelsEachEnv) {
  DomainPointMassEnv env(8, 40);
  env.Reset();  // types 0 1 0 1 0 1 0 1
  for (int i = 0; i < 8; ++i) env.command_[i] = {0.1 * i, 0.0, i % 3 == 0 ? 0.5 : 0.0};
  TeacherDomain stairs;  // stairs_up with lin_vel_x in [0.25, 0.65]: envs 3 and 5
  stairs.terrain = {"stairs_up"};
  stairs.command[0] = {0.25, 0.65};
  TeacherDomain second_half;  // envs 4..7 (i / 8 in [0.5, 1))
  second_half.envs_from = 0.5;
  TeacherDomain turning;  // yaw command in [0.4, 1]: envs 0, 3, 6 (3 and 6 taken before)
  turning.command[2] = {0.4, 1.0};
  TeacherRouter router({stairs, second_half, turning, TeacherDomain{}}, env, "test.yaml");
  EXPECT_EQ(router.Route(env), (std::vector<int64_t>{2, 3, 3, 0, 1, 0, 1, 1}));
  // as a data-parallel rank of a 16-env run: these 8 envs are the run's 0..7 (all below half
  // of it) or 8..15 (all at or above it)
  TeacherRouter first_rank({second_half, TeacherDomain{}}, env, "test.yaml", 0, 16);
  EXPECT_EQ(first_rank.Route(env), (std::vector<int64_t>(8, 1)));
  TeacherRouter second_rank({second_half, TeacherDomain{}}, env, "test.yaml", 8, 16);
  EXPECT_EQ(second_rank.Route(env), (std::vector<int64_t>(8, 0)));

  // without a catch-all, an env in no domain is an error naming it and its domain
  TeacherRouter partial({stairs, second_half}, env, "test.yaml");
  EXPECT_EQ(partial.TeacherOf(env, 0), -1);
  const std::string message = ConfigErrorOf([&] { partial.Route(env); });
  EXPECT_NE(message.find("env 0 (terrain flat, command (0.00, 0.00, 0.50))"), std::string::npos)
      << message;

  TeacherDomain unknown;
  unknown.terrain = {"stairs"};
  const std::string bad = ConfigErrorOf([&] { TeacherRouter({unknown}, env, "test.yaml"); });
  EXPECT_NE(bad.find("teachers[0].terrain: unknown terrain type 'stairs'"), std::string::npos);
  EXPECT_NE(bad.find("flat, stairs_up"), std::string::npos);
  PointMassEnv plain(4);  // no terrain at all
  TeacherDomain flat;
  flat.terrain = {"flat"};
  EXPECT_NE(ConfigErrorOf([&] { TeacherRouter({flat}, plain, "test.yaml"); }).find("no terrain"),
            std::string::npos);
}

TEST(MultiTeacherLossTest, EnsembleAndDomainLabelsAndLossesMatchHandValues) {
  // two teachers, one action: means 1 and 3, stds 1 and 2 (precisions 1 and 1/4)
  const std::vector<torch::Tensor> means = {torch::tensor({{1.0f}, {1.0f}}),
                                            torch::tensor({{3.0f}, {3.0f}})};
  const std::vector<torch::Tensor> stds = {torch::tensor({1.0f}), torch::tensor({2.0f})};
  // kl ensemble: the product of the Gaussians, mean (1 + 3/4) / 1.25 = 1.4, std 1.25^-1/2
  const TeacherLabel kl = CombineTeachers(means, stds, torch::Tensor(), BcLoss::kKl);
  EXPECT_NEAR(kl.mean[0][0].item<float>(), 1.4f, 1e-6);
  EXPECT_NEAR(kl.std[1][0].item<float>(), 0.8944272f, 1e-6);
  EXPECT_NEAR(kl.weights[0][1].item<float>(), 0.5f, 1e-7);
  // mse ensemble: the mean of the means
  const TeacherLabel mse = CombineTeachers(means, stds, torch::Tensor(), BcLoss::kMse);
  EXPECT_NEAR(mse.mean[1][0].item<float>(), 2.0f, 1e-6);
  // domain: sample 0 from teacher 1, sample 1 from teacher 0
  const TeacherLabel routed =
      CombineTeachers(means, stds, torch::tensor({1, 0}, torch::kLong), BcLoss::kKl);
  EXPECT_FLOAT_EQ(routed.mean[0][0].item<float>(), 3.0f);
  EXPECT_FLOAT_EQ(routed.mean[1][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(routed.std[0][0].item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(routed.weights[0][1].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(routed.weights[0][0].item<float>(), 0.0f);

  // forward KL(ensemble || student N(1, 0.5)) = log(0.5 / 0.894427) + (0.8 + 0.16) / 0.5 - 0.5
  DistillationConfig c;
  c.loss = BcLoss::kKl;
  DistillationLossInput in;
  in.student_mean = torch::tensor({{1.0f}, {1.0f}});
  in.student_std = torch::tensor({0.5f});
  in.teacher_mean = kl.mean;
  in.teacher_std = kl.std;
  EXPECT_NEAR(DistillationLoss(c, in, nullptr).item<float>(), 0.8384246f, 1e-5);

  // feature loss, two teachers of widths 1 and 2, sample 0 from teacher 0, sample 1 from 1:
  // projection 0 = sum of the student features, projection 1 = identity
  c.loss = BcLoss::kFeature;
  c.feature_coef = 0.1;
  torch::nn::Linear p0(2, 1), p1(2, 2);
  {
    torch::NoGradGuard no_grad;
    p0->weight.fill_(1.0);
    p0->bias.zero_();
    p1->weight.copy_(torch::eye(2));
    p1->bias.zero_();
  }
  DistillationLossInput f;
  f.student_mean = torch::zeros({2, 1});
  f.teacher_mean = torch::zeros({2, 1});
  f.student_features = torch::tensor({{1.0f, 2.0f}, {0.0f, 1.0f}});
  f.teacher_features = torch::tensor({{1.0f, 9.0f, 9.0f}, {9.0f, 0.0f, 3.0f}});
  f.teacher_weights = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}});
  // teacher 0 on sample 0: (3 - 1)^2 = 4, / 2 samples = 2; teacher 1 on sample 1:
  // ((0 - 0)^2 + (1 - 3)^2) / 2 = 2, / 2 samples = 1; the 9s weigh nothing
  EXPECT_NEAR(DistillationLoss(c, f, std::vector<torch::nn::Linear>{p0, p1}).item<float>(),
              0.1f * 3.0f, 1e-6);
  // ensemble weights (1/2 each) add each teacher's term on every sample at half weight
  f.teacher_weights = torch::full({2, 2}, 0.5f);
  // teacher 0: samples (3-1)^2 = 4 and (1-9)^2 = 64 -> 0.5 * 68 / 2 = 17; teacher 1: sample 0
  // ((1-9)^2 + (2-9)^2) / 2 = 56.5, sample 1 2 -> 0.5 * 58.5 / 2 = 14.625
  EXPECT_NEAR(DistillationLoss(c, f, std::vector<torch::nn::Linear>{p0, p1}).item<float>(),
              0.1f * (17.0f + 14.625f), 1e-4);
}

TEST(MultiTeacherDistillationTest, EachEnvsLabelComesFromTheTeacherOfItsDomainAtThatStep) {
  torch::manual_seed(11);
  const int n = 8, steps = 10;
  DomainPointMassEnv env(n, 3);  // episodes of 3 steps: every env changes domain twice or more
  // teacher 0 (flat): a constant 0.3; teacher 1 (stairs_up): a recurrent net, and an identical
  // copy of it replayed alone on the same observations
  PolicyNet constant = ConstantPolicy(0.3f);
  torch::manual_seed(12);
  PolicyNet recurrent(PolicySpec{2, 1, NetConfig({8}, 0.7, MemoryType::kLstm)});
  torch::manual_seed(12);
  PolicyNet replay(PolicySpec{2, 1, NetConfig({8}, 0.7, MemoryType::kLstm)});
  replay->eval();  // as the model holds its teachers
  StudentTeacher model(PolicyNet(PolicySpec{2, 1, NetConfig({8}, 0.1)}),
                       std::vector<PolicyNet>{constant, recurrent});
  DistillationConfig config;
  Distillation algorithm(model, config, steps, n,
                         {{"student", "policy"}, {"teacher", "critic"}, {"teacher_1", "policy"}});
  TeacherDomain flat, stairs;
  flat.terrain = {"flat"};
  stairs.terrain = {"stairs_up"};
  TeacherRouter router({flat, stairs}, env, "test.yaml");
  algorithm.SetRouter([&] { return router.Route(env); });

  env.Reset();
  std::vector<std::vector<int>> types;
  std::vector<torch::Tensor> observations, dones;
  for (int t = 0; t < steps; ++t) {
    const auto obs = torch::from_blob(const_cast<float*>(env.Observations("policy")), {n, 2},
                                      torch::kFloat32).clone();
    types.push_back(env.type_);
    observations.push_back(obs);
    const auto actions = algorithm.Act({{"policy", obs}, {"critic", obs}}).contiguous();
    env.Step(actions.data_ptr<float>());
    const auto next = torch::from_blob(const_cast<float*>(env.Observations("policy")), {n, 2},
                                       torch::kFloat32).clone();
    EnvStep step{{{"policy", next}, {"critic", next}}, {{"policy", next}, {"critic", next}},
                 torch::zeros({n, 1}), torch::zeros({n, 1}),
                 torch::from_blob(const_cast<float*>(env.Truncated()), {n, 1}, torch::kFloat32)
                     .clone()};
    dones.push_back(step.truncated);
    algorithm.ProcessStep(step);
  }
  // the recurrent teacher alone, reset where episodes ended, as the distillation resets it
  std::vector<torch::Tensor> replayed;
  {
    torch::NoGradGuard no_grad;
    for (int t = 0; t < steps; ++t) {
      replayed.push_back(replay->forward(observations[t]));
      replay->Reset(dones[t]);
    }
  }
  const auto& storage = algorithm.storage();
  std::set<int> seen;
  int switched = 0;
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < n; ++i) {
      const float label = storage.teacher_actions[t][i][0].item<float>();
      const float std = storage.teacher_std[t][i][0].item<float>();
      seen.insert(types[t][i]);
      if (t > 0 && types[t][i] != types[t - 1][i]) ++switched;
      if (types[t][i] == 0) {
        EXPECT_NEAR(label, 0.3f, 1e-6) << "step " << t << " env " << i;
        EXPECT_NEAR(std, 0.5f, 1e-6);
      } else {
        EXPECT_NEAR(label, replayed[t][i][0].item<float>(), 1e-5) << "step " << t << " env " << i;
        EXPECT_NEAR(std, 0.7f, 1e-6);
      }
      EXPECT_EQ(storage.teacher_weights[t][i][types[t][i]].item<float>(), 1.0f);
    }
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_GE(switched, 2 * n);  // every env changed teacher at least twice
  // the recurrent teacher's labels are not constant: the replay comparison has teeth
  EXPECT_GT(torch::stack(replayed).std().item<float>(), 1e-3);

  // the update reports each teacher's share of the samples: half each here (types alternate)
  const Stats stats = algorithm.Update();
  double flat_share = 0;
  for (int t = 0; t < steps; ++t)
    for (int i = 0; i < n; ++i) flat_share += types[t][i] == 0;
  flat_share /= steps * n;
  EXPECT_NEAR(stats.at("teacher_share/teacher"), flat_share, 1e-6);
  EXPECT_NEAR(stats.at("teacher_share/teacher_1"), 1.0 - flat_share, 1e-6);
  EXPECT_EQ(algorithm.StatNames().back(), "teacher_share/teacher_1");

  // the model's description and modules name the second teacher "teacher_1"
  const std::string description = DescribeStudentTeacher(model);
  EXPECT_NE(description.find("teacher_1:"), std::string::npos);
  EXPECT_NE(description.find("teachers: 2"), std::string::npos);
  const StudentTeacher rebuilt = StudentTeacherFromDescription(description, "test");
  EXPECT_EQ(rebuilt->NumTeachers(), 2);
  EXPECT_TRUE(rebuilt->teachers[1]->recurrent());
}

TEST(MultiTeacherDistillationTest, DomainRoutingWithoutARouterIsAnError) {
  StudentTeacher model(PolicyNet(PolicySpec{2, 1, NetConfig({4}, 0.1)}),
                       std::vector<PolicyNet>{ConstantPolicy(0.1f), ConstantPolicy(0.2f)});
  Distillation algorithm(model, DistillationConfig{}, 2, 2,
                         {{"student", "policy"}, {"teacher", "policy"}, {"teacher_1", "policy"}});
  const auto obs = torch::zeros({2, 2});
  EXPECT_THROW(algorithm.Act({{"policy", obs}}), Error);
  // an ensemble needs none: the mean of 0.1 and 0.2
  DistillationConfig ensemble;
  ensemble.teacher_routing = TeacherRouting::kEnsemble;
  Distillation mean(model, ensemble, 2, 2,
                    {{"student", "policy"}, {"teacher", "policy"}, {"teacher_1", "policy"}});
  mean.Act({{"policy", obs}});
  mean.ProcessStep(EnvStep{{{"policy", obs}}, {{"policy", obs}}, torch::zeros({2, 1}),
                           torch::zeros({2, 1}), torch::zeros({2, 1})});
  EXPECT_NEAR(mean.storage().teacher_actions[0][1][0].item<float>(), 0.15f, 1e-6);
}

}  // namespace
}  // namespace tutor::testing
