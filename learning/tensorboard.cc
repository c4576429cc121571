#include "learning/tensorboard.h"

#include <chrono>
#include <filesystem>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "learning/tensorboard.pb.h"

namespace tutor {
namespace {

// the reflected CRC-32C table (polynomial 0x82F63B78)
const uint32_t* Crc32cTable() {
  static const auto table = [] {
    std::vector<uint32_t> t(256);
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t crc = i;
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
      t[i] = crc;
    }
    return t;
  }();
  return table.data();
}

std::string LittleEndian(uint64_t value, int bytes) {
  std::string out(bytes, '\0');
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

uint64_t FromLittleEndian(const std::string& bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes.size(); ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return value;
}

// TFRecord framing of one record
std::string Frame(const std::string& data) {
  const std::string length = LittleEndian(data.size(), 8);
  return length + LittleEndian(MaskedCrc32c(length.data(), 8), 4) + data +
         LittleEndian(MaskedCrc32c(data.data(), data.size()), 4);
}

// every record of a TFRecord file; CheckpointError naming the file on a bad length or CRC
std::vector<std::string> ReadRecords(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError(path + ": cannot read the event file");
  std::vector<std::string> records;
  std::string header(12, '\0');
  while (in.read(header.data(), 12)) {
    const std::string length = header.substr(0, 8);
    if (FromLittleEndian(header.substr(8, 4)) != MaskedCrc32c(length.data(), 8))
      throw CheckpointError(path + ": record " + std::to_string(records.size()) +
                            ": length CRC mismatch");
    std::string data(FromLittleEndian(length), '\0'), crc(4, '\0');
    if (!in.read(data.data(), data.size()) || !in.read(crc.data(), 4))
      throw CheckpointError(path + ": record " + std::to_string(records.size()) + " truncated");
    if (FromLittleEndian(crc) != MaskedCrc32c(data.data(), data.size()))
      throw CheckpointError(path + ": record " + std::to_string(records.size()) +
                            ": data CRC mismatch");
    records.push_back(std::move(data));
  }
  return records;
}

double WallTime() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// the dir's event file, "" when it has none
std::string FindEventFile(const std::string& log_dir) {
  std::string found;
  for (const auto& entry : std::filesystem::directory_iterator(log_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find("tfevents") != std::string::npos && name.find(".tmp") == std::string::npos &&
        (found.empty() || entry.path().string() < found))
      found = entry.path().string();
  }
  return found;
}

}  // namespace

uint32_t Crc32c(const void* data, size_t size) {
  const uint32_t* table = Crc32cTable();
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

uint32_t MaskedCrc32c(const void* data, size_t size) {
  const uint32_t crc = Crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

TensorBoardWriter::TensorBoardWriter(const std::string& log_dir, int64_t keep_through_step) {
  std::filesystem::create_directories(log_dir);
  path_ = FindEventFile(log_dir);
  if (path_.empty()) {
    // a new file: TensorBoard reads every file whose name contains "tfevents"
    path_ = log_dir + "/events.out.tfevents." + std::to_string(static_cast<int64_t>(WallTime())) +
            ".tutor";
    tensorboard::Event version;
    version.set_wall_time(WallTime());
    version.set_file_version("brain.Event:2");
    WriteTextAtomically(path_, "event file", Frame(version.SerializeAsString()));
  } else {
    // an existing file keeps its version record and the steps up to `keep_through_step`
    std::string kept;
    for (const auto& record : ReadRecords(path_)) {
      tensorboard::Event event;
      if (!event.ParseFromString(record))
        throw CheckpointError(path_ + ": a record is not a TensorBoard event");
      if (event.has_summary() && event.step() > keep_through_step) continue;
      kept += Frame(record);
    }
    WriteTextAtomically(path_, "event file", kept);
  }
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw CheckpointError(path_ + ": cannot append to the event file");
}

void TensorBoardWriter::WriteScalars(int64_t step,
                                     const std::vector<std::pair<std::string, double>>& scalars) {
  tensorboard::Event event;
  event.set_wall_time(WallTime());
  event.set_step(step);
  tensorboard::Summary* summary = event.mutable_summary();
  for (const auto& [tag, value] : scalars) {
    tensorboard::SummaryValue* v = summary->add_value();
    v->set_tag(tag);
    v->set_simple_value(static_cast<float>(value));
  }
  WriteRecord(event.SerializeAsString());
}

void TensorBoardWriter::WriteRecord(const std::string& data) {
  out_ << Frame(data);
  out_.flush();
  if (!out_) throw CheckpointError(path_ + ": cannot write the event file");
}

std::vector<TensorBoardScalar> ReadTensorBoardScalars(const std::string& path) {
  std::vector<TensorBoardScalar> scalars;
  for (const auto& record : ReadRecords(path)) {
    tensorboard::Event event;
    if (!event.ParseFromString(record))
      throw CheckpointError(path + ": a record is not a TensorBoard event");
    for (const auto& v : event.summary().value())
      scalars.push_back({event.step(), v.tag(), v.simple_value()});
  }
  return scalars;
}

}  // namespace tutor
