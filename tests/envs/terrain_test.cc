// The terrain patches: stairs and slopes have the sizes their level names, the ground height the
// env will read equals MuJoCo's own ray against the written geoms within 1 mm, and random types
// repeat for the same stream.
#include "envs/terrain.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/mujoco_util.h"

namespace tutor {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr TerrainType kAllTypes[] = {TerrainType::kFlat,       TerrainType::kSlopeUp,
                                     TerrainType::kSlopeDown,  TerrainType::kRough,
                                     TerrainType::kStairsUp,   TerrainType::kStairsDown,
                                     TerrainType::kObstacles};

// a model holding only the terrain: one n x n height field and a pool of boxes
struct TerrainModel {
  ModelPtr model;
  DataPtr data;
  TerrainGeoms geoms;
};

TerrainModel MakeTerrainModel(const TerrainGeometryConfig& config) {
  // an empty scene, the terrain added as the env adds it, with room for every box of a patch
  const std::string path = ::testing::TempDir() + "/terrain_test_scene.xml";
  std::ofstream(path) << "<mujoco model=\"empty\"><option timestep=\"0.002\"/></mujoco>\n";
  TerrainModel out;
  out.model = LoadTerrainScene(path, config, MaxTerrainBoxes(config), 0, 0, &out.geoms);
  out.data = MakeData(out.model.get());
  return out;
}

void Write(const TerrainPatch& patch, TerrainModel* terrain) {
  WriteTerrain(patch, terrain->geoms, terrain->model.get());
  mj_forward(terrain->model.get(), terrain->data.get());
}

// the ground's top at (x, y) by MuJoCo's ray from 10 m straight down
double RayHeight(const TerrainModel& terrain, double x, double y) {
  const mjtNum start[3] = {x, y, 10.0};
  const mjtNum down[3] = {0.0, 0.0, -1.0};
  int geom = -1;
  const mjtNum distance =
      mj_ray(terrain.model.get(), terrain.data.get(), start, down, nullptr, 1, -1, &geom);
  EXPECT_GE(geom, 0) << "no ground under (" << x << ", " << y << ")";
  return 10.0 - distance;
}

TEST(TerrainTest, StairsHaveTheLevelsRiserAndTreadInEveryRing) {
  const TerrainGeometryConfig config;
  TerrainModel terrain = MakeTerrainModel(config);
  Rng rng(1, 0);
  const double a = 0.5 * config.platform;
  for (int level : {0, 5, 9}) {
    // by hand: level l of 10 is d = l / 9 along [0.05, 0.20] m risers, [0.31, 0.25] m treads
    const double d = level / 9.0;
    const double riser = 0.05 + 0.15 * d;
    const double tread = 0.31 - 0.06 * d;
    const int steps = static_cast<int>(std::floor((4.0 - 0.5 - a) / tread + 1e-9));
    ASSERT_EQ(StairCount(config, level), steps);
    ASSERT_GE(steps, 5) << "the benchmark needs >= 5 risers";
    for (TerrainType type : {TerrainType::kStairsUp, TerrainType::kStairsDown}) {
      const double sign = type == TerrainType::kStairsUp ? 1.0 : -1.0;
      const TerrainPatch patch = GenerateTerrain(config, type, level, &rng);
      Write(patch, &terrain);
      EXPECT_NEAR(patch.GroundHeight(0.1, -0.2), 0.0, 1e-9);
      EXPECT_NEAR(RayHeight(terrain, 0.1, -0.2), 0.0, 1e-3);
      for (int k = 1; k <= steps; ++k) {
        const double expected = sign * k * riser;
        // both ends of the tread, along +x, -y and on a diagonal, by the description and the ray
        const double inner = a + (k - 1) * tread + 0.01, outer = a + k * tread - 0.01;
        for (double r : {inner, outer}) {
          EXPECT_NEAR(patch.GroundHeight(r, 0.05), expected, 1e-6) << "ring " << k;
          EXPECT_NEAR(patch.GroundHeight(-0.3, -r), expected, 1e-6) << "ring " << k;
          EXPECT_NEAR(patch.GroundHeight(r, 0.8 * r), expected, 1e-6) << "ring " << k;
          EXPECT_NEAR(RayHeight(terrain, r, 0.05), expected, 1e-3) << "ring " << k;
          EXPECT_NEAR(RayHeight(terrain, -0.3, -r), expected, 1e-3) << "ring " << k;
        }
      }
    }
  }
}

TEST(TerrainTest, SlopesRiseAndFallAtTheLevelsAngle) {
  const TerrainGeometryConfig config;
  Rng rng(1, 0);
  // level 9 is 30 deg: 1 m past the platform's edge (0.5 m) the ground is tan(30 deg) m up
  const double rise = std::tan(30.0 * kPi / 180.0) * 1.0;
  const TerrainPatch up = GenerateTerrain(config, TerrainType::kSlopeUp, 9, &rng);
  const TerrainPatch down = GenerateTerrain(config, TerrainType::kSlopeDown, 9, &rng);
  EXPECT_NEAR(up.GroundHeight(1.5, 0.05), rise, 1e-5);
  EXPECT_NEAR(down.GroundHeight(-0.05, -1.5), -rise, 1e-5);
  // flat on the platform and on the border (3.5 m out: 3 m of slope)
  EXPECT_NEAR(up.GroundHeight(0.2, 0.2), 0.0, 1e-6);
  EXPECT_NEAR(up.GroundHeight(3.8, 0.0), std::tan(30.0 * kPi / 180.0) * 3.0, 1e-5);
  // level 0 is 0 deg
  const TerrainPatch level0 = GenerateTerrain(config, TerrainType::kSlopeUp, 0, &rng);
  EXPECT_NEAR(level0.HeightFieldMax(), 0.0, 1e-9);
}

TEST(TerrainTest, GroundHeightEqualsMujocosRayWithinAMillimetre) {
  const TerrainGeometryConfig config;
  TerrainModel terrain = MakeTerrainModel(config);
  Rng rng(7, 3);
  Rng points(11, 0);
  for (TerrainType type : kAllTypes) {
    for (int level : {0, 4, 9}) {
      const TerrainPatch patch = GenerateTerrain(config, type, level, &rng);
      Write(patch, &terrain);
      double worst = 0.0;
      for (int i = 0; i < 400; ++i) {
        const double x = points.Uniform(-3.95, 3.95), y = points.Uniform(-3.95, 3.95);
        worst = std::max(worst, std::fabs(RayHeight(terrain, x, y) - patch.GroundHeight(x, y)));
      }
      EXPECT_LT(worst, 1e-3) << ChoiceName(TerrainTypes(), type) << " level " << level;
    }
  }
}

TEST(TerrainTest, EveryTypeStartsOnAFlatPlatformAtZero) {
  const TerrainGeometryConfig config;
  Rng rng(3, 0);
  for (TerrainType type : kAllTypes) {
    const TerrainPatch patch = GenerateTerrain(config, type, 9, &rng);
    for (double x : {-0.45, 0.0, 0.45}) {
      for (double y : {-0.45, 0.0, 0.45}) {
        EXPECT_NEAR(patch.GroundHeight(x, y), 0.0, 1e-6) << ChoiceName(TerrainTypes(), type);
      }
    }
  }
}

TEST(TerrainTest, RandomTypesRepeatForTheSameStreamAndDifferForAnother) {
  const TerrainGeometryConfig config;
  for (TerrainType type : {TerrainType::kRough, TerrainType::kObstacles}) {
    Rng a(5, 2), b(5, 2), c(5, 3);
    const TerrainPatch pa = GenerateTerrain(config, type, 6, &a);
    const TerrainPatch pb = GenerateTerrain(config, type, 6, &b);
    const TerrainPatch pc = GenerateTerrain(config, type, 6, &c);
    EXPECT_EQ(pa.heights, pb.heights);
    ASSERT_EQ(pa.boxes.size(), pb.boxes.size());
    for (size_t i = 0; i < pa.boxes.size(); ++i) EXPECT_EQ(pa.boxes[i].cx, pb.boxes[i].cx);
    const bool same = pa.heights == pc.heights && pa.boxes.size() == pc.boxes.size() &&
                      (pa.boxes.empty() || pa.boxes[0].cx == pc.boxes[0].cx);
    EXPECT_FALSE(same) << ChoiceName(TerrainTypes(), type);
  }
}

TEST(TerrainTest, RoughHeightsSpanTheLevelsRange) {
  const TerrainGeometryConfig config;
  Rng rng(9, 0);
  // level 9: 0.10 m peak to peak; uniform lattice values over 1600 lattice points reach
  // within 10 % of both ends
  const TerrainPatch patch = GenerateTerrain(config, TerrainType::kRough, 9, &rng);
  EXPECT_LE(patch.HeightFieldMax(), 0.05 + 1e-6);
  EXPECT_GE(patch.HeightFieldMin(), -0.05 - 1e-6);
  EXPECT_GT(patch.HeightFieldMax() - patch.HeightFieldMin(), 0.09);
}

TEST(TerrainTest, ObstaclesHaveTheLevelsHeightAndCount) {
  const TerrainGeometryConfig config;
  Rng rng(4, 1);
  const TerrainPatch patch = GenerateTerrain(config, TerrainType::kObstacles, 9, &rng);
  EXPECT_EQ(static_cast<int>(patch.boxes.size()), config.obstacle_count);
  for (const TerrainBox& box : patch.boxes) {
    EXPECT_GE(box.top, 0.10 - 1e-9);  // 0.5-1x the level's 0.20 m
    EXPECT_LE(box.top, 0.20 + 1e-9);
    EXPECT_LE(std::max(std::fabs(box.cx), std::fabs(box.cy)) + box.hx, 3.5 + 1e-9);
  }
}

TEST(TerrainTest, HeightScanEqualsMujocosRayAtTheRotatedGridPoints) {
  const TerrainGeometryConfig config;
  TerrainModel terrain = MakeTerrainModel(config);
  const HeightScanConfig scan_config;
  ASSERT_EQ(HeightScanWidth(scan_config), 187);
  Rng rng(2, 0);
  std::vector<double> scan(187);
  for (TerrainType type : {TerrainType::kStairsDown, TerrainType::kRough, TerrainType::kObstacles}) {
    const TerrainPatch patch = GenerateTerrain(config, type, 7, &rng);
    Write(patch, &terrain);
    const double base[3] = {0.9, -0.4, 0.3};
    const double yaw = 0.7;
    HeightScan(patch, scan_config, base, yaw, scan.data());
    for (int i = 0; i < 17; ++i) {
      for (int j = 0; j < 11; ++j) {
        // by hand: (i - 8, j - 5) x 0.1 m in the base's yaw frame
        const double px = 0.1 * (i - 8), py = 0.1 * (j - 5);
        const double x = 0.9 + std::cos(yaw) * px - std::sin(yaw) * py;
        const double y = -0.4 + std::sin(yaw) * px + std::cos(yaw) * py;
        const double expected = std::clamp(RayHeight(terrain, x, y) - 0.3, -1.0, 1.0);
        EXPECT_NEAR(scan[i * 11 + j], expected, 1e-3) << ChoiceName(TerrainTypes(), type) << " " << i << "," << j;
      }
    }
  }
  // clipped to 1 m: 2 m above the platform every point reads -1
  const TerrainPatch flat = GenerateTerrain(config, TerrainType::kFlat, 0, &rng);
  const double high[3] = {0.0, 0.0, 2.0};
  HeightScan(flat, scan_config, high, 0.0, scan.data());
  for (double v : scan) EXPECT_EQ(v, -1.0);
}

TEST(TerrainTest, MirroredScanIsTheScanOfTheMirroredPose) {
  // stairs are symmetric in y, so the robot at (x, -y, -yaw) sees the mirror of what it sees at
  // (x, y, yaw)
  const TerrainGeometryConfig config;
  const HeightScanConfig scan_config;
  Rng rng(2, 0);
  const TerrainPatch patch = GenerateTerrain(config, TerrainType::kStairsUp, 8, &rng);
  std::vector<double> scan(187), mirrored(187), expected(187), twice(187);
  const double base[3] = {1.3, 0.6, 0.35}, mirror_base[3] = {1.3, -0.6, 0.35};
  HeightScan(patch, scan_config, base, 0.4, scan.data());
  HeightScan(patch, scan_config, mirror_base, -0.4, expected.data());
  MirrorHeightScan(scan_config, scan.data(), mirrored.data());
  double spread = 0.0;
  for (int k = 0; k < 187; ++k) {
    // 1 um: treads are floats in the height field, riser strips' tops doubles
    EXPECT_NEAR(mirrored[k], expected[k], 1e-6) << k;
    spread = std::max(spread, std::fabs(scan[k] - scan[0]));
  }
  EXPECT_GT(spread, 0.1);  // the scan sees risers, so the check is not of a constant
  MirrorHeightScan(scan_config, mirrored.data(), twice.data());
  EXPECT_EQ(twice, scan);
}

// The env keeps only the pool's nearest boxes: the default pool must hold every box that comes
// within the robot's reach (0.6 m of the base: legs 0.4 m plus a step's travel, with margin) on
// the hardest patch of each type, at base points 5 cm apart over the whole patch; counted by
// hand from the box footprints, not by BoxesNear.
TEST(TerrainTest, TheDefaultPoolHoldsEveryBoxWithinTheRobotsReach) {
  const TerrainGeometryConfig config;
  const double reach = 0.6;
  for (TerrainType type : kAllTypes) {
    for (int level : {0, config.levels - 1}) {
      Rng rng(7, 1);
      const TerrainPatch patch = GenerateTerrain(config, type, level, &rng);
      size_t most = 0;
      for (double x = -patch.half; x <= patch.half; x += 0.05)
        for (double y = -patch.half; y <= patch.half; y += 0.05) {
          size_t count = 0;
          for (const TerrainBox& b : patch.boxes) {
            const double dx = std::max(std::fabs(x - b.cx) - b.hx, 0.0);
            const double dy = std::max(std::fabs(y - b.cy) - b.hy, 0.0);
            if (dx * dx + dy * dy <= reach * reach) ++count;
          }
          most = std::max(most, count);
        }
      EXPECT_LE(most, static_cast<size_t>(config.box_pool))
          << ChoiceName(TerrainTypes(), type) << " level " << level;
    }
  }
}

TEST(TerrainTest, WritingAPatchIntoAModelThatCannotHoldItNamesWhatIsMissing) {
  TerrainGeometryConfig config;
  TerrainModel terrain = MakeTerrainModel(config);
  Rng rng(1, 0);
  TerrainGeoms small = terrain.geoms;
  small.box_geoms.resize(3);
  const TerrainPatch stairs = GenerateTerrain(config, TerrainType::kStairsUp, 9, &rng);
  try {
    WriteTerrain(stairs, small, terrain.model.get());
    FAIL() << "expected a ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("needs " + std::to_string(stairs.boxes.size()) +
                                         " boxes, the model's pool holds 3"),
              std::string::npos)
        << e.what();
  }
  config.cell = 0.05;
  const TerrainPatch fine = GenerateTerrain(config, TerrainType::kFlat, 0, &rng);
  EXPECT_THROW(WriteTerrain(fine, terrain.geoms, terrain.model.get()), ModelError);
}

}  // namespace
}  // namespace tutor
