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
constexpr double kGridCell = 0.5;        // m, side of the squares that index the boxes

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

// the boxes of the square frame between Chebyshev distances a and b from the centre (two
// strips along x that hold the corners, two along y between them), each cut into pieces no
// longer than `segment`
void AddFrame(double a, double b, double top, double bottom, double segment,
              std::vector<TerrainBox>* boxes) {
  const double w = 0.5 * (b - a), mid = 0.5 * (a + b);
  auto strip = [&](bool along_x, double offset, double half_length) {
    const int pieces = std::max(1, static_cast<int>(std::ceil(2 * half_length / segment - 1e-9)));
    const double piece = half_length / pieces;  // half length of a piece
    for (int p = 0; p < pieces; ++p) {
      const double centre = -half_length + (2 * p + 1) * piece;
      if (along_x) boxes->push_back({centre, offset, piece, w, top, bottom});
      else boxes->push_back({offset, centre, w, piece, top, bottom});
    }
  };
  strip(true, mid, b);
  strip(true, -mid, b);
  strip(false, mid, a);
  strip(false, -mid, a);
}

// Stairs: ring k = 1..N (Chebyshev distance from R_k = platform + (k-1) tread to R_k + tread,
// the last to the patch edge) stands k risers above (up) or below (down) the platform. The
// height field holds every tread with each step moved one cell onto its upper side, so its
// one-cell ramp lies inside a strip two cells deep on the upper side of the riser, whose boxes
// carry the upper tread's height: the riser is vertical at R_k.
void AddStairs(const TerrainGeometryConfig& config, bool up, int level, TerrainPatch* patch) {
  const double d = TerrainDifficulty(config, level);
  const double riser = Lerp(config.stair_height, d);
  const double tread = Lerp(config.stair_tread, d);
  const int steps = StairCount(config, level);
  const double platform = 0.5 * config.platform;
  const double cell = patch->cell;
  const double sign = up ? 1.0 : -1.0;
  FillHeights(patch, [&](double x, double y) {
    const double ring = Ring(x, y);
    int k = 0;  // risers passed, counting a riser only one cell past it on its upper side
    for (int s = 1; s <= steps; ++s) {
      const double at = platform + (s - 1) * tread;
      if (up ? ring >= at + cell - 1e-9 : ring > at - cell + 1e-9) k = s;
    }
    return sign * k * riser;
  });
  for (int s = 1; s <= steps; ++s) {
    const double at = platform + (s - 1) * tread;
    const double high = up ? s * riser : -(s - 1) * riser;  // the upper tread
    const double bottom = high - riser - kBoxDepth;
    if (up) AddFrame(at, at + 2 * cell, high, bottom, config.box_segment, &patch->boxes);
    else AddFrame(at - 2 * cell, at, high, bottom, config.box_segment, &patch->boxes);
  }
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
  if (grid_n == 0) return z;
  const int i = std::clamp(static_cast<int>((x + half) / grid_cell), 0, grid_n - 1);
  const int j = std::clamp(static_cast<int>((y + half) / grid_cell), 0, grid_n - 1);
  const int k = j * grid_n + i;
  for (int b = grid_start[k]; b < grid_start[k + 1]; ++b) {
    const TerrainBox& box = boxes[grid_boxes[b]];
    if (std::fabs(x - box.cx) <= box.hx && std::fabs(y - box.cy) <= box.hy) z = std::max(z, box.top);
  }
  return z;
}

void TerrainPatch::IndexBoxes(double cell_side) {
  grid_cell = cell_side;
  grid_n = std::max(1, static_cast<int>(std::ceil(2 * half / cell_side)));
  // the squares a box overlaps (its footprint grown by a hair, for points on its edge)
  auto span = [&](double centre, double extent, int* lo, int* hi) {
    *lo = std::clamp(static_cast<int>(std::floor((centre - extent - 1e-9 + half) / grid_cell)), 0, grid_n - 1);
    *hi = std::clamp(static_cast<int>(std::floor((centre + extent + 1e-9 + half) / grid_cell)), 0, grid_n - 1);
  };
  std::vector<int> count(static_cast<size_t>(grid_n) * grid_n + 1, 0);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t b = 0; b < boxes.size(); ++b) {
      int i0, i1, j0, j1;
      span(boxes[b].cx, boxes[b].hx, &i0, &i1);
      span(boxes[b].cy, boxes[b].hy, &j0, &j1);
      for (int j = j0; j <= j1; ++j)
        for (int i = i0; i <= i1; ++i) {
          const int k = j * grid_n + i;
          if (pass == 0) ++count[k + 1];
          else grid_boxes[grid_start[k] + count[k]++] = static_cast<int>(b);
        }
    }
    if (pass == 0) {
      grid_start.assign(count.size(), 0);
      for (size_t k = 1; k < count.size(); ++k) grid_start[k] = grid_start[k - 1] + count[k];
      grid_boxes.assign(grid_start.back(), 0);
      std::fill(count.begin(), count.end(), 0);
    }
  }
}

void TerrainPatch::BoxesNear(double x, double y, double radius, int limit,
                             std::vector<int>* out) const {
  out->clear();
  if (grid_n == 0) return;
  const int i0 = std::clamp(static_cast<int>(std::floor((x - radius + half) / grid_cell)), 0, grid_n - 1);
  const int i1 = std::clamp(static_cast<int>(std::floor((x + radius + half) / grid_cell)), 0, grid_n - 1);
  const int j0 = std::clamp(static_cast<int>(std::floor((y - radius + half) / grid_cell)), 0, grid_n - 1);
  const int j1 = std::clamp(static_cast<int>(std::floor((y + radius + half) / grid_cell)), 0, grid_n - 1);
  for (int j = j0; j <= j1; ++j)
    for (int i = i0; i <= i1; ++i) {
      const int k = j * grid_n + i;
      out->insert(out->end(), grid_boxes.begin() + grid_start[k], grid_boxes.begin() + grid_start[k + 1]);
    }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  // distance from (x, y) to each footprint; keep the close ones, nearest first
  auto distance = [&](int b) {
    const TerrainBox& box = boxes[b];
    const double dx = std::max(std::fabs(x - box.cx) - box.hx, 0.0);
    const double dy = std::max(std::fabs(y - box.cy) - box.hy, 0.0);
    return std::hypot(dx, dy);
  };
  out->erase(std::remove_if(out->begin(), out->end(), [&](int b) { return distance(b) > radius; }),
             out->end());
  std::stable_sort(out->begin(), out->end(),
                   [&](int a, int b) { return distance(a) < distance(b); });
  if (static_cast<int>(out->size()) > limit) out->resize(limit);
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

double TerrainFeatureSize(const TerrainGeometryConfig& config, TerrainType type, int level) {
  const double d = TerrainDifficulty(config, level);
  switch (type) {
    case TerrainType::kFlat: return 0.0;
    case TerrainType::kSlopeUp:
    case TerrainType::kSlopeDown: return Lerp(config.slope_deg, d);
    case TerrainType::kRough: return Lerp(config.rough_height, d);
    case TerrainType::kStairsUp:
    case TerrainType::kStairsDown: return Lerp(config.stair_height, d);
    case TerrainType::kObstacles: return Lerp(config.obstacle_height, d);
  }
  return 0.0;
}

const char* TerrainSizeName(TerrainType type) {
  switch (type) {
    case TerrainType::kFlat: return "-";
    case TerrainType::kSlopeUp:
    case TerrainType::kSlopeDown: return "slope deg";
    case TerrainType::kRough: return "peak to peak m";
    case TerrainType::kStairsUp:
    case TerrainType::kStairsDown: return "riser m";
    case TerrainType::kObstacles: return "tallest m";
  }
  return "-";
}

int MaxTerrainBoxes(const TerrainGeometryConfig& config) {
  size_t most = static_cast<size_t>(config.obstacle_count);
  Rng unused;  // stairs draw nothing
  for (int level = 0; level < std::max(config.levels, 1); ++level)
    for (TerrainType type : {TerrainType::kStairsUp, TerrainType::kStairsDown})
      most = std::max(most, GenerateTerrain(config, type, level, &unused).boxes.size());
  return static_cast<int>(most);
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
      AddStairs(config, type == TerrainType::kStairsUp, level, &patch);
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
            patch.boxes.push_back({cx, cy, h, h, top, -kBoxDepth});
            break;
          }
        }
      }
      break;
    }
  }
  patch.IndexBoxes(kGridCell);
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

namespace {

// pool box i shows patch box ids[i]; the rest of the pool is parked, not colliding
void WriteBoxes(const TerrainPatch& patch, const std::vector<int>& ids, const TerrainGeoms& geoms,
                mjModel* model) {
  for (size_t i = 0; i < geoms.box_geoms.size(); ++i) {
    const int b = geoms.box_geoms[i];
    mjtNum* pos = model->geom_pos + 3 * b;
    mjtNum* size = model->geom_size + 3 * b;
    model->geom_sameframe[b] = 0;  // world geoms in the body frame ignore geom_pos
    if (i < ids.size()) {
      const TerrainBox& box = patch.boxes[ids[i]];
      pos[0] = box.cx;
      pos[1] = box.cy;
      pos[2] = 0.5 * (box.top + box.bottom);
      size[0] = box.hx;
      size[1] = box.hy;
      size[2] = 0.5 * (box.top - box.bottom);
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
}

}  // namespace

int WriteTerrainBoxesNear(const TerrainPatch& patch, const TerrainGeoms& geoms, double x,
                          double y, double radius, mjModel* model, std::vector<int>* scratch) {
  patch.BoxesNear(x, y, radius, static_cast<int>(geoms.box_geoms.size()), scratch);
  WriteBoxes(patch, *scratch, geoms, model);
  return static_cast<int>(scratch->size());
}

void WriteTerrain(const TerrainPatch& patch, const TerrainGeoms& geoms, mjModel* model) {
  if (patch.boxes.size() > geoms.box_geoms.size()) {
    throw ModelError("terrain: the patch needs " + std::to_string(patch.boxes.size()) +
                     " boxes, the model's pool holds " + std::to_string(geoms.box_geoms.size()));
  }
  WriteTerrainHeightField(patch, geoms, model);
  std::vector<int> all(patch.boxes.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  WriteBoxes(patch, all, geoms, model);
}

void WriteTerrainHeightField(const TerrainPatch& patch, const TerrainGeoms& geoms,
                             mjModel* model) {
  // height field: data normalized to [0, 1] over [low, low + range]; the geom sits at z = low
  const int h = geoms.hfield;
  if (h < 0 || h >= model->nhfield || model->hfield_nrow[h] != patch.n ||
      model->hfield_ncol[h] != patch.n) {
    throw ModelError("terrain: the model's height field " + std::to_string(h) + " is not " +
                     std::to_string(patch.n) + " x " + std::to_string(patch.n) +
                     " samples (env.terrain's patch_size / cell + 1)");
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
  // the height field's bounding sphere (about its geom's origin) for the new elevation range
  const double depth = std::max(range, model->hfield_size[4 * h + 3]);
  model->geom_rbound[g] = std::sqrt(2 * patch.half * patch.half + depth * depth);
}

ModelPtr LoadTerrainScene(const std::string& scene, const TerrainGeometryConfig& config,
                          int pool, int nconmax, int njmax, TerrainGeoms* geoms) {
  if (!std::ifstream(scene).good()) throw ModelError(scene + ": MJCF file not found");
  const size_t slash = scene.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : scene.substr(0, slash + 1);
  const std::string file = slash == std::string::npos ? scene : scene.substr(slash + 1);
  const int n = TerrainSamplesPerSide(config);
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
