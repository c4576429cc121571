#include "envs/terrain.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "core/error.h"

namespace tutor {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kBoxDepth = 0.05;       // m, boxes reach this far below the lowest ground
constexpr double kParkedZ = -50.0;       // m, where unused pool boxes wait
constexpr double kMinElevation = 1e-3;   // m, elevation range of a flat height field

double Lerp(const double range[2], double d) { return range[0] + (range[1] - range[0]) * d; }

// Chebyshev distance from the patch centre: the "ring" a pyramid feature is built on
double Ring(double x, double y) { return std::max(std::fabs(x), std::fabs(y)); }

// fills the height field from f(x, y)
template <typename F>
void FillHeights(TerrainPatch* patch, F height) {
  for (int r = 0; r < patch->n; ++r) {
    for (int c = 0; c < patch->n; ++c) {
      const double x = -patch->half + c * patch->cell;
      const double y = -patch->half + r * patch->cell;
      patch->heights[r * patch->n + c] = static_cast<float>(height(x, y));
    }
  }
}

// rough ground: uniform heights on a lattice of `scale` spacing, bilinear between them; the
// platform and the border stay flat at 0
void FillRough(const TerrainGeometryConfig& config, double amplitude, Rng* rng,
               TerrainPatch* patch) {
  const int m = static_cast<int>(std::ceil(config.patch_size / config.rough_scale)) + 1;
  std::vector<double> lattice(static_cast<size_t>(m) * m);
  for (double& v : lattice) v = rng->Uniform(-0.5 * amplitude, 0.5 * amplitude);
  const double inner = patch->half - config.border;
  const double platform = 0.5 * config.platform;
  FillHeights(patch, [&](double x, double y) {
    const double d = Ring(x, y);
    if (d <= platform + 1e-9 || d >= inner - 1e-9) return 0.0;  // sample spacing rounding
    const double u = (x + patch->half) / config.rough_scale;
    const double v = (y + patch->half) / config.rough_scale;
    const int i = std::min(static_cast<int>(u), m - 2);
    const int j = std::min(static_cast<int>(v), m - 2);
    const double a = u - i, b = v - j;
    const auto at = [&](int jj, int ii) { return lattice[jj * m + ii]; };
    return (1 - a) * (1 - b) * at(j, i) + a * (1 - b) * at(j, i + 1) + (1 - a) * b * at(j + 1, i) +
           a * b * at(j + 1, i + 1);
  });
}

}  // namespace

const ChoiceTable<TerrainType>& TerrainTypes() {
  static const ChoiceTable<TerrainType> table = {
      {"flat", TerrainType::kFlat},           {"slope_up", TerrainType::kSlopeUp},
      {"slope_down", TerrainType::kSlopeDown}, {"rough", TerrainType::kRough},
      {"stairs_up", TerrainType::kStairsUp},   {"stairs_down", TerrainType::kStairsDown},
      {"obstacles", TerrainType::kObstacles}};
  return table;
}

int TerrainSamplesPerSide(const TerrainGeometryConfig& config) {
  return static_cast<int>(std::lround(config.patch_size / config.cell)) + 1;
}

double TerrainPatch::HeightFieldMin() const {
  return heights.empty() ? 0.0 : *std::min_element(heights.begin(), heights.end());
}

double TerrainPatch::HeightFieldMax() const {
  return heights.empty() ? 0.0 : *std::max_element(heights.begin(), heights.end());
}

double TerrainPatch::HeightFieldHeight(double x, double y) const {
  // cell (r, c) and the fractions a (along x) and b (along y) inside it; MuJoCo splits a cell
  // into the triangles a >= b and a < b along its (r, c)-(r+1, c+1) diagonal
  const double u = std::clamp((x + half) / cell, 0.0, n - 1.0);
  const double v = std::clamp((y + half) / cell, 0.0, n - 1.0);
  const int c = std::min(static_cast<int>(u), n - 2);
  const int r = std::min(static_cast<int>(v), n - 2);
  const double a = u - c, b = v - r;
  const double h00 = heights[r * n + c], h01 = heights[r * n + c + 1];
  const double h10 = heights[(r + 1) * n + c], h11 = heights[(r + 1) * n + c + 1];
  if (a >= b) return h00 + a * (h01 - h00) + b * (h11 - h01);
  return h00 + b * (h10 - h00) + a * (h11 - h10);
}

double TerrainPatch::GroundHeight(double x, double y) const {
  double z = HeightFieldHeight(x, y);
  for (const TerrainBox& box : boxes) {
    if (std::fabs(x - box.cx) <= box.hx && std::fabs(y - box.cy) <= box.hy) z = std::max(z, box.top);
  }
  return z;
}

double TerrainDifficulty(const TerrainGeometryConfig& config, int level) {
  if (config.levels <= 1) return 1.0;
  return std::clamp(level, 0, config.levels - 1) / static_cast<double>(config.levels - 1);
}

int StairCount(const TerrainGeometryConfig& config, int level) {
  const double tread = Lerp(config.stair_tread, TerrainDifficulty(config, level));
  const double room = 0.5 * config.patch_size - config.border - 0.5 * config.platform;
  return std::max(0, static_cast<int>(std::floor(room / tread + 1e-9)));
}

int MaxTerrainBoxes(const TerrainGeometryConfig& config) {
  int stairs = 0;
  for (int level = 0; level < std::max(config.levels, 1); ++level) {
    stairs = std::max(stairs, StairCount(config, level));
  }
  return std::max(4 * stairs, config.obstacle_count);
}

TerrainPatch GenerateTerrain(const TerrainGeometryConfig& config, TerrainType type, int level,
                             Rng* rng) {
  TerrainPatch patch;
  patch.n = TerrainSamplesPerSide(config);
  patch.half = 0.5 * config.patch_size;
  patch.cell = config.patch_size / (patch.n - 1);
  patch.heights.assign(static_cast<size_t>(patch.n) * patch.n, 0.0f);
  const double d = TerrainDifficulty(config, level);
  const double platform = 0.5 * config.platform;   // half side of the start square
  const double inner = patch.half - config.border;  // where the flat border begins
  switch (type) {
    case TerrainType::kFlat:
      break;
    case TerrainType::kSlopeUp:
    case TerrainType::kSlopeDown: {
      // a pyramid (up) or a pit (down) of constant slope between the platform and the border
      const double sign = type == TerrainType::kSlopeUp ? 1.0 : -1.0;
      const double grade = std::tan(Lerp(config.slope_deg, d) * kPi / 180.0);
      FillHeights(&patch, [&](double x, double y) {
        return sign * grade * std::clamp(Ring(x, y) - platform, 0.0, inner - platform);
      });
      break;
    }
    case TerrainType::kRough:
      FillRough(config, Lerp(config.rough_height, d), rng, &patch);
      break;
    case TerrainType::kStairsDown:
    case TerrainType::kStairsUp: {
      // ring k = 1..N (Chebyshev distance from platform + (k-1) tread to platform + k tread)
      // stands at -k riser (down) or +k riser (up); the last ring reaches the patch edge
      const double riser = Lerp(config.stair_height, d);
      const double tread = Lerp(config.stair_tread, d);
      const int steps = StairCount(config, level);
      if (type == TerrainType::kStairsDown) {
        // the ground is the lowest step; nested squares j = 0..N-1 (half side platform +
        // j tread, top -j riser) stack the higher ones on it
        const float bottom = static_cast<float>(-steps * riser);
        std::fill(patch.heights.begin(), patch.heights.end(), bottom);
        for (int j = 0; j < steps; ++j) {
          const double h = platform + j * tread;
          patch.boxes.push_back({0.0, 0.0, h, h, -j * riser});
        }
      } else {
        // the ground is the platform; ring k is a square frame from platform + (k-1) tread to
        // the patch edge, four boxes, its top +k riser; inner frames lie on the outer ones
        for (int k = 1; k <= steps; ++k) {
          const double r0 = platform + (k - 1) * tread;
          const double w = 0.5 * (patch.half - r0);  // half width of the frame's band
          const double mid = 0.5 * (patch.half + r0);
          const double top = k * riser;
          patch.boxes.push_back({0.0, mid, patch.half, w, top});
          patch.boxes.push_back({0.0, -mid, patch.half, w, top});
          patch.boxes.push_back({mid, 0.0, w, r0, top});
          patch.boxes.push_back({-mid, 0.0, w, r0, top});
        }
      }
      break;
    }
    case TerrainType::kObstacles: {
      // square blocks of random side and 0.5-1x the level's height, off the platform, inside
      // the border
      const double height = Lerp(config.obstacle_height, d);
      for (int i = 0; i < config.obstacle_count; ++i) {
        const double side = rng->Uniform(config.obstacle_width[0], config.obstacle_width[1]);
        const double h = 0.5 * side;
        const double top = height * rng->Uniform(0.5, 1.0);
        const double reach = std::max(inner - h, 0.0);
        for (int attempt = 0; attempt < 100; ++attempt) {
          const double cx = rng->Uniform(-reach, reach);
          const double cy = rng->Uniform(-reach, reach);
          if (Ring(cx, cy) - h > platform) {
            patch.boxes.push_back({cx, cy, h, h, top});
            break;
          }
        }
      }
      break;
    }
  }
  return patch;
}

int HeightScanWidth(const HeightScanConfig& config) { return config.nx * config.ny; }

void HeightScan(const TerrainPatch& patch, const HeightScanConfig& config, const double base[3],
                double yaw, double* out) {
  const double c = std::cos(yaw), s = std::sin(yaw);
  const double x0 = 0.5 * (config.nx - 1), y0 = 0.5 * (config.ny - 1);
  for (int i = 0; i < config.nx; ++i) {
    for (int j = 0; j < config.ny; ++j) {
      // grid point in the yaw frame, then rotated into the world: p = base + R(yaw) (px, py)
      const double px = (i - x0) * config.spacing, py = (j - y0) * config.spacing;
      const double x = base[0] + c * px - s * py, y = base[1] + s * px + c * py;
      const double dz = patch.GroundHeight(x, y) - base[2];
      out[i * config.ny + j] = std::clamp(dz, -config.clip, config.clip);
    }
  }
}

void MirrorHeightScan(const HeightScanConfig& config, const double* scan, double* out) {
  for (int i = 0; i < config.nx; ++i) {
    for (int j = 0; j < config.ny; ++j) {
      out[i * config.ny + j] = scan[i * config.ny + (config.ny - 1 - j)];
    }
  }
}

void WriteTerrain(const TerrainPatch& patch, const TerrainGeoms& geoms, mjModel* model) {
  // height field: data normalized to [0, 1] over [low, low + range]; the geom sits at z = low
  const int h = geoms.hfield;
  if (h < 0 || h >= model->nhfield || model->hfield_nrow[h] != patch.n ||
      model->hfield_ncol[h] != patch.n) {
    throw ModelError("terrain: the model's height field " + std::to_string(h) + " is not " +
                     std::to_string(patch.n) + " x " + std::to_string(patch.n) +
                     " samples (env.terrain's patch_size / cell + 1)");
  }
  if (patch.boxes.size() > geoms.box_geoms.size()) {
    throw ModelError("terrain: the patch needs " + std::to_string(patch.boxes.size()) +
                     " boxes, the model's pool holds " + std::to_string(geoms.box_geoms.size()));
  }
  const double low = patch.HeightFieldMin();
  const double range = std::max(patch.HeightFieldMax() - low, kMinElevation);
  float* data = model->hfield_data + model->hfield_adr[h];
  for (size_t i = 0; i < patch.heights.size(); ++i) {
    data[i] = static_cast<float>((patch.heights[i] - low) / range);
  }
  model->hfield_size[4 * h + 0] = patch.half;
  model->hfield_size[4 * h + 1] = patch.half;
  model->hfield_size[4 * h + 2] = range;
  const int g = geoms.hfield_geom;
  model->geom_pos[3 * g + 0] = 0.0;
  model->geom_pos[3 * g + 1] = 0.0;
  model->geom_pos[3 * g + 2] = low;
  model->geom_sameframe[g] = 0;  // world geoms in the body frame ignore geom_pos
  // boxes from below the lowest ground to their top; the rest parked, not colliding
  const double bottom = low - kBoxDepth;
  for (size_t i = 0; i < geoms.box_geoms.size(); ++i) {
    const int b = geoms.box_geoms[i];
    mjtNum* pos = model->geom_pos + 3 * b;
    mjtNum* size = model->geom_size + 3 * b;
    model->geom_sameframe[b] = 0;
    if (i < patch.boxes.size()) {
      const TerrainBox& box = patch.boxes[i];
      pos[0] = box.cx;
      pos[1] = box.cy;
      pos[2] = 0.5 * (box.top + bottom);
      size[0] = box.hx;
      size[1] = box.hy;
      size[2] = 0.5 * (box.top - bottom);
      model->geom_contype[b] = geoms.box_contype;
      model->geom_conaffinity[b] = geoms.box_conaffinity;
    } else {
      pos[0] = pos[1] = 0.0;
      pos[2] = kParkedZ;
      size[0] = size[1] = size[2] = 0.01;
      model->geom_contype[b] = 0;
      model->geom_conaffinity[b] = 0;
    }
    model->geom_rbound[b] = std::sqrt(size[0] * size[0] + size[1] * size[1] + size[2] * size[2]);
  }
  // the height field's bounding sphere (about its geom's origin) for the new elevation range
  const double depth = std::max(range, model->hfield_size[4 * h + 3]);
  model->geom_rbound[g] = std::sqrt(2 * patch.half * patch.half + depth * depth);
}

ModelPtr LoadTerrainScene(const std::string& scene, const TerrainGeometryConfig& config,
                          int nconmax, int njmax, TerrainGeoms* geoms) {
  if (!std::ifstream(scene).good()) throw ModelError(scene + ": MJCF file not found");
  const size_t slash = scene.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : scene.substr(0, slash + 1);
  const std::string file = slash == std::string::npos ? scene : scene.substr(slash + 1);
  const int n = TerrainSamplesPerSide(config);
  const int pool = MaxTerrainBoxes(config);
  const std::string half = std::to_string(0.5 * config.patch_size);
  // the wrapper lives beside the scene, so the scene's relative includes and assets resolve
  std::string xml = "<mujoco model=\"terrain\">\n  <include file=\"" + file + "\"/>\n";
  if (nconmax > 0 || njmax > 0) {
    xml += "  <size";
    if (nconmax > 0) xml += " nconmax=\"" + std::to_string(nconmax) + "\"";
    if (njmax > 0) xml += " njmax=\"" + std::to_string(njmax) + "\"";
    xml += "/>\n";
  }
  xml += "  <asset><hfield name=\"tutor_terrain\" nrow=\"" + std::to_string(n) + "\" ncol=\"" +
         std::to_string(n) + "\" size=\"" + half + " " + half + " 1 " +
         std::to_string(kBoxDepth) + "\"/></asset>\n  <worldbody>\n" +
         "    <geom name=\"tutor_terrain\" type=\"hfield\" hfield=\"tutor_terrain\"/>\n";
  for (int i = 0; i < pool; ++i)
    xml += "    <geom name=\"tutor_terrain_box" + std::to_string(i) +
           "\" type=\"box\" size=\"0.01 0.01 0.01\" pos=\"0 0 " + std::to_string(kParkedZ) +
           "\" rgba=\"0.55 0.5 0.45 1\"/>\n";
  xml += "  </worldbody>\n</mujoco>\n";

  const std::string wrapper = dir + "tutor_terrain_scene.xml";
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  if (mj_makeEmptyFileVFS(&vfs, wrapper.c_str(), static_cast<int>(xml.size())) != 0)
    throw ModelError(scene + ": could not build the terrain scene in MuJoCo's VFS");
  std::copy(xml.begin(), xml.end(),
            static_cast<char*>(vfs.filedata[mj_findFileVFS(&vfs, wrapper.c_str())]));
  char error[1024] = "";
  ModelPtr model(mj_loadXML(wrapper.c_str(), &vfs, error, sizeof(error)));
  mj_deleteVFS(&vfs);
  if (!model) throw ModelError(scene + ": MuJoCo could not load it with terrain: " + error);
  if (error[0] != '\0') throw ModelError(scene + ": MuJoCo warned while compiling it with terrain: " + error);
  geoms->hfield = ObjectId(model.get(), mjOBJ_HFIELD, "tutor_terrain");
  geoms->hfield_geom = ObjectId(model.get(), mjOBJ_GEOM, "tutor_terrain");
  geoms->box_geoms.clear();
  for (int i = 0; i < pool; ++i)
    geoms->box_geoms.push_back(
        ObjectId(model.get(), mjOBJ_GEOM, "tutor_terrain_box" + std::to_string(i)));
  return model;
}

void CopyContactProperties(mjModel* model, int from, int to) {
  model->geom_contype[to] = model->geom_contype[from];
  model->geom_conaffinity[to] = model->geom_conaffinity[from];
  model->geom_condim[to] = model->geom_condim[from];
  model->geom_priority[to] = model->geom_priority[from];
  model->geom_solmix[to] = model->geom_solmix[from];
  model->geom_margin[to] = model->geom_margin[from];
  model->geom_gap[to] = model->geom_gap[from];
  std::copy_n(model->geom_friction + 3 * from, 3, model->geom_friction + 3 * to);
  std::copy_n(model->geom_solref + mjNREF * from, mjNREF, model->geom_solref + mjNREF * to);
  std::copy_n(model->geom_solimp + mjNIMP * from, mjNIMP, model->geom_solimp + mjNIMP * to);
}

}  // namespace tutor
