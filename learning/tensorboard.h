#ifndef TUTOR_LEARNING_TENSORBOARD_H_
#define TUTOR_LEARNING_TENSORBOARD_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace tutor {

// CRC-32C (Castagnoli), and TFRecord's mask of it: ((crc >> 15) | (crc << 17)) + 0xa282ead8
uint32_t Crc32c(const void* data, size_t size);
uint32_t MaskedCrc32c(const void* data, size_t size);

// One TensorBoard event file in a log dir (`events.out.tfevents.<time>.tutor`): TFRecord
// framing (length, masked CRC of the length, the Event, masked CRC of the Event), first record
// `brain.Event:2`, then one Event of scalar summaries per logged step. Flushed after each step.
class TensorBoardWriter {
 public:
  // opens the dir's event file, or starts one. `keep_through_step` >= 0 (a resumed run): the
  // records of later steps are dropped first, so the curve continues from the checkpoint
  // instead of repeating the steps a killed run had logged after it
  TensorBoardWriter(const std::string& log_dir, int64_t keep_through_step = -1);

  void WriteScalars(int64_t step, const std::vector<std::pair<std::string, double>>& scalars);
  const std::string& path() const { return path_; }

 private:
  void WriteRecord(const std::string& data);

  std::string path_;
  std::ofstream out_;
};

// the (step, tag, value) scalars of an event file written by TensorBoardWriter (tests, resume);
// CheckpointError on a broken record
struct TensorBoardScalar {
  int64_t step;
  std::string tag;
  float value;
};
std::vector<TensorBoardScalar> ReadTensorBoardScalars(const std::string& path);

}  // namespace tutor

#endif  // TUTOR_LEARNING_TENSORBOARD_H_
