#include "learning/ppo.h"

#include <gtest/gtest.h>

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
