#include "learning/ppo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "learning/rollout_storage.h"
#include "tests/learning/learning_test_util.h"

namespace tutor::testing {
namespace {

TEST(RolloutStorageTest, GaeMatchesHandComputedValues) {
  // T = 3, N = 1; gamma 0.9, lambda 0.8; a termination after step 1
  RolloutStorage storage(RolloutStorage::Mode::kRl, 3, 1, {1, 1, 1, 0});
  const float values[3] = {0.5f, 1.0f, 1.5f}, rewards[3] = {1.0f, 0.0f, 2.0f},
              dones[3] = {0.0f, 1.0f, 0.0f};
  for (int t = 0; t < 3; ++t) {
    Transition tr;
    tr.observations = tr.critic_observations = tr.actions = tr.action_mean = tr.action_std =
        torch::zeros({1, 1});
    tr.values = torch::full({1, 1}, values[t]);
    tr.rewards = torch::full({1, 1}, rewards[t]);
    tr.dones = torch::full({1, 1}, dones[t]);
    tr.log_probs = torch::zeros({1, 1});
    storage.Add(tr);
  }
  storage.ComputeReturns(torch::full({1, 1}, 2.0f), 0.9, 0.8, false);
  // t=2: delta = 2 + 0.9*2.0 - 1.5 = 2.3;            A = 2.3
  // t=1: done: delta = 0 - 1.0 = -1.0;               A = -1.0
  // t=0: delta = 1 + 0.9*1.0 - 0.5 = 1.4;            A = 1.4 + 0.72*(-1.0) = 0.68
  EXPECT_NEAR(storage.advantages[2].item<float>(), 2.3f, 1e-6);
  EXPECT_NEAR(storage.advantages[1].item<float>(), -1.0f, 1e-6);
  EXPECT_NEAR(storage.advantages[0].item<float>(), 0.68f, 1e-6);
  EXPECT_NEAR(storage.returns[0].item<float>(), 1.18f, 1e-6);
  EXPECT_NEAR(storage.returns[1].item<float>(), 0.0f, 1e-6);
  EXPECT_NEAR(storage.returns[2].item<float>(), 3.8f, 1e-6);
}

// an actor-critic whose critic says V(s) = c everywhere
ActorCritic ConstantCritic(float c) {
  ActorCritic policy = PointMassActorCritic({4}, {4}, 1.0, Activation::kElu, false);
  torch::NoGradGuard no_grad;
  for (auto& p : policy->critic->named_parameters()) {
    if (p.key() == "mlp.layers.2.bias") p.value().fill_(c);
    else if (p.key() == "mlp.layers.2.weight") p.value().zero_();
  }
  return policy;
}

TEST(PpoTest, TimeOutsBootstrapWithTheFinalObservationValue) {
  PpoConfig config;
  config.gamma = 0.9;
  config.lam = 0.8;
  config.normalize_advantages = false;
  config.num_mini_batches = 1;  // a rollout of 2 transitions
  Ppo ppo(ConstantCritic(0.5f), config, 2, 1, PpoSets());
  const ObsMap obs = {{"policy", torch::zeros({1, 2})}, {"critic", torch::zeros({1, 2})}};
  const float rewards[2] = {1.0f, 2.0f}, truncated[2] = {1.0f, 0.0f};
  for (int t = 0; t < 2; ++t) {
    ppo.Act(obs);
    EnvStep step{obs, obs, torch::full({1, 1}, rewards[t]), torch::zeros({1, 1}),
                 torch::full({1, 1}, truncated[t])};
    ppo.ProcessStep(step);
  }
  ppo.ComputeReturns(obs);
  // step 0 timed out: r' = 1 + 0.9 * V(final) = 1.45 and the episode is done there
  // t=1: delta = 2 + 0.9*0.5 - 0.5 = 1.95;  t=0: delta = 1.45 - 0.5 = 0.95
  const auto& s = ppo.storage();
  EXPECT_NEAR(s.rewards[0].item<float>(), 1.45f, 1e-6);
  EXPECT_EQ(s.dones[0].item<float>(), 1.0f);
  EXPECT_NEAR(s.advantages[1].item<float>(), 1.95f, 1e-6);
  EXPECT_NEAR(s.advantages[0].item<float>(), 0.95f, 1e-6);
  EXPECT_NEAR(s.returns[0].item<float>(), 1.45f, 1e-6);
  EXPECT_NEAR(s.returns[1].item<float>(), 2.45f, 1e-6);
}

TEST(PpoTest, LossMatchesHandComputedValues) {
  PpoConfig config;  // clip 0.2, value coef 1, entropy coef 0.01, clipped value loss
  MiniBatch batch;
  batch.actions = torch::tensor({{0.5f}, {-0.5f}});
  batch.log_probs = torch::tensor({{-1.5f}, {-0.6f}});
  batch.advantages = torch::tensor({{1.0f}, {-2.0f}});
  batch.values = torch::tensor({{0.5f}, {0.3f}});
  batch.returns = torch::tensor({{2.0f}, {-0.5f}});
  const ActionDistribution dist{torch::zeros({2, 1}), torch::ones({2, 1})};
  const PpoLoss loss = ComputePpoLoss(config, batch, dist, torch::tensor({{1.0f}, {0.0f}}));
  // log pi = -a^2/2 - log sqrt(2 pi) = -1.0439385 for both; ratios exp(0.4560615) = 1.5778473
  // and exp(-0.4439385) = 0.6415049. Sample 0 (A = 1): max(-1.578, -1.2) = -1.2 (clipped);
  // sample 1 (A = -2): max(1.283, 1.6) = 1.6 (clipped). Mean 0.2.
  EXPECT_NEAR(loss.surrogate.item<float>(), 0.2f, 1e-6);
  // values clipped around the old ones: 0.7 and 0.1; max((1-2)^2, (0.7-2)^2) = 1.69,
  // max((0+0.5)^2, (0.1+0.5)^2) = 0.36; mean 1.025
  EXPECT_NEAR(loss.value.item<float>(), 1.025f, 1e-6);
  EXPECT_NEAR(loss.entropy.item<float>(), 1.4189385f, 1e-6);  // 0.5 + log sqrt(2 pi)
  EXPECT_NEAR(loss.total.item<float>(), 1.2108106f, 1e-6);
  // the critic's part against another batch's values and returns: the policy part is unchanged
  MiniBatch value_batch;
  value_batch.values = torch::tensor({{1.0f}});
  value_batch.returns = torch::tensor({{0.0f}});
  const PpoLoss own = ComputePpoLoss(config, batch, dist, torch::tensor({{0.5f}}), &value_batch);
  // max((0.5 - 0)^2, (clip(0.5 - 1, +-0.2) + 1 - 0)^2 = 0.8^2) = 0.64
  EXPECT_NEAR(own.value.item<float>(), 0.64f, 1e-6);
  EXPECT_NEAR(own.surrogate.item<float>(), 0.2f, 1e-6);
}

TEST(PpoTest, GaussianKlMatchesClosedForm) {
  // KL(N(0,1) || N(0.5,2)) = log 2 + (1 + 0.25) / 8 - 0.5 = 0.3493972, two dims summed
  const auto kl = GaussianKl(torch::zeros({1, 2}), torch::ones({1, 2}), torch::full({1, 2}, 0.5),
                             torch::full({1, 2}, 2.0));
  EXPECT_NEAR(kl.item<float>(), 2 * 0.3493972f, 1e-6);
  EXPECT_NEAR(GaussianKl(torch::ones({3, 1}), torch::ones({3, 1}), torch::ones({3, 1}),
                         torch::ones({3, 1}))
                  .item<float>(),
              0.0f, 1e-7);
}

// fills a rollout of `steps` x `envs` random transitions (observations N(0, 1), rewards N(0, 1))
void RandomRollout(Ppo* ppo, int steps, int envs) {
  for (int t = 0; t < steps; ++t) {
    const auto o = torch::randn({envs, 2});
    const ObsMap obs = {{"policy", o}, {"critic", o}};
    ppo->Act(obs);
    ppo->ProcessStep({obs, obs, torch::randn({envs, 1}), torch::zeros({envs, 1}),
                      torch::zeros({envs, 1})});
  }
  const auto o = torch::randn({envs, 2});
  ppo->ComputeReturns({{"policy", o}, {"critic", o}});
}

TEST(PpoTest, LinearScheduleMovesTheRateByHandComputedSteps) {
  torch::manual_seed(0);
  PpoConfig config;
  config.schedule = Schedule::kLinear;
  config.learning_rate = 1e-3;
  config.final_learning_rate = 5e-4;
  config.lr_decay_iterations = 4;
  config.num_learning_epochs = 1;
  config.num_mini_batches = 1;
  Ppo ppo(PointMassActorCritic({8}, {8}, 1.0), config, 4, 8, PpoSets());
  // update k runs at 1e-3 + (5e-4 - 1e-3) min(1, k / 4)
  const double expected[6] = {1e-3, 8.75e-4, 7.5e-4, 6.25e-4, 5e-4, 5e-4};
  for (double lr : expected) {
    RandomRollout(&ppo, 4, 8);
    ppo.Update();
    EXPECT_NEAR(ppo.LearningRate(), lr, 1e-12);
    EXPECT_NEAR(static_cast<torch::optim::AdamOptions&>(ppo.optimizer().param_groups()[0].options()).lr(),
                lr, 1e-12);
  }
  config.lr_decay_iterations = 0;
  EXPECT_THROW(Ppo(PointMassActorCritic({8}, {8}, 1.0), config, 4, 8, PpoSets()), ConfigError);
}

// a rollout whose teacher reads its own group: (x, v, x), a function of the actor's (x, v)
void TeacherRollout(Ppo* ppo, int steps, int envs, std::vector<torch::Tensor>* obs_seen) {
  for (int t = 0; t < steps; ++t) {
    const auto o = torch::randn({envs, 2});
    const ObsMap obs = {{"policy", o}, {"critic", o}, {"teacher", torch::cat({o, o.slice(1, 0, 1)}, 1)}};
    if (obs_seen) obs_seen->push_back(o);
    ppo->Act(obs);
    ppo->ProcessStep({obs, obs, torch::randn({envs, 1}), torch::zeros({envs, 1}),
                      torch::zeros({envs, 1})});
  }
  const auto o = torch::randn({envs, 2});
  ppo->ComputeReturns({{"policy", o}, {"critic", o}});
}

PolicyNet FrozenTeacher(int actions = 1) {
  PolicyNet teacher(PolicySpec{3, actions, NetConfig({8}, 0.1)});
  for (auto& p : teacher->parameters()) p.set_requires_grad(false);
  teacher->eval();
  return teacher;
}

// mean((actor mean - teacher action)^2) over fresh observations
double CloneError(Ppo& ppo, PolicyNet teacher) {
  torch::NoGradGuard no_grad;
  const auto o = torch::randn({512, 2});
  const auto label = teacher->forward(torch::cat({o, o.slice(1, 0, 1)}, 1));
  return (ppo.policy()->actor->forward(o) - label).square().mean().item<double>();
}

TEST(PpoTest, BehaviourCloningTermMatchesTheHandComputedErrorAndPullsTheActorToTheTeacher) {
  torch::manual_seed(5);
  PpoConfig config;
  config.schedule = Schedule::kFixed;
  config.learning_rate = 3e-3;
  config.num_learning_epochs = 1;
  config.num_mini_batches = 1;
  config.bc_coef = 0.5;
  BcTeacher teacher{FrozenTeacher(), "teacher"};
  Ppo ppo(PointMassActorCritic({16}, {16}, 0.5), config, 4, 8, PpoSets(), nullptr, &teacher);
  EXPECT_EQ(ppo.Sets().at("bc_teacher"), "teacher");  // the runner hands the env's group over
  const auto names = ppo.StatNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "bc_loss"), names.end());
  // one mini-batch of the whole rollout: the term is the error of the actor as it acted
  std::vector<torch::Tensor> seen;
  TeacherRollout(&ppo, 4, 8, &seen);
  double expected = 0;
  {
    torch::NoGradGuard no_grad;
    const auto o = torch::cat(seen);
    const auto label = teacher.net->forward(torch::cat({o, o.slice(1, 0, 1)}, 1));
    expected = (ppo.policy()->actor->forward(o) - label).square().mean().item<double>();
  }
  Stats stats = ppo.Update();
  EXPECT_NEAR(stats.at("bc_loss"), expected, 1e-6);
  EXPECT_DOUBLE_EQ(stats.at("bc_coef"), 0.5);
  EXPECT_GT(expected, 1e-4);  // the actor starts away from the teacher
  // with a weight that dominates PPO's terms the actor becomes the teacher
  config.bc_coef = 50.0;
  torch::manual_seed(6);
  Ppo cloned(PointMassActorCritic({16}, {16}, 0.5), config, 8, 32, PpoSets(), nullptr, &teacher);
  const double before = CloneError(cloned, teacher.net);
  for (int k = 0; k < 60; ++k) {
    TeacherRollout(&cloned, 8, 32, nullptr);
    cloned.Update();
  }
  EXPECT_LT(CloneError(cloned, teacher.net), 0.05 * before);
  // without the term the same updates leave the actor where chance takes it
  config.bc_coef = 0.0;
  torch::manual_seed(6);
  Ppo plain(PointMassActorCritic({16}, {16}, 0.5), config, 8, 32, PpoSets());
  const double plain_before = CloneError(plain, teacher.net);
  for (int k = 0; k < 60; ++k) {
    TeacherRollout(&plain, 8, 32, nullptr);
    plain.Update();
  }
  EXPECT_GT(CloneError(plain, teacher.net), 0.3 * plain_before);
}

TEST(PpoTest, BehaviourCloningWeightFallsLinearlyAndBadTeachersAreConfigErrors) {
  torch::manual_seed(7);
  PpoConfig config;
  config.num_learning_epochs = 1;
  config.num_mini_batches = 1;
  config.bc_coef = 2.0;
  config.bc_decay_iterations = 4;
  BcTeacher teacher{FrozenTeacher(), "teacher"};
  Ppo ppo(PointMassActorCritic({8}, {8}, 0.5), config, 4, 8, PpoSets(), nullptr, &teacher);
  // update k weighs the term by 2 max(0, 1 - k / 4)
  for (double coef : {2.0, 1.5, 1.0, 0.5, 0.0, 0.0}) {
    TeacherRollout(&ppo, 4, 8, nullptr);
    const Stats stats = ppo.Update();
    EXPECT_DOUBLE_EQ(stats.at("bc_coef"), coef);
    EXPECT_TRUE(std::isfinite(stats.at("bc_loss")));  // still reported at weight 0
  }
  EXPECT_NE(ConfigErrorOf([&] { Ppo(PointMassActorCritic({8}, {8}, 0.5), config, 4, 8, PpoSets()); })
                .find("needs a teacher to clone (ppo.bc_teacher)"),
            std::string::npos);
  const BcTeacher wide{FrozenTeacher(2), "teacher"};
  EXPECT_NE(ConfigErrorOf([&] {
              Ppo(PointMassActorCritic({8}, {8}, 0.5), config, 4, 8, PpoSets(), nullptr, &wide);
            }).find("the teacher has 2 actions, the actor 1"),
            std::string::npos);
  // no weight: no teacher, no columns
  config.bc_coef = 0.0;
  Ppo off(PointMassActorCritic({8}, {8}, 0.5), config, 4, 8, PpoSets(), nullptr, &teacher);
  EXPECT_EQ(off.Sets().count("bc_teacher"), 0u);
  EXPECT_EQ(off.BcCoefficient(), 0.0);
}

// E |mu(-o) + mu(o)|^2 over random observations: 0 for a policy symmetric under o -> -o, a -> -a
double Asymmetry(Ppo& ppo) {
  torch::NoGradGuard no_grad;
  const auto o = torch::randn({512, 2});
  PolicyNet actor = ppo.policy()->actor;
  return (actor->forward(-o) + actor->forward(o)).square().mean().item<double>();
}

TEST(PpoTest, MirrorLossAndAugmentationMakeTheActorSymmetric) {
  // the point mass is symmetric under negation: observations (x, v) -> (-x, -v), action -a
  const Symmetry negate{{torch::tensor({0, 1}, torch::kInt64), torch::tensor({-1.0f, -1.0f})},
                        {torch::tensor({0, 1}, torch::kInt64), torch::tensor({-1.0f, -1.0f})},
                        {torch::tensor({0}, torch::kInt64), torch::tensor({-1.0f})}};
  auto train = [&](bool augmentation, double coef) {
    torch::manual_seed(1);
    PpoConfig config;
    config.schedule = Schedule::kFixed;
    config.symmetry_augmentation = augmentation;
    config.symmetry_loss_coef = coef;
    Ppo ppo(PointMassActorCritic({16, 16}, {16}, 1.0), config, 8, 32, PpoSets(), &negate);
    const double before = Asymmetry(ppo);
    for (int k = 0; k < 30; ++k) {
      RandomRollout(&ppo, 8, 32);
      const Stats stats = ppo.Update();
      if (coef > 0) {
        EXPECT_TRUE(stats.count("symmetry_loss"));
      }
    }
    return std::pair{before, Asymmetry(ppo)};
  };
  const auto [plain_before, plain_after] = train(false, 0.0);
  const auto [loss_before, loss_after] = train(false, 10.0);
  const auto [aug_before, aug_after] = train(true, 0.0);
  EXPECT_GT(plain_after, 0.2 * plain_before);  // random data alone does not symmetrize
  EXPECT_LT(loss_after, 0.05 * loss_before);
  EXPECT_LT(aug_after, 0.2 * aug_before);
  // asking for symmetry without a mirror is an error
  PpoConfig config;
  config.symmetry_loss_coef = 0.1;
  EXPECT_THROW(Ppo(PointMassActorCritic({8}, {8}, 1.0), config, 4, 8, PpoSets()), ConfigError);
}

TEST(PpoTest, TheCriticLearnsMirrorImagesOnlyWhenAsked) {
  // rollouts visit x > 0 only and are paid r = x (gamma 0: the return is r). A critic that also
  // learns the mirror images is taught V(-o) = V(o); one trained on the rollout's half only
  // extrapolates to x < 0 from x > 0, where V rises with x, and misses V(-o) by about 2x.
  const Symmetry negate{{torch::tensor({0, 1}, torch::kInt64), torch::tensor({-1.0f, -1.0f})},
                        {torch::tensor({0, 1}, torch::kInt64), torch::tensor({-1.0f, -1.0f})},
                        {torch::tensor({0}, torch::kInt64), torch::tensor({-1.0f})}};
  auto mirror_gap = [&](bool symmetry_critic) {
    torch::manual_seed(1);
    PpoConfig config;
    config.schedule = Schedule::kFixed;
    config.gamma = 0.0;
    config.symmetry_augmentation = true;
    config.symmetry_critic = symmetry_critic;
    Ppo ppo(PointMassActorCritic({16, 16}, {16}, 1.0), config, 8, 32, PpoSets(), &negate);
    for (int k = 0; k < 40; ++k) {
      for (int t = 0; t < 8; ++t) {
        const auto o = torch::randn({32, 2}).abs();
        const ObsMap obs = {{"policy", o}, {"critic", o}};
        ppo.Act(obs);
        ppo.ProcessStep({obs, obs, o.slice(1, 0, 1).clone(), torch::zeros({32, 1}),
                         torch::zeros({32, 1})});
      }
      const auto o = torch::randn({32, 2}).abs();
      ppo.ComputeReturns({{"policy", o}, {"critic", o}});
      ppo.Update();
    }
    torch::NoGradGuard no_grad;
    const auto o = torch::randn({512, 2}).abs();
    const auto v = ppo.policy()->Evaluate(o), v_mirror = ppo.policy()->Evaluate(-o);
    // the critic fits the visited states either way: V(o) ~ x
    EXPECT_LT((v - o.slice(1, 0, 1)).abs().mean().item<double>(), 0.2);
    return (v_mirror - v).abs().mean().item<double>();
  };
  const double mirrored = mirror_gap(true), own_half = mirror_gap(false);
  EXPECT_LT(mirrored, 0.2);
  EXPECT_GT(own_half, 0.8);
}

// a T x N buffer whose observation at (t, e) is 10 t + e + first_env
RolloutStorage NumberedStorage(int steps, int envs, int first_env) {
  RolloutStorage storage(RolloutStorage::Mode::kRl, steps, envs, {1, 1, 1, 0});
  for (int t = 0; t < steps; ++t) {
    Transition tr;
    tr.observations = (torch::arange(envs).to(torch::kFloat32) + 10.0 * t + first_env).view({-1, 1});
    tr.critic_observations = tr.observations;
    tr.actions = tr.action_mean = tr.action_std = tr.values = tr.log_probs = torch::zeros({envs, 1});
    tr.rewards = tr.dones = torch::zeros({envs, 1});
    storage.Add(tr);
  }
  return storage;
}

TEST(RolloutStorageTest, EnvMiniBatchesHoldWholeEnvsStepByStep) {
  const RolloutStorage all = NumberedStorage(3, 6, 0);
  std::vector<std::vector<int64_t>> batches;
  torch::manual_seed(7);
  all.ForEachEnvMiniBatch(3, 2, [&](const MiniBatch& b) {
    ASSERT_EQ(b.steps, 3);
    ASSERT_EQ(b.envs.size(0), 2);
    EXPECT_EQ(b.share, 1.0);
    // rows are step-major: row t * n + j is step t of env envs[j]
    const auto obs = b.observations.view({3, 2});
    for (int t = 0; t < 3; ++t)
      for (int j = 0; j < 2; ++j)
        EXPECT_EQ(obs[t][j].item<float>(), 10.0f * t + b.envs[j].item<int64_t>());
    EXPECT_EQ(b.dones.size(0), 6);
    batches.emplace_back(b.envs.data_ptr<int64_t>(), b.envs.data_ptr<int64_t>() + 2);
  });
  ASSERT_EQ(batches.size(), 6u);
  for (int epoch = 0; epoch < 2; ++epoch) {  // each epoch holds every env once
    std::vector<int64_t> seen;
    for (int b = 0; b < 3; ++b)
      seen.insert(seen.end(), batches[epoch * 3 + b].begin(), batches[epoch * 3 + b].end());
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  }
  // data-parallel: rank 1 holds envs 3..5 of 6 and gets its members of the same draw
  const RolloutStorage rank1 = NumberedStorage(3, 3, 3);
  torch::manual_seed(7);
  int k = 0;
  rank1.ForEachEnvMiniBatch(
      3, 2,
      [&](const MiniBatch& b) {
        std::vector<int64_t> expected;
        for (int64_t e : batches[k++])
          if (e >= 3) expected.push_back(e - 3);
        EXPECT_EQ(std::vector<int64_t>(b.envs.data_ptr<int64_t>(),
                                       b.envs.data_ptr<int64_t>() + b.envs.size(0)),
                  expected);
        EXPECT_DOUBLE_EQ(b.share, expected.size() / 2.0);
        if (!expected.empty()) {
          EXPECT_EQ(b.observations[0].item<float>(), 3.0f + expected[0]);  // env 3 + e, step 0
        }
      },
      3, 6);
  EXPECT_EQ(k, 6);
}

// KL(stored || actor replayed over the buffer from `start`, with or without the episode
// restarts), the actor's own memory kept
double ReplayKl(Ppo& ppo, const std::pair<torch::Tensor, torch::Tensor>& start, bool resets) {
  torch::NoGradGuard no_grad;
  PolicyNet actor = ppo.policy()->actor;
  const auto kept = actor->memory->State();
  actor->memory->SetState(start);
  const auto& s = ppo.storage();
  double kl = 0;
  for (int t = 0; t < s.num_steps_; ++t) {
    const ActionDistribution d = actor->Distribution(s.observations[t]);
    kl += GaussianKl(s.action_mean[t], s.action_std[t], d.mean, d.std).item<double>();
    if (resets) actor->Reset(s.dones[t]);
  }
  actor->memory->SetState(kept);
  return kl / s.num_steps_;
}

TEST(PpoTest, ARecurrentActorLearnsFromItsMemoryReplayedThroughTheRollout) {
  torch::manual_seed(3);
  const int steps = 6, envs = 4;
  CriticConfig critic;
  critic.hidden = {8};
  ActorCritic policy(PolicySpec{2, 1, NetConfig({8}, 0.1, MemoryType::kLstm)}, ValueSpec{2, critic});
  PpoConfig config;
  config.schedule = Schedule::kAdaptive;  // reports KL(rollout || replay) before each step
  config.num_learning_epochs = 1;
  config.num_mini_batches = 1;
  config.symmetry_augmentation = false;
  Ppo ppo(policy, config, steps, envs, PpoSets());
  for (int rollout = 0; rollout < 2; ++rollout) {
    const auto start = policy->actor->memory->State();
    for (int t = 0; t < steps; ++t) {
      const auto o = torch::randn({envs, 2});
      const ObsMap obs = {{"policy", o}, {"critic", o}};
      ppo.Act(obs);
      auto done = torch::zeros({envs, 1});
      if (t == 2) done[1] = 1;  // env 1 ends an episode at step 2, env 3 at step 4
      if (t == 4) done[3] = 1;
      ppo.ProcessStep({obs, obs, torch::randn({envs, 1}), done, torch::zeros({envs, 1})});
    }
    const auto o = torch::randn({envs, 2});
    ppo.ComputeReturns({{"policy", o}, {"critic", o}});
    // the test can fail: the memory matters here, so a replay from another state or without
    // the restarts would not give the rollout's distributions back
    EXPECT_LT(ReplayKl(ppo, start, true), 1e-10);
    if (rollout == 1) {
      EXPECT_GT(ReplayKl(ppo, {torch::Tensor(), torch::Tensor()}, true), 1e-5);
    }
    EXPECT_GT(ReplayKl(ppo, start, false), 1e-5);
    const auto end = policy->actor->memory->State();
    const Stats stats = ppo.Update();
    EXPECT_LT(stats.at("kl"), 1e-10) << "rollout " << rollout;  // the update's own replay
    EXPECT_TRUE(std::isfinite(stats.at("surrogate_loss")));
    // acting goes on from where the rollout left the memory
    EXPECT_TRUE(torch::equal(policy->actor->memory->State().first, end.first));
    EXPECT_TRUE(torch::equal(policy->actor->memory->State().second, end.second));
  }
  // whole-env mini-batches: no more than the envs; no mirror for a sequence
  config.num_mini_batches = 5;
  EXPECT_NE(ConfigErrorOf([&] { Ppo(policy, config, steps, envs, PpoSets()); })
                .find("mini-batches of whole envs from 4 envs"),
            std::string::npos);
  config.num_mini_batches = 2;
  config.symmetry_augmentation = true;
  EXPECT_NE(ConfigErrorOf([&] { Ppo(policy, config, steps, envs, PpoSets()); })
                .find("not with a recurrent actor"),
            std::string::npos);
}

TEST(NormalizerTest, RunningStatisticsMatchTheWholeData) {
  EmpiricalNormalizer normalizer(1);
  normalizer->train();
  normalizer->Update(torch::tensor({{1.0f}, {3.0f}}));
  normalizer->Update(torch::tensor({{5.0f}, {7.0f}, {9.0f}}));
  // all five: mean 5, population variance (16 + 4 + 0 + 4 + 16) / 5 = 8
  EXPECT_NEAR(normalizer->mean.item<float>(), 5.0f, 1e-5);
  EXPECT_NEAR(normalizer->var.item<float>(), 8.0f, 1e-5);
  EXPECT_EQ(normalizer->count.item<double>(), 5.0);
  EXPECT_NEAR(normalizer->forward(torch::tensor({{7.0f}})).item<float>(),
              2.0f / (std::sqrt(8.0f) + 0.01f), 1e-5);
  normalizer->eval();  // frozen in eval
  normalizer->Update(torch::tensor({{100.0f}}));
  EXPECT_NEAR(normalizer->mean.item<float>(), 5.0f, 1e-5);
}

}  // namespace
}  // namespace tutor::testing
