// Warm start: columns matched by term name, a widened network computing on the new observation
// what the checkpoint's computed on the old columns, architecture differences named.

#include "learning/warm_start.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "learning/policy.h"
#include "tests/learning/learning_test_util.h"

namespace tutor::testing {
namespace {

GroupLayout Group(const std::string& name, std::vector<std::pair<std::string, int>> terms) {
  GroupLayout g;
  g.name = name;
  for (const auto& [term, width] : terms) {
    TermLayout t;
    t.name = term, t.offset = g.width, t.width = width;
    g.terms.push_back(t);
    g.width += width;
  }
  return g;
}

TEST(WarmStartTest, ColumnsFollowTheTermsByName) {
  const GroupLayout from = Group("teacher", {{"a", 3}, {"b", 2}});
  const GroupLayout to = Group("teacher", {{"b", 2}, {"a", 3}, {"height_scan", 4}});
  EXPECT_EQ(MapGroupColumns(from, to, "x"), (std::vector<int64_t>{2, 3, 4, 0, 1}));
  try {
    MapGroupColumns(to, from, "--init c.pt actor");
    FAIL() << "a dropped term must be an error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("term 'height_scan'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--init c.pt actor"), std::string::npos) << e.what();
  }
  GroupLayout rescaled = to;
  rescaled.terms[1].scale = 0.5;
  EXPECT_THROW(MapGroupColumns(from, rescaled, "x"), ConfigError);
}

// random weights and normalizer statistics (so a copy that ignored them would show)
void Randomize(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters()) p.copy_(torch::randn_like(p) * 0.5);
  for (const auto& b : net.named_buffers()) {
    if (b.key().find("mean") != std::string::npos) b.value().copy_(torch::randn_like(b.value()));
    if (b.key().find("var") != std::string::npos) b.value().copy_(torch::rand_like(b.value()) + 0.5);
    if (b.key().find("count") != std::string::npos) b.value().fill_(1000.0);
  }
}

// from 5 to 9 observations, the old ones moved: the same actions (and, recurrent, the same
// actions at every step), whatever the new columns hold
void ExpectSameOutputs(MemoryType memory) {
  torch::manual_seed(3);
  const std::vector<int64_t> columns = {6, 0, 1, 8, 3};
  PolicyNet old(PolicySpec{5, 2, NetConfig({16, 8}, 0.7, memory)});
  PolicyNet widened(PolicySpec{9, 2, NetConfig({16, 8}, 0.7, memory)});
  Randomize(*old);
  const WarmStartReport report = CopyWithColumns(*old, *widened, columns, 9, "test");
  EXPECT_EQ(report.added_columns, 4);
  EXPECT_EQ(report.widened, 3);  // mean, var and the input weights
  const auto index = torch::tensor(columns, torch::kInt64);
  for (int step = 0; step < 3; ++step) {
    const torch::Tensor obs = torch::randn({4, 9}) * 3;
    const torch::Tensor expected = old->forward(obs.index_select(1, index));
    const torch::Tensor got = widened->forward(obs);
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5) << "step " << step;
  }
  // the new columns: mean 0, var 1, the sample count restarted
  const torch::Tensor mean = widened->normalizer->mean, var = widened->normalizer->var;
  for (int64_t c : {2, 4, 5, 7}) {
    EXPECT_EQ(mean[c].item<float>(), 0.0f);
    EXPECT_EQ(var[c].item<float>(), 1.0f);
  }
  EXPECT_EQ(widened->normalizer->count.item<double>(), 0.0);
  EXPECT_EQ(widened->std_param.sizes(), old->std_param.sizes());
  EXPECT_TRUE(torch::equal(widened->std_param, old->std_param));
}

TEST(WarmStartTest, AWidenedMlpActsOnTheOldColumnsAsTheCheckpointDid) {
  ExpectSameOutputs(MemoryType::kNone);
}

TEST(WarmStartTest, AWidenedLstmActsOnTheOldColumnsAsTheCheckpointDid) {
  ExpectSameOutputs(MemoryType::kLstm);
}

TEST(WarmStartTest, AWidenedCriticValuesTheOldColumnsAsTheCheckpointDid) {
  torch::manual_seed(4);
  CriticConfig config;
  config.hidden = {12, 6};
  ValueNet old(ValueSpec{3, config});
  ValueNet widened(ValueSpec{5, config});
  Randomize(*old);
  const std::vector<int64_t> columns = {0, 1, 4};
  CopyWithColumns(*old, *widened, columns, 5, "test");
  const torch::Tensor obs = torch::randn({6, 5});
  const torch::Tensor expected = old->forward(obs.index_select(1, torch::tensor(columns)));
  EXPECT_LT((widened->forward(obs) - expected).abs().max().item<double>(), 1e-5);
}

TEST(WarmStartTest, AnotherArchitectureIsNamed) {
  PolicyNet old(PolicySpec{5, 2, NetConfig({16, 8}, 0.7)});
  PolicyNet wider(PolicySpec{6, 2, NetConfig({32, 8}, 0.7)});
  try {
    CopyWithColumns(*old, *wider, {0, 1, 2, 3, 4}, 6, "--init c.pt actor");
    FAIL() << "another hidden size must be an error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mlp.layers.0.weight is [16, 5] in the checkpoint and "
                                         "[32, 6]"),
              std::string::npos)
        << e.what();
  }
  PolicyNet recurrent(PolicySpec{6, 2, NetConfig({16, 8}, 0.7, MemoryType::kLstm)});
  EXPECT_THROW(CopyWithColumns(*old, *recurrent, {0, 1, 2, 3, 4}, 6, "x"), ConfigError);
  PolicyNet more_actions(PolicySpec{6, 3, NetConfig({16, 8}, 0.7)});
  EXPECT_THROW(CopyWithColumns(*old, *more_actions, {0, 1, 2, 3, 4}, 6, "x"), ConfigError);
}

}  // namespace
}  // namespace tutor::testing
