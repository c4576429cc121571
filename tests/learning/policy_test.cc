#include "learning/policy.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "learning/policy_loading.h"
#include "learning/torch_threads.h"
#include "tests/learning/learning_test_util.h"

namespace tutor::testing {
namespace {

// checkpoints of the first format (the teacher and FF student shipped before the realistic
// robot), kept as fixtures for the format-1 reader
std::string FormatOneFixture(const std::string& name) {
  return std::string(TUTOR_SOURCE_DIR) + "/tests/learning/fixtures/format1_" + name;
}

TEST(PolicyNetTest, ScalarStdKeepsItsGradientNearZeroAndFailsLoudlyAtZero) {
  PolicyNet net(PolicySpec{2, 1, NetConfig({4}, 1.0)});
  ASSERT_EQ(net->spec.config.std_type, StdType::kScalar);
  // below 1e-4 a clamp used to hold the std still with a zero gradient: d log N / d sigma at
  // a = mu is -1 / sigma, so the gradient must be -1e5 here
  {
    torch::NoGradGuard no_grad;
    net->std_param.fill_(1e-5);
  }
  const auto obs = torch::zeros({1, 2});
  const ActionDistribution dist = net->Distribution(obs);
  EXPECT_FLOAT_EQ(dist.std.item<float>(), 1e-5f);
  dist.LogProb(dist.mean.detach()).sum().backward();
  EXPECT_NEAR(net->std_param.grad().item<double>(), -1e5, 1.0);
  // zero or negative: no Normal distribution exists, so no silent clamp either
  {
    torch::NoGradGuard no_grad;
    net->std_param.fill_(-0.1);
  }
  EXPECT_THROW(net->Std(), NumericalError);
  EXPECT_THROW(net->Distribution(obs), NumericalError);
}

TEST(PolicyNetTest, LogStdIsTheExponentOfItsParameter) {
  PolicyConfig config = NetConfig({4}, 0.5);
  config.std_type = StdType::kLog;
  PolicyNet net(PolicySpec{2, 3, config});
  EXPECT_NEAR(net->std_param[0].item<double>(), std::log(0.5), 1e-7);
  {
    torch::NoGradGuard no_grad;
    net->std_param.fill_(-20.0);  // far below any clamp, still a valid std
  }
  EXPECT_NEAR(net->Std()[0].item<double>(), std::exp(-20.0), 1e-15);
}

TEST(PolicyNetTest, DescriptionRoundTripsEveryField) {
  PolicyConfig config = NetConfig({7, 5}, 0.3, MemoryType::kGru, Activation::kSilu);
  config.memory_layers = 2;
  config.std_type = StdType::kLog;
  config.obs_normalization = false;
  const PolicySpec spec{11, 4, config};
  const PolicySpec back = ParsePolicySpec(DescribePolicySpec(spec), "test");
  EXPECT_EQ(back.obs, 11);
  EXPECT_EQ(back.actions, 4);
  EXPECT_EQ(back.config.hidden, config.hidden);
  EXPECT_EQ(back.config.activation, Activation::kSilu);
  EXPECT_EQ(back.config.memory, MemoryType::kGru);
  EXPECT_EQ(back.config.memory_size, 8);
  EXPECT_EQ(back.config.memory_layers, 2);
  EXPECT_EQ(back.config.std_type, StdType::kLog);
  EXPECT_FALSE(back.config.obs_normalization);
  EXPECT_DOUBLE_EQ(back.config.init_std, 0.3);
  // the actor of a PPO model is this same network type
  const ActorCritic ac = PointMassActorCritic({6}, {5}, 1.0);
  const ActorCritic ac_back = ActorCriticFromDescription(DescribeActorCritic(ac), "test");
  EXPECT_EQ(ac_back->actor->spec.config.hidden, std::vector<int>{6});
  EXPECT_EQ(ac_back->critic->spec.config.hidden, std::vector<int>{5});
}

TEST(PolicyLoadingTest, FormatOneCheckpointsLoadAndAgreeWithEachOther) {
  // format-1 checkpoints (once shipped): the PPO teacher's actor is read under its old names,
  // and the FF student's checkpoint holds a frozen copy of that same actor as its teacher, so
  // the two must act identically (an independent check of the name translation)
  LoadedPolicy teacher = LoadPolicy(FormatOneFixture("teacher.pt"));
  LoadedPolicy copy = LoadPolicy(FormatOneFixture("student_mlp.pt"), "teacher");
  LoadedPolicy student = LoadPolicy(FormatOneFixture("student_mlp.pt"));
  EXPECT_EQ(teacher.meta.format_version, 1);
  EXPECT_EQ(teacher.role, "actor");
  EXPECT_EQ(teacher.group, "teacher");
  EXPECT_EQ(copy.group, "teacher");
  EXPECT_EQ(student.group, "policy");
  EXPECT_EQ(student.meta.sets.at("teacher"), "teacher");
  EXPECT_EQ(teacher.net->spec.config.hidden, (std::vector<int>{128, 128}));
  EXPECT_DOUBLE_EQ(teacher.layout.action_clip, 5.0);  // from the stored config
  EXPECT_NE(teacher.meta.config.find("observation_sets"), std::string::npos);
  EXPECT_EQ(teacher.meta.config.find("actor_group"), std::string::npos);
  torch::NoGradGuard no_grad;
  const auto obs = torch::randn({32, teacher.net->spec.obs});
  EXPECT_TRUE(torch::equal(teacher.net->forward(obs), copy.net->forward(obs)));
  EXPECT_TRUE(torch::equal(teacher.net->normalizer->var, copy.net->normalizer->var));
  EXPECT_GT(teacher.net->normalizer->count.item<double>(), 0.0);
}

TEST(TorchThreadsGuardTest, RestoresTheCountWhenAnExceptionLeavesTheScope) {
  torch::set_num_threads(2);
  try {
    const TorchThreadsGuard one(1);
    EXPECT_EQ(torch::get_num_threads(), 1);
    throw NumericalError("a policy failed mid-evaluation");
  } catch (const NumericalError&) {
  }
  EXPECT_EQ(torch::get_num_threads(), 2);
}

}  // namespace
}  // namespace tutor::testing
