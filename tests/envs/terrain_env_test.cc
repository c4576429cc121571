// The terrain in the batched env: per-env patches, ground-relative heights, the height scan
// observation, truncation at the border, the curriculum, determinism.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/config_reader.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "tests/envs/env_test_util.h"

namespace tutor::testing {
namespace {

// the still robot on terrain of the given types (equal shares), the height scan in `teacher`
EnvConfig TerrainEnvConfig(int num_envs, std::vector<TerrainType> types) {
  EnvConfig config = StillConfig(num_envs);
  for (TerrainType type : types) config.terrain.types.emplace_back(type, 1.0);
  for (auto& group : config.observations.groups)
    if (group.first == "teacher") group.second.push_back("height_scan");
  return config;
}

// the ground's top under (x, y) by MuJoCo's ray from 10 m straight down through the env's
// model with the robot's geoms out of the ray's groups
double RayGround(const QuadrupedEnv& env, const QuadrupedModel& quadruped, double x, double y) {
  ModelPtr model = CopyModel(env.model());
  for (int g = 0; g < model->ngeom; ++g)
    if (quadruped.geom_robot[g] || model->geom_bodyid[g] != 0 || g == quadruped.floor_geom)
      model->geom_group[g] = 5;
  DataPtr data = MakeData(model.get());
  std::copy(env.data()->qpos, env.data()->qpos + model->nq, data->qpos);
  mj_kinematics(model.get(), data.get());
  const mjtNum start[3] = {x, y, 10.0}, down[3] = {0.0, 0.0, -1.0};
  const mjtByte groups[6] = {1, 1, 1, 1, 1, 0};
  int geom = -1;
  const mjtNum distance = mj_ray(model.get(), data.get(), start, down, groups, 1, -1, &geom);
  EXPECT_GE(geom, 0) << "the ray from (" << x << ", " << y << ") hit nothing";
  return 10.0 - distance;
}

void Step(QuadrupedVecEnv* env) {
  const std::vector<float> zeros(static_cast<size_t>(env->NumEnvs()) * env->NumActions(), 0.0f);
  env->Step(zeros.data());
}

TEST(TerrainEnvTest, SharesSplitTheEnvsIntoTypesInTableOrder) {
  TerrainConfig terrain;
  terrain.types = {{TerrainType::kSlopeUp, 1.0}, {TerrainType::kStairsUp, 3.0}};
  std::vector<int> types;
  for (int i = 0; i < 8; ++i) types.push_back(TerrainOfEnv(terrain, i, 8));
  EXPECT_EQ(types, (std::vector<int>{0, 0, 1, 1, 1, 1, 1, 1}));
  // the YAML's order does not matter, the table's does
  EnvConfig config;
  ReadEnvConfig(ConfigReader::FromString("terrain: {types: {stairs_up: 3, slope_up: 1}}", "t.yaml"),
                &config);
  ASSERT_EQ(config.terrain.types.size(), 2u);
  EXPECT_EQ(config.terrain.types[0].first, TerrainType::kSlopeUp);
  EXPECT_EQ(config.terrain.types[1].second, 3.0);
}

TEST(TerrainEnvTest, BadTerrainConfigNamesTheKey) {
  EnvConfig config;
  try {
    ReadEnvConfig(ConfigReader::FromString("terrain: {types: {stairs: 1}}", "t.yaml"), &config);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("terrain.types.stairs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stairs_up"), std::string::npos) << e.what();
  }
  EnvConfig flat = StillConfig(1);
  flat.observations.groups.back().second.push_back("height_scan");
  try {
    QuadrupedVecEnv env(flat, "flat.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("height_scan needs terrain"), std::string::npos)
        << e.what();
  }
}

TEST(TerrainEnvTest, FlatConfigsGetNoTerrainGeomsAndNoMetrics) {
  QuadrupedVecEnv flat(StillConfig(1));
  const ModelPtr scene = LoadModel(flat.Model().config.robot.mjcf);
  EXPECT_EQ(flat.Model().mj_model->ngeom, scene->ngeom);
  EXPECT_FALSE(flat.Model().has_terrain);
  EXPECT_TRUE(flat.MetricNames().empty());
  QuadrupedVecEnv rough(TerrainEnvConfig(1, {TerrainType::kRough}));
  EXPECT_GT(rough.Model().mj_model->ngeom, scene->ngeom);
  EXPECT_EQ(rough.MetricNames(), (std::vector<std::string>{"terrain_level/rough"}));
}

// the scan in the yaw frame at a rotated, displaced pose over stairs, against MuJoCo's rays
TEST(TerrainEnvTest, HeightScanObservationEqualsMujocoRaysWithinAMillimetre) {
  for (TerrainType type : {TerrainType::kStairsUp, TerrainType::kRough}) {
    EnvConfig config = TerrainEnvConfig(1, {type});
    config.terrain.curriculum = false;
    QuadrupedVecEnv env(config);
    env.Env(0).SetTerrainLevel(7);
    env.Reset();
    mjData* data = env.Env(0).data();
    const double yaw = 0.6;
    data->qpos[0] = 1.3, data->qpos[1] = 0.7;
    data->qpos[2] = env.Env(0).GroundHeight(1.3, 0.7) + 0.5;  // in the air, above every step
    data->qpos[3] = std::cos(0.5 * yaw), data->qpos[4] = data->qpos[5] = 0;
    data->qpos[6] = std::sin(0.5 * yaw);
    Step(&env);
    ASSERT_EQ(env.Terminated()[0] + env.Truncated()[0], 0.0f);
    const auto scan = Term(env, "teacher", "height_scan", 0);
    const HeightScanConfig& grid = config.terrain.height_scan;
    ASSERT_EQ(scan.size(), static_cast<size_t>(grid.nx * grid.ny));
    // the base's heading after the step
    double rot[9];
    mju_quat2Mat(rot, data->qpos + 3);
    const double heading = std::atan2(rot[3], rot[0]);
    int risers = 0, clipped = 0;
    for (int i = 0; i < grid.nx; ++i) {
      for (int j = 0; j < grid.ny; ++j) {
        const double px = (i - 8) * 0.1, py = (j - 5) * 0.1;
        const double x = data->qpos[0] + std::cos(heading) * px - std::sin(heading) * py;
        const double y = data->qpos[1] + std::sin(heading) * px + std::cos(heading) * py;
        const double below = RayGround(env.Env(0), env.Model(), x, y) - data->qpos[2];
        const double expected = std::clamp(below, -grid.clip, grid.clip);
        clipped += expected != below;
        ASSERT_NEAR(scan[i * grid.ny + j], expected, 1e-3) << "point " << i << ", " << j;
        if (j > 0 && std::fabs(scan[i * grid.ny + j] - scan[i * grid.ny + j - 1]) > 0.05) ++risers;
      }
    }
    EXPECT_LT(clipped, grid.nx * grid.ny / 4);
    if (type == TerrainType::kStairsUp) {
      EXPECT_GT(risers, 10) << "the scan should see steps";
    }
  }
}

// base and foot heights are measured from the ground under them, not from z = 0
TEST(TerrainEnvTest, HeightsAreRelativeToTheGroundUnderTheRobot) {
  EnvConfig config = TerrainEnvConfig(1, {TerrainType::kStairsDown});
  config.terrain.curriculum = false;
  for (auto& group : config.observations.groups)
    if (group.first == "teacher") group.second.push_back("base_height");
  QuadrupedVecEnv env(config);
  env.Env(0).SetTerrainLevel(9);
  env.Reset();
  // at the start: on the platform (top z = 0), the lowest foot on it
  const auto feet = Term(env, "teacher", "foot_heights", 0);
  EXPECT_NEAR(*std::min_element(feet.begin(), feet.end()), 0.0, 1e-6);
  // over the middle of the third step down: ground at -3 risers (by hand from the config)
  const TerrainGeometryConfig& g = config.terrain.geometry;
  const double riser = g.stair_height[1], tread = g.stair_tread[1];
  mjData* data = env.Env(0).data();
  data->qpos[0] = 0.5 * g.platform + 2.5 * tread;
  data->qpos[1] = 0.0;
  Step(&env);
  EXPECT_NEAR(Term(env, "teacher", "base_height", 0)[0], data->qpos[2] + 3 * riser, 1e-6);
  EXPECT_NEAR(env.Env(0).GroundHeight(data->qpos[0], 0.0), -3 * riser, 1e-9);
}

TEST(TerrainEnvTest, LeavingThePatchTruncatesAndPromotesFallingShortDemotes) {
  EnvConfig config = TerrainEnvConfig(2, {TerrainType::kSlopeUp});
  config.terrain.max_init_level = 5;
  QuadrupedVecEnv env(config);
  env.Reset();
  const double command[3] = {0.5, 0.0, 0.0};
  env.Env(0).SetFixedCommand(command);
  const int level = env.Env(0).terrain_level();
  ASSERT_GT(level, 0);
  ASSERT_LT(level, config.terrain.geometry.levels - 1);
  // over the border (3.5 m from the centre): a time-out, one level up
  mjData* data = env.Env(0).data();
  data->qpos[0] = 3.6;
  data->qpos[2] += 2.0;  // above the slope, so the first step is not a fall
  Step(&env);
  EXPECT_EQ(env.Truncated()[0], 1.0f);
  EXPECT_EQ(env.Terminated()[0], 0.0f);
  ASSERT_EQ(env.FinishedEpisodes().size(), 1u);
  EXPECT_NEAR(env.FinishedEpisodes()[0].distance, 3.6, 1e-2);
  EXPECT_EQ(env.FinishedEpisodes()[0].terrain_level, level);
  EXPECT_EQ(env.FinishedEpisodes()[0].terrain_type, static_cast<int>(TerrainType::kSlopeUp));
  EXPECT_EQ(env.Env(0).terrain_level(), level + 1);
  // the new episode starts on the platform in the centre
  EXPECT_NEAR(data->qpos[0], 0.0, 1e-12);
  // walking 1 s at 0.5 m/s while standing still: short of half the commanded 0.5 m, one down
  for (int k = 0; k < 50; ++k) Step(&env);
  data->qpos[3] = 0, data->qpos[4] = 1;  // upside down: the episode ends
  Step(&env);
  ASSERT_EQ(env.Terminated()[0], 1.0f);
  EXPECT_EQ(env.Env(0).terrain_level(), level);
  // the logged mean level of the type
  const double mean = 0.5 * (env.Env(0).terrain_level() + env.Env(1).terrain_level());
  EXPECT_EQ(env.MetricValues(), (std::vector<double>{mean}));
}

// three levels, every episode reaching the border: each promotion goes one level up, and one
// from the top level goes to a random level (legged_gym's rule), which is below the top at
// least once in 30 promotions (each has a 2 in 3 chance)
TEST(TerrainEnvTest, SolvingTheTopLevelSendsTheEnvToARandomLevel) {
  EnvConfig config = TerrainEnvConfig(1, {TerrainType::kSlopeUp});
  config.terrain.geometry.levels = 3;
  config.terrain.max_init_level = 2;
  QuadrupedVecEnv env(config);
  env.Reset();
  int from_top = 0, from_top_lower = 0;
  for (int k = 0; k < 30; ++k) {
    const int before = env.Env(0).terrain_level();
    mjData* data = env.Env(0).data();
    data->qpos[0] = 3.6;
    data->qpos[2] += 2.0;
    Step(&env);
    ASSERT_EQ(env.Truncated()[0], 1.0f);
    const int after = env.Env(0).terrain_level();
    ASSERT_GE(after, 0);
    ASSERT_LE(after, 2);
    if (before < 2) {
      EXPECT_EQ(after, before + 1) << "promotion " << k;
    } else {
      ++from_top;
      if (after < 2) ++from_top_lower;
    }
  }
  EXPECT_GE(from_top, 5);
  EXPECT_GE(from_top_lower, 1);
}

// `curriculum: [types]`: the listed types' envs move by the rule, the others draw a random
// level at every episode. Both envs reach the border in each of 9 episodes: the slope env
// climbs 0, 1, ..., 9 (max_init_level 0); the rough env's levels are uniform draws, so they
// are not that run (1 chance in 10^9) and do not all rise by one
TEST(TerrainEnvTest, CurriculumOnListedTypesOnlyLeavesTheOthersAtRandomLevels) {
  EnvConfig read;
  ReadEnvConfig(ConfigReader::FromString(
                    "terrain: {types: {rough: 1, slope_up: 1}, curriculum: [slope_up]}", "t.yaml"),
                &read);
  ASSERT_TRUE(read.terrain.curriculum);
  ASSERT_EQ(read.terrain.curriculum_types, std::vector<TerrainType>{TerrainType::kSlopeUp});
  EXPECT_TRUE(read.terrain.Curriculum(TerrainType::kSlopeUp));
  EXPECT_FALSE(read.terrain.Curriculum(TerrainType::kRough));
  EnvConfig config = TerrainEnvConfig(2, {TerrainType::kSlopeUp, TerrainType::kRough});
  config.terrain.curriculum_types = read.terrain.curriculum_types;
  config.terrain.max_init_level = 0;
  QuadrupedVecEnv env(config);
  env.Reset();
  ASSERT_EQ(env.Env(0).terrain_type(), TerrainType::kSlopeUp);
  ASSERT_EQ(env.Env(1).terrain_type(), TerrainType::kRough);
  std::vector<int> slope = {env.Env(0).terrain_level()}, rough = {env.Env(1).terrain_level()};
  for (int k = 0; k < 9; ++k) {
    for (int i = 0; i < 2; ++i) {
      mjData* data = env.Env(i).data();
      data->qpos[0] = 3.6;
      data->qpos[2] += 2.0;
    }
    Step(&env);
    ASSERT_EQ(env.Truncated()[0] + env.Truncated()[1], 2.0f) << "episode " << k;
    slope.push_back(env.Env(0).terrain_level());
    rough.push_back(env.Env(1).terrain_level());
  }
  EXPECT_EQ(slope, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  int rises_by_one = 0;
  for (size_t k = 1; k < rough.size(); ++k) rises_by_one += rough[k] == rough[k - 1] + 1;
  EXPECT_LT(rises_by_one, 9);
  EXPECT_GT(std::set<int>(rough.begin(), rough.end()).size(), 2u);
}

// a curriculum list names terrain types of the mix
TEST(TerrainEnvTest, BadCurriculumListNamesTheKeyAndTheType) {
  EnvConfig config;
  try {
    ReadEnvConfig(ConfigReader::FromString("terrain: {curriculum: [stairs]}", "t.yaml"), &config);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("terrain.curriculum"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[stairs]"), std::string::npos) << e.what();
  }
  // a later `curriculum: true` clears the list
  ReadEnvConfig(ConfigReader::FromString("terrain: {curriculum: [rough]}", "a.yaml"), &config);
  EXPECT_EQ(config.terrain.curriculum_types.size(), 1u);
  ReadEnvConfig(ConfigReader::FromString("terrain: {curriculum: true}", "b.yaml"), &config);
  EXPECT_TRUE(config.terrain.curriculum_types.empty());
  // a listed type without a share in the mix
  EnvConfig mix = TerrainEnvConfig(1, {TerrainType::kSlopeUp});
  mix.terrain.curriculum_types = {TerrainType::kStairsDown};
  try {
    ValidateEnvConfig(mix, "m.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("m.yaml: env.terrain.curriculum: stairs_down"),
              std::string::npos)
        << e.what();
  }
  // with the curriculum off (eval and play narrow the mix to one type) the list is not checked
  mix.terrain.curriculum = false;
  EXPECT_NO_THROW(ValidateEnvConfig(mix, "m.yaml"));
}

TEST(TerrainEnvTest, EachEpisodeGetsANewPatch) {
  EnvConfig config = TerrainEnvConfig(1, {TerrainType::kRough});
  config.termination.episode_length_s = 0.1;  // 5 steps
  QuadrupedVecEnv env(config);
  env.Reset();
  const std::vector<float> first = env.Env(0).terrain().heights;
  for (int k = 0; k < 5; ++k) Step(&env);
  ASSERT_EQ(env.Truncated()[0], 1.0f);
  EXPECT_NE(env.Env(0).terrain().heights, first);
}

// every type, episodes of 1 s (so patches are regenerated), pushes, noise: bitwise equal
std::vector<float> TerrainRollout(int threads) {
  EnvConfig config = ShippedEnvConfig(14);
  for (const auto& [name, type] : TerrainTypes()) config.terrain.types.emplace_back(type, 1.0);
  for (auto& group : config.observations.groups)
    if (group.first == "teacher") group.second.push_back("height_scan");
  config.termination.episode_length_s = 1.0;
  QuadrupedVecEnv env(config);
  env.SetNumThreads(threads);
  env.Reset();
  Rng rng(5);
  std::vector<float> actions(14 * env.NumActions()), trace;
  for (int k = 0; k < 150; ++k) {
    for (float& a : actions) a = static_cast<float>(rng.Uniform(-1.0, 1.0));
    env.Step(actions.data());
    trace.insert(trace.end(), env.Rewards(), env.Rewards() + 14);
  }
  for (const char* group : {"policy", "teacher"}) {
    const float* obs = env.Observations(group);
    trace.insert(trace.end(), obs, obs + 14 * env.GroupWidth(group));
  }
  for (double level : env.MetricValues()) trace.push_back(static_cast<float>(level));
  return trace;
}

TEST(TerrainEnvTest, SameSeedGivesIdenticalRolloutsWithOneAndTwoThreads) {
  const auto one = TerrainRollout(1);
  const auto two = TerrainRollout(2);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "index " << i;
}

TEST(TerrainEnvTest, MirrorMapSwapsTheScansLeftAndRight) {
  EnvConfig config = TerrainEnvConfig(1, {TerrainType::kObstacles});
  QuadrupedVecEnv env(config);
  env.Reset();
  const QuadrupedModel& model = env.Model();
  ASSERT_TRUE(model.has_mirror);
  const int g = static_cast<int>(
      std::find_if(model.layout.groups.begin(), model.layout.groups.end(),
                   [](const GroupLayout& l) { return l.name == "teacher"; }) -
      model.layout.groups.begin());
  const GroupLayout& layout = model.layout.groups[g];
  std::vector<float> row(layout.width), mirrored(layout.width);
  for (int i = 0; i < layout.width; ++i) row[i] = static_cast<float>(i);
  ApplyMirror(model.group_mirrors[g], row.data(), mirrored.data());
  int offset = -1;
  for (const auto& t : layout.terms)
    if (t.name == "height_scan") offset = t.offset;
  ASSERT_GE(offset, 0);
  const HeightScanConfig& scan = config.terrain.height_scan;
  std::vector<double> in(scan.nx * scan.ny), out(scan.nx * scan.ny);
  for (size_t k = 0; k < in.size(); ++k) in[k] = row[offset + k];
  MirrorHeightScan(scan, in.data(), out.data());
  for (size_t k = 0; k < in.size(); ++k) ASSERT_EQ(mirrored[offset + k], out[k]) << k;
}

}  // namespace
}  // namespace tutor::testing
