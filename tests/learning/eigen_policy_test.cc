#include "learning/eigen_policy.h"

#include <gtest/gtest.h>

#include "learning/export.h"
#include "tests/learning/point_mass_env.h"

namespace tutor::testing {
namespace {

// a random network with non-trivial normalizer statistics, exported and run by both runtimes
void ExpectEigenMatchesTorch(const std::string& memory, const std::string& activation) {
  torch::manual_seed(11);
  PointMassEnv env(1);
  EnvLayout layout = env.Layout();
  PolicySpec spec;
  spec.obs = 2;
  spec.actions = 1;
  spec.hidden = {32, 16};
  spec.activation = activation;
  spec.memory = memory;
  spec.memory_size = 12;
  spec.memory_layers = memory == "none" ? 1 : 2;
  PolicyNet net(spec);
  net->normalizer->train();
  net->normalizer->Update(torch::randn({100, 2}) * 3 + 1);
  net->eval();
  const std::string path = ::testing::TempDir() + "policy_" + memory + ".txt";
  ExportPolicy(net, layout, "policy", path);
  auto eigen = deploy::EigenPolicy::Load(path);
  EXPECT_EQ(eigen.obs_dim(), 2);
  EXPECT_EQ(eigen.num_actions(), 1);
  EXPECT_EQ(eigen.group(), "policy");
  EXPECT_EQ(eigen.terms()[1].name, "velocity");
  EXPECT_FLOAT_EQ(eigen.control_dt(), 0.1f);
  EXPECT_EQ(eigen.recurrent(), memory != "none");

  torch::NoGradGuard no_grad;
  double worst = 0;
  for (int step = 0; step < 30; ++step) {  // a sequence: recurrent state must follow along
    const auto obs = torch::randn({1, 2}) * 2;
    const auto expected = net->forward(obs);
    Eigen::VectorXf x(2);
    x << obs[0][0].item<float>(), obs[0][1].item<float>();
    const Eigen::VectorXf& action = eigen.Act(x);
    worst = std::max(worst, std::abs(action[0] - expected[0][0].item<double>()));
  }
  EXPECT_LE(worst, 1e-5) << memory << " " << activation;
}

TEST(EigenPolicyTest, FeedForwardMatchesLibTorch) { ExpectEigenMatchesTorch("none", "elu"); }
TEST(EigenPolicyTest, OtherActivationsMatchLibTorch) {
  for (const char* a : {"relu", "tanh", "selu", "silu", "gelu", "leaky_relu", "sigmoid"})
    ExpectEigenMatchesTorch("none", a);
}
TEST(EigenPolicyTest, LstmMatchesLibTorchOverASequence) { ExpectEigenMatchesTorch("lstm", "elu"); }
TEST(EigenPolicyTest, GruMatchesLibTorchOverASequence) { ExpectEigenMatchesTorch("gru", "elu"); }

TEST(EigenPolicyTest, TruncatedFileIsAnError) {
  const std::string path = ::testing::TempDir() + "truncated.txt";
  std::ofstream(path) << "tutor-policy 1\ngroup policy 2\ntensor normalizer.mean 1 2\n0.5\n";
  EXPECT_THROW(deploy::EigenPolicy::Load(path), std::runtime_error);
  EXPECT_THROW(deploy::EigenPolicy::Load(::testing::TempDir() + "none.txt"), std::runtime_error);
}

}  // namespace
}  // namespace tutor::testing
