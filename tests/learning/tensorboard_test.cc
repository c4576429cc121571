#include "learning/tensorboard.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "learning/metrics_log.h"

namespace tutor::testing {
namespace {

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(TensorBoardTest, Crc32cOfTheStandardCheckString) {
  // the check value of CRC-32C (Castagnoli) for "123456789"
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(Crc32c("", 0), 0u);
  // TFRecord's mask: rotate right by 15, add 0xa282ead8
  const uint32_t crc = 0xE3069283u;
  EXPECT_EQ(MaskedCrc32c("123456789", 9), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(TensorBoardTest, ScalarsRoundTripAndAResumeDropsTheStepsAfterIt) {
  const std::string dir = FreshDir("tb_resume");
  std::string path;
  {
    TensorBoardWriter writer(dir);
    path = writer.path();
    EXPECT_NE(path.find("tfevents"), std::string::npos);
    for (int step = 1; step <= 5; ++step)
      writer.WriteScalars(step, {{"Train/mean_reward", 0.5 * step}, {"Loss/kl", -step}});
  }
  {
    TensorBoardWriter resumed(dir, 3);  // a run killed after step 5, resumed from step 3
    EXPECT_EQ(resumed.path(), path);
    resumed.WriteScalars(4, {{"Train/mean_reward", 40.0}});
  }
  const auto scalars = ReadTensorBoardScalars(path);
  ASSERT_EQ(scalars.size(), 7u);  // steps 1-3 with two tags, then the new step 4
  EXPECT_EQ(scalars[0].step, 1);
  EXPECT_EQ(scalars[0].tag, "Train/mean_reward");
  EXPECT_FLOAT_EQ(scalars[0].value, 0.5f);
  EXPECT_EQ(scalars[5].step, 3);
  EXPECT_FLOAT_EQ(scalars[5].value, -3.0f);
  EXPECT_EQ(scalars[6].step, 4);
  EXPECT_FLOAT_EQ(scalars[6].value, 40.0f);
  // the first record is the file version TensorBoard expects
  std::ifstream in(path, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), 64);
  EXPECT_NE(head.find("brain.Event:2"), std::string::npos);
}

TEST(TensorBoardTest, ACorruptedRecordIsNamed) {
  const std::string dir = FreshDir("tb_corrupt");
  std::string path;
  {
    TensorBoardWriter writer(dir);
    path = writer.path();
    writer.WriteScalars(1, {{"Train/mean_reward", 1.0}});
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(-6, std::ios::end);
  file.put('\x7f');  // a byte of the last event's data
  file.close();
  try {
    ReadTensorBoardScalars(path);
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("record 1: data CRC mismatch"), std::string::npos)
        << e.what();
  }
}

TEST(MetricsLogTest, FixedColumnsAndAResumeKeepsRowsUpToItsIteration) {
  const std::string dir = FreshDir("metrics_resume");
  {
    MetricsLog log(dir, {"iteration", "mean_return", "value_loss"}, 0);
    log.Write(1, {{"iteration", 1}, {"mean_return", 2.0}});  // no loss: an empty cell
    for (int i = 2; i <= 4; ++i)
      log.Write(i, {{"iteration", i}, {"mean_return", 2.0 * i}, {"value_loss", 0.5}});
  }
  {
    MetricsLog resumed(dir, {"iteration", "mean_return", "value_loss"}, 2);
    resumed.Write(3, {{"iteration", 3}, {"mean_return", 33.0}, {"value_loss", 0.25}});
  }
  std::ifstream csv(dir + "/metrics.csv");
  std::string text((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "iteration,mean_return,value_loss\n1,2,\n2,4,0.5\n3,33,0.25\n");
  const auto scalars = ReadTensorBoardScalars(MetricsLog(dir, {"iteration", "mean_return",
                                                               "value_loss"}, 3).event_path());
  ASSERT_EQ(scalars.size(), 5u);  // 1: return; 2: return, loss; 3: return, loss
  EXPECT_EQ(scalars[0].tag, "Train/mean_reward");
  EXPECT_EQ(scalars[2].tag, "Loss/value_function");
  EXPECT_FLOAT_EQ(scalars[3].value, 33.0f);
}

}  // namespace
}  // namespace tutor::testing
