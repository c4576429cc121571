#ifndef TUTOR_ENVS_MUJOCO_UTIL_H_
#define TUTOR_ENVS_MUJOCO_UTIL_H_

#include <mujoco/mujoco.h>

#include <memory>
#include <string>

namespace tutor {

// RAII owners of MuJoCo's C structs
struct ModelDeleter {
  void operator()(mjModel* model) const { mj_deleteModel(model); }
};
struct DataDeleter {
  void operator()(mjData* data) const { mj_deleteData(data); }
};
using ModelPtr = std::unique_ptr<mjModel, ModelDeleter>;
using DataPtr = std::unique_ptr<mjData, DataDeleter>;

// loads an MJCF file; ModelError naming the file when it is missing, broken or compiles
// with a warning
ModelPtr LoadModel(const std::string& path);
ModelPtr CopyModel(const mjModel* model);
DataPtr MakeData(const mjModel* model);

// id of a named object, -1 when absent
int ObjectId(const mjModel* model, mjtObj type, const std::string& name);

}  // namespace tutor

#endif  // TUTOR_ENVS_MUJOCO_UTIL_H_
