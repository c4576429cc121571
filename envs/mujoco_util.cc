#include "envs/mujoco_util.h"

#include <fstream>

#include "core/error.h"

namespace tutor {

ModelPtr LoadModel(const std::string& path) {
  if (!std::ifstream(path).good()) throw ModelError(path + ": MJCF file not found");
  char error[1024] = "";
  ModelPtr model(mj_loadXML(path.c_str(), nullptr, error, sizeof(error)));
  if (!model) throw ModelError(path + ": MuJoCo could not load the model: " + error);
  if (error[0] != '\0') throw ModelError(path + ": MuJoCo warned while compiling: " + error);
  return model;
}

ModelPtr CopyModel(const mjModel* model) {
  ModelPtr copy(mj_copyModel(nullptr, model));
  if (!copy) throw ModelError("mj_copyModel failed (out of memory?)");
  return copy;
}

DataPtr MakeData(const mjModel* model) {
  DataPtr data(mj_makeData(model));
  if (!data) throw ModelError("mj_makeData failed (out of memory?)");
  return data;
}

int ObjectId(const mjModel* model, mjtObj type, const std::string& name) {
  return mj_name2id(model, type, name.c_str());
}

}  // namespace tutor
