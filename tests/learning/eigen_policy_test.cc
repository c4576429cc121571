#include "learning/eigen_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "learning/export.h"
#include "tests/learning/learning_test_util.h"
#include "tests/learning/point_mass_env.h"

namespace tutor::testing {
namespace {

// a random network with non-trivial normalizer statistics, exported and run by both runtimes
void ExpectEigenMatchesTorch(const std::string& memory, const std::string& activation) {
  torch::manual_seed(11);
  PointMassEnv env(1);
  EnvLayout layout = env.Layout();
  PolicySpec spec{2, 1, NetConfig({32, 16}, 1.0)};
  ASSERT_TRUE(ParseChoice(Activations(), activation, &spec.config.activation));
  ASSERT_TRUE(ParseChoice(MemoryTypes(), memory, &spec.config.memory));
  spec.config.memory_size = 12;
  spec.config.memory_layers = memory == "none" ? 1 : 2;
  PolicyNet net(spec);
  net->normalizer->train();
  net->normalizer->Update(torch::randn({100, 2}) * 3 + 1);
  net->eval();
  // ctest runs tests as parallel processes: a file name per test, or two tests that export
  // the same memory type race on one file
  const std::string path = ::testing::TempDir() + "policy_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           memory + "_" + activation + ".txt";
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

// an exported feed-forward policy and the text of its file
std::string ExportSmall(const std::string& name, double action_clip, float output_bias) {
  torch::manual_seed(12);
  PointMassEnv env(1);
  EnvLayout layout = env.Layout();
  layout.action_clip = action_clip;
  PolicyNet net(PolicySpec{2, 1, NetConfig({8}, 1.0)});
  {
    torch::NoGradGuard no_grad;
    net->mlp->named_parameters()["layers.2.bias"].fill_(output_bias);
    net->mlp->named_parameters()["layers.2.weight"].zero_();
  }
  const std::string path = ::testing::TempDir() + name;
  ExportPolicy(net, layout, "policy", path);
  return path;
}

TEST(EigenPolicyTest, ActionsAreClampedToTheEnvsActionClip) {
  // the network outputs 7.5 whatever it sees; the env clamps to ±0.5 before scaling and
  // feeds the clamped action back as last_action, so the runtime must return 0.5
  const std::string path = ExportSmall("clipped.txt", 0.5, 7.5f);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\naction_clip 0.5\n"), std::string::npos);
  auto eigen = deploy::EigenPolicy::Load(path);
  EXPECT_FLOAT_EQ(eigen.action_clip(), 0.5f);
  EXPECT_FLOAT_EQ(eigen.Act(Eigen::VectorXf::Zero(2))[0], 0.5f);
  auto negative = deploy::EigenPolicy::Load(ExportSmall("clipped_neg.txt", 0.5, -7.5f));
  EXPECT_FLOAT_EQ(negative.Act(Eigen::VectorXf::Zero(2))[0], -0.5f);
  // an unclipped env (no clip recorded) passes the output through
  auto unclipped = deploy::EigenPolicy::Load(ExportSmall("unclipped.txt",
                                                         std::numeric_limits<double>::infinity(),
                                                         7.5f));
  EXPECT_FLOAT_EQ(unclipped.Act(Eigen::VectorXf::Zero(2))[0], 7.5f);
}

TEST(EigenPolicyTest, APolicyThatReadsTheGaitClockCarriesIt) {
  torch::manual_seed(3);
  PointMassEnv env(1);
  EnvLayout layout = env.Layout();
  GroupLayout& group = layout.groups[0];
  ASSERT_EQ(group.name, "policy");
  group.terms.push_back({"gait_phase", group.width, 2, 0.5, 0.0});
  group.width += 2;
  layout.gait_period = 0.5;
  layout.gait_offsets = {0.0, 0.5};
  layout.gait_stance = 0.5;
  PolicyNet net(PolicySpec{4, 1, NetConfig({8}, 1.0)});
  const std::string path = ::testing::TempDir() + "clock.txt";
  ExportPolicy(net, layout, "policy", path);
  auto eigen = deploy::EigenPolicy::Load(path);
  EXPECT_FLOAT_EQ(eigen.gait_period(), 0.5f);
  ASSERT_EQ(eigen.gait_offsets().size(), 2u);
  EXPECT_FLOAT_EQ(eigen.gait_offsets()[1], 0.5f);
  // t = 0.3 s of a 0.5 s cycle: phase 0.6; the term's scale 0.5 applies, other entries untouched
  Eigen::VectorXf obs = Eigen::VectorXf::Constant(4, 9.0f);
  eigen.WriteGaitPhase(0.3, &obs);
  EXPECT_FLOAT_EQ(obs[0], 9.0f);
  EXPECT_FLOAT_EQ(obs[1], 9.0f);
  EXPECT_NEAR(obs[2], 0.5 * std::sin(2 * M_PI * 0.6), 1e-6);
  EXPECT_NEAR(obs[3], 0.5 * std::cos(2 * M_PI * 0.6), 1e-6);
  // without the term, no clock is written (and none runs)
  auto plain = deploy::EigenPolicy::Load(ExportSmall("no_clock.txt", 0.5, 1.0f));
  EXPECT_FLOAT_EQ(plain.gait_period(), 0.0f);
}

// rewrites one tensor header of an exported file as `rows cols` (the numbers left as they are,
// so the count still parses when rows * cols is unchanged)
std::string WithTensorShape(const std::string& path, const std::string& tensor, int rows,
                            int cols) {
  std::ifstream in(path);
  std::stringstream out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("tensor " + tensor + " ", 0) == 0)
      line = "tensor " + tensor + " " + std::to_string(rows) + " " + std::to_string(cols);
    out << line << "\n";
  }
  const std::string changed = path + "." + tensor;
  std::ofstream(changed) << out.str();
  return changed;
}

TEST(EigenPolicyTest, EveryTensorShapeIsCheckedAndNamed) {
  const std::string path = ExportSmall("shapes.txt", 5.0, 0.0f);
  EXPECT_NO_THROW(deploy::EigenPolicy::Load(path));
  // mlp.0.weight is 8x2; as 2x8 (same count) it would multiply garbage, as 4x4 too
  for (auto [tensor, rows, cols] :
       {std::tuple{"mlp.0.weight", 2, 8}, {"mlp.0.weight", 4, 4}, {"mlp.1.weight", 8, 1},
        {"mlp.0.bias", 2, 4}, {"normalizer.var", 2, 1}}) {
    try {
      deploy::EigenPolicy::Load(WithTensorShape(path, tensor, rows, cols));
      ADD_FAILURE() << tensor << " as " << rows << "x" << cols << " loaded";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(tensor), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tutor::testing
