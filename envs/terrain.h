#ifndef TUTOR_ENVS_TERRAIN_H_
#define TUTOR_ENVS_TERRAIN_H_

#include <mujoco/mujoco.h>

#include <string>
#include <vector>

#include "core/choice.h"
#include "envs/mujoco_util.h"
#include "envs/rng.h"

namespace tutor {

// The ground of one env: a square patch centred on the origin made of one height field (smooth
// features: slopes, rough ground, the treads of stairs) and axis-aligned boxes (sharp features:
// stair risers, obstacles). A height step of a height field becomes a ramp one cell wide, so
// each riser is a strip of boxes two cells deep on its upper side that covers the ramp, cut
// into pieces of at most `box_segment` m, so a robot's geoms are tested against the few boxes
// near it. An env keeps only the boxes within `box_radius` of its robot in its model
// (WriteTerrainBoxesNear, every step). Every patch has a flat start platform in its centre
// (top at z = 0) and a flat border.

enum class TerrainType { kFlat, kSlopeUp, kSlopeDown, kRough, kStairsUp, kStairsDown, kObstacles };

// the YAML spelling of each type ("flat", "slope_up", ...)
const ChoiceTable<TerrainType>& TerrainTypes();

// geometry of a patch and how a difficulty level maps to physical size: level l of `levels`
// interpolates each [easiest, hardest] range at d = l / (levels - 1)
struct TerrainGeometryConfig {
  double patch_size = 8.0;  // m, side of the square patch
  double border = 0.5;      // m, flat ring along the patch edge
  double platform = 1.0;    // m, side of the flat start square in the centre
  double cell = 0.1;        // m, height-field sample spacing
  int levels = 10;
  double slope_deg[2] = {0.0, 30.0};        // pyramid slope
  double rough_height[2] = {0.02, 0.10};    // m, peak to peak of the random heights
  double rough_scale = 0.2;                 // m, spacing of the random lattice
  double stair_height[2] = {0.05, 0.20};    // m, riser
  double stair_tread[2] = {0.31, 0.25};     // m, tread (narrower is harder)
  double obstacle_height[2] = {0.05, 0.20}; // m
  double obstacle_width[2] = {0.4, 1.0};    // m, side of a square obstacle, drawn per obstacle
  int obstacle_count = 20;
  double box_segment = 1.0;  // m, longest side of a riser box
  double box_radius = 1.0;   // m, boxes this close to the base are in the env's model
  int box_pool = 24;  // box geoms per env model, the nearest when more are close (every
                     // patch has at most 17 within 0.6 m of a point; each costs collision
                     // checks even when parked: 64 made a flat patch 0.66x the plain floor)
};

// an axis-aligned box standing on the patch: centre (cx, cy), half extents (hx, hy), top and
// bottom (m)
struct TerrainBox {
  double cx = 0, cy = 0, hx = 0, hy = 0, top = 0, bottom = 0;
};

struct TerrainPatch {
  // n x n height-field samples, row r along y and column c along x, sample (r, c) at
  // (-half + c * cell, -half + r * cell); absolute heights in m
  int n = 0;
  double half = 0;
  double cell = 0;
  std::vector<float> heights;
  std::vector<TerrainBox> boxes;

  double HeightFieldMin() const;
  double HeightFieldMax() const;
  // the height field's surface as MuJoCo triangulates it (each cell split along its
  // (r, c)-(r+1, c+1) diagonal); clamped to the patch outside it
  double HeightFieldHeight(double x, double y) const;
  // the ground's top at (x, y): the height field or the highest box over it
  double GroundHeight(double x, double y) const;
  // the boxes whose footprint comes within `radius` of (x, y), nearest first (ties by index),
  // at most `limit`
  void BoxesNear(double x, double y, double radius, int limit, std::vector<int>* out) const;

  // boxes by grid square (GenerateTerrain builds it): square (i, j) of `grid_n` x `grid_n`
  // of side `grid_cell` lists the boxes overlapping it in grid_boxes[grid_start[k] ..
  // grid_start[k + 1]), k = j * grid_n + i
  void IndexBoxes(double grid_cell);
  int grid_n = 0;
  double grid_cell = 0;
  std::vector<int> grid_start, grid_boxes;
};

// height-field samples per side of a patch: patch_size / cell + 1
int TerrainSamplesPerSide(const TerrainGeometryConfig& config);
// difficulty in [0, 1] of a level
double TerrainDifficulty(const TerrainGeometryConfig& config, int level);
// the patch of a type and level; draws from `rng` only for random features (rough,
// obstacles), so flat, slopes and stairs are fixed by their level
TerrainPatch GenerateTerrain(const TerrainGeometryConfig& config, TerrainType type, int level,
                             Rng* rng);
// most boxes a patch of this config holds (over every type and level)
int MaxTerrainBoxes(const TerrainGeometryConfig& config);
// number of risers of a stairs patch (each direction)
int StairCount(const TerrainGeometryConfig& config, int level);
// the physical size a level stands for: the slope (deg), rough ground's peak to peak, the
// riser, the obstacles' tallest (m); 0 for flat. TerrainSizeName says which ("slope deg",
// "riser m", ...; "-" for flat).
double TerrainFeatureSize(const TerrainGeometryConfig& config, TerrainType type, int level);
const char* TerrainSizeName(TerrainType type);

// privileged perception: the ground around the robot on a grid in its yaw-aligned frame,
// relative to the base, x-major (index i * ny + j at x = (i - (nx-1)/2) spacing ahead,
// y = (j - (ny-1)/2) spacing to the left), clipped to [-clip, clip]
struct HeightScanConfig {
  int nx = 17;
  int ny = 11;
  double spacing = 0.1;  // m
  double clip = 1.0;     // m
};
int HeightScanWidth(const HeightScanConfig& config);
void HeightScan(const TerrainPatch& patch, const HeightScanConfig& config, const double base[3],
                double yaw, double* out);
// the scan of the left-right mirrored state: column j becomes ny - 1 - j
void MirrorHeightScan(const HeightScanConfig& config, const double* scan, double* out);

// Writes a patch into a model built with one height field of n x n samples and a pool of box
// geoms, all in the world body: the height field's data and elevation range, its geom's
// position, and for each pool box its position and size (unused boxes are parked below the
// ground with collisions off). `box_contype`/`box_conaffinity` are what active boxes collide
// with. WriteTerrain writes the whole patch (the pool must hold every box); an env writes the
// height field once per patch and the pool at every step: the boxes near (x, y), nearest
// first (WriteTerrainBoxesNear returns how many).
struct TerrainGeoms {
  int hfield = -1;               // hfield id
  int hfield_geom = -1;          // the geom that uses it
  std::vector<int> box_geoms;    // the pool
  int box_contype = 1;
  int box_conaffinity = 1;
};
void WriteTerrain(const TerrainPatch& patch, const TerrainGeoms& geoms, mjModel* model);
void WriteTerrainHeightField(const TerrainPatch& patch, const TerrainGeoms& geoms,
                             mjModel* model);
int WriteTerrainBoxesNear(const TerrainPatch& patch, const TerrainGeoms& geoms, double x,
                          double y, double radius, mjModel* model, std::vector<int>* scratch);

// Loads the MJCF scene `scene` with the terrain's geoms added to its world body: a height field
// "tutor_terrain" of this config's size and a pool of `pool` boxes "tutor_terrain_box<i>",
// through a wrapper file in MuJoCo's virtual file system (the scene's includes and assets
// resolve as usual). nconmax / njmax > 0 replace the scene's buffer sizes. The new geoms have
// the scene's default contact properties (copy the floor's with CopyContactProperties).
ModelPtr LoadTerrainScene(const std::string& scene, const TerrainGeometryConfig& config,
                          int pool, int nconmax, int njmax, TerrainGeoms* geoms);
// geom `to` collides and rubs as geom `from` (contype/conaffinity, condim, priority, friction,
// solver mixing and parameters, margin, gap)
void CopyContactProperties(mjModel* model, int from, int to);

}  // namespace tutor

#endif  // TUTOR_ENVS_TERRAIN_H_
