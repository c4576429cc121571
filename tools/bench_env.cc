// tutor bench env: env throughput against a bare mj_step loop over the same model, the same
// number of mjData and the same threads, in one run (after MuJoCo's sample/testspeed.cc).
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {
namespace {

// after a reset: nothing, or (terrain) robot i moved to a fixed random point of its patch
void Place(QuadrupedVecEnv* env, bool spread) {
  if (!spread) return;
  const TerrainGeometryConfig& g = env->Model().config.terrain.geometry;
  const double reach = 0.5 * g.patch_size - g.border - 0.5;
  for (int i = 0; i < env->NumEnvs(); ++i) {
    Rng rng(7, static_cast<uint64_t>(i));
    const double x = rng.Uniform(-reach, reach), y = rng.Uniform(-reach, reach);
    env->Env(i).PlaceAt(x, y);
  }
}

// env steps/s of `steps` batched steps with zero actions (the robot stands on its PD loop)
double TimeEnv(QuadrupedVecEnv* env, int steps, int threads, bool spread = false) {
  env->SetNumThreads(threads);
  env->Reset();
  Place(env, spread);
  std::vector<float> actions(static_cast<size_t>(env->NumEnvs()) * env->NumActions(), 0.0f);
  for (int k = 0; k < 10; ++k) env->Step(actions.data());  // warm caches and contacts
  const Stopwatch clock;
  for (int k = 0; k < steps; ++k) env->Step(actions.data());
  return static_cast<double>(steps) * env->NumEnvs() / clock.Seconds();
}

// physics steps/s of a bare loop over the env's own mjData and model copies (the same memory,
// the same randomized models, the same states after a reset), stepped by mj_step under the
// env's own control law (ApplyControl) towards the default pose, and nothing else: the
// difference to TimeEnv is the env's own work (observations, rewards, resets, pushes), not a
// different simulation or another memory layout
double TimeBare(QuadrupedVecEnv* env, int policy_steps, int threads, bool spread = false) {
  const QuadrupedModel& spec = env->Model();
  const int decimation = spec.decimation;
  const int num_data = env->NumEnvs();
  env->Reset();
  Place(env, spread);
  // the env's loop order: each policy step, every data advances `decimation` substeps (stepping
  // one data for all steps back to back would keep it in cache and time something no batched
  // env does)
  auto run = [&](int policy_steps) {
    for (int k = 0; k < policy_steps; ++k) {
#pragma omp parallel for schedule(static) num_threads(threads)
      for (int i = 0; i < num_data; ++i) {
        const mjModel* model = env->Env(i).model();
        const DriveGains& gains = env->Env(i).gains();
        mjData* data = env->Env(i).data();
        std::vector<double> torques(spec.num_joints);
        for (int s = 0; s < decimation; ++s) {
          ApplyControl(spec, model, spec.layout.default_pose, gains, data, &torques);
          mj_step(model, data);
        }
      }
    }
  };
  run(10);
  const Stopwatch clock;
  run(policy_steps);
  return static_cast<double>(policy_steps) * decimation * num_data / clock.Seconds();
}

// bytes one env holds: its model copy, its mjData (buffer and stack), its terrain patch
double EnvBytes(QuadrupedVecEnv* env) {
  QuadrupedEnv& e = env->Env(0);
  const TerrainPatch& patch = e.terrain();
  return e.model()->nbuffer + e.data()->nbuffer + e.data()->nstack * sizeof(mjtNum) +
         patch.heights.size() * sizeof(float) + patch.boxes.size() * sizeof(TerrainBox) +
         (patch.grid_start.size() + patch.grid_boxes.size()) * sizeof(int);
}

// every terrain type alone (one type for every env, one level, robots standing at fixed random
// points of their patches) against the config without terrain; and the height scan's cost
void BenchTerrain(const EnvConfig& still, const std::string& source,
                  const std::vector<TerrainType>& types, int level, int steps, int threads,
                  int repeats, nlohmann::json* out) {
  std::printf("\nterrain: every env on one type at level %d, robots standing at fixed random "
              "points of the patch; %d threads\n", level, threads);
  std::printf("%-22s %12s %9s %9s %15s %8s %10s %13s\n", "terrain", "env steps/s", "/ none",
              "/ flat", "bare mj_step/s", "ratio", "KiB/env", "max con/efc");
  EnvConfig none = still;
  none.terrain.types.clear();
  auto variant = [&](const char* name, TerrainType type, bool scan) {
    EnvConfig c = still;
    c.terrain.types = {{type, 1.0}};
    c.terrain.curriculum = false;
    if (scan)
      for (auto& group : c.observations.groups)
        if (group.first == "teacher") group.second.push_back("height_scan");
    return std::make_pair(std::string(name), c);
  };
  std::vector<std::pair<std::string, EnvConfig>> variants = {{"none (the file's floor)", none}};
  for (TerrainType type : types) variants.push_back(variant(ChoiceName(TerrainTypes(), type), type, false));
  variants.push_back(variant("rough + height_scan", TerrainType::kRough, true));
  double none_steps = 0, flat_steps = 0, rough_steps = 0;
  for (const auto& [name, c] : variants) {
    QuadrupedVecEnv env(c, source);
    const bool terrain = env.Model().has_terrain;
    for (int i = 0; i < env.NumEnvs() && terrain; ++i) env.Env(i).SetTerrainLevel(level);
    double env_steps = 0, bare = 0;
    for (int r = 0; r < repeats; ++r) {
      env_steps = std::max(env_steps, TimeEnv(&env, steps, threads, terrain));
      bare = std::max(bare, TimeBare(&env, steps, threads, terrain));
    }
    if (!terrain) none_steps = env_steps;
    if (name == "flat") flat_steps = env_steps;
    if (name == "rough") rough_steps = env_steps;
    const double ratio = env_steps * env.Model().decimation / bare;
    const double kib = EnvBytes(&env) / 1024.0;
    int max_con = 0, max_efc = 0;  // the buffers' use by the busiest env
    for (int i = 0; i < env.NumEnvs(); ++i) {
      max_con = std::max(max_con, env.Env(i).data()->maxuse_con);
      max_efc = std::max(max_efc, env.Env(i).data()->maxuse_efc);
    }
    const std::string use = std::to_string(max_con) + "/" + std::to_string(max_efc);
    std::printf("%-22s %12.0f %9.3f %9s %15.0f %8.3f %10.0f %13s\n", name.c_str(), env_steps,
                env_steps / none_steps,
                flat_steps > 0 ? std::to_string(env_steps / flat_steps).substr(0, 5).c_str() : "-",
                bare, ratio, kib, use.c_str());
    if (name == "rough + height_scan" && rough_steps > 0)
      std::printf("height scan (%d points): %.2f us per env step at %d threads (rough with it "
                  "vs without)\n",
                  HeightScanWidth(c.terrain.height_scan),
                  1e6 * threads * (1.0 / env_steps - 1.0 / rough_steps), threads);
    out->push_back({{"terrain", name},
                    {"env_steps_per_s", env_steps},
                    {"over_none", env_steps / none_steps},
                    {"over_flat", flat_steps > 0 ? env_steps / flat_steps : 0.0},
                    {"bare_physics_steps_per_s", bare},
                    {"ratio", ratio},
                    {"bytes_per_env", EnvBytes(&env)},
                    {"max_contacts", max_con},
                    {"max_constraints", max_efc}});
  }
}

}  // namespace

int RunBenchEnv(int argc, char** argv, int first) {
  CLI::App app("env throughput vs a bare mj_step loop, thread scaling", "tutor bench env");
  std::string config_path = DefaultConfigPath("go1_env.yaml"), json_path, baseline_path;
  std::vector<std::string> overrides;
  int envs = 256, steps = 500, max_threads = omp_get_num_procs(), repeats = 3;
  app.add_option("--config", config_path, "config file")->capture_default_str();
  app.add_option("--set", overrides, "override a config key, e.g. env.seed=3 (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--envs", envs, "number of envs")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--steps", steps, "policy steps per measurement")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--threads", max_threads, "max threads; 1..T are measured")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--repeats", repeats, "measurements per point, best kept")
      ->check(CLI::Range(1, 1 << 30))
      ->capture_default_str();
  app.add_option("--baseline-config", baseline_path,
                 "also time this config's env (same envs, steps, --set and threads) and print "
                 "env steps/s of --config over it, e.g. configs/go1_simple_env.yaml");
  std::vector<std::string> terrain_names;
  int terrain_level = 5;
  app.add_option("--terrain", terrain_names,
                 "also time each of these terrain types (or 'all') alone against the config "
                 "without terrain, at the last thread count, with the height scan's cost")
      ->delimiter(',');
  app.add_option("--terrain-level", terrain_level, "the level of every patch in --terrain")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--json", json_path, "write the results to this JSON file");
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  AppConfig config = LoadAppConfig(config_path, overrides);
  config.env.num_envs = envs;
  std::vector<TerrainType> terrain_types;
  for (const std::string& name : terrain_names) {
    TerrainType type;
    if (name == "all") {
      for (const auto& entry : TerrainTypes()) terrain_types.push_back(entry.second);
    } else if (ParseChoice(TerrainTypes(), name, &type)) {
      terrain_types.push_back(type);
    } else {
      throw ConfigError("--terrain: unknown terrain type '" + name + "' (expected all, " +
                        ChoiceList(TerrainTypes()) + ")");
    }
  }
  // The ratio compares the env with bare mj_step over the same states: every robot stands at
  // its default pose from an unperturbed reset in both loops (pushes, random initial twists
  // and joint offsets send the two loops' robots into different states, and a pushed robot
  // costs the solver more than a still one, whichever loop it is in). Env steps/s as training
  // sees them, with the config's randomization, are what --baseline-config compares.
  EnvConfig still = config.env;
  still.randomization.push_velocity[0] = still.randomization.push_velocity[1] = 0;
  still.randomization.init_base_velocity = 0;
  still.randomization.init_joint_pos = 0;
  QuadrupedVecEnv env(still, config.source);
  PrintEnvSummary(env);
  const int decimation = env.Model().decimation;
  struct Row {
    int threads;
    double env_steps, env_physics, bare_physics;
  };
  std::vector<Row> rows;
  std::printf("bench env: %d envs, %d policy steps (%d physics substeps each), best of %d; "
              "robots standing unperturbed in both loops\n",
              env.NumEnvs(), steps, decimation, repeats);
  std::printf("%8s %14s %18s %18s %8s\n", "threads", "env steps/s", "env physics/s",
              "bare mj_step/s", "ratio");
  for (int threads = 1; threads <= max_threads; ++threads) {
    Row row{threads, 0, 0, 0};
    for (int r = 0; r < repeats; ++r) {  // alternate the two so drift hits both alike
      row.env_steps = std::max(row.env_steps, TimeEnv(&env, steps, threads));
      row.bare_physics = std::max(row.bare_physics, TimeBare(&env, steps, threads));
    }
    row.env_physics = row.env_steps * decimation;
    rows.push_back(row);
    std::printf("%8d %14.0f %18.0f %18.0f %8.3f\n", threads, row.env_steps, row.env_physics,
                row.bare_physics, row.env_physics / row.bare_physics);
  }
  const Row& last = rows.back();
  const double ratio = last.env_physics / last.bare_physics;
  const double env_scaling = last.env_steps / rows.front().env_steps;
  const double bare_scaling = last.bare_physics / rows.front().bare_physics;
  std::printf("ratio env/bare at %d threads: %.3f\n", last.threads, ratio);
  std::printf("scaling 1 -> %d threads: env %.2fx, bare %.2fx\n", last.threads, env_scaling,
              bare_scaling);

  // the env as training runs it (the config's randomization, pushes included) against another
  // config's env, alternating
  double baseline_steps = 0, this_steps = 0;
  if (!baseline_path.empty()) {
    AppConfig base = LoadAppConfig(baseline_path, overrides);
    base.env.num_envs = envs;
    QuadrupedVecEnv training(config.env, config.source);
    QuadrupedVecEnv baseline(base.env, base.source);
    std::printf("baseline ");
    PrintEnvSummary(baseline);
    for (int r = 0; r < repeats; ++r) {
      this_steps = std::max(this_steps, TimeEnv(&training, steps, last.threads));
      baseline_steps = std::max(baseline_steps, TimeEnv(&baseline, steps, last.threads));
    }
    std::printf("randomized env steps/s at %d threads: %.0f vs %.0f for %s: %.3fx\n",
                last.threads, this_steps, baseline_steps, baseline_path.c_str(),
                this_steps / baseline_steps);
  }

  nlohmann::json terrain_rows = nlohmann::json::array();
  if (!terrain_types.empty())
    BenchTerrain(still, config.source, terrain_types, terrain_level, steps, last.threads, repeats,
                 &terrain_rows);

  if (!json_path.empty()) {
    nlohmann::json results = nlohmann::json::array();
    for (const Row& r : rows)
      results.push_back({{"threads", r.threads},
                         {"env_steps_per_s", r.env_steps},
                         {"env_physics_steps_per_s", r.env_physics},
                         {"bare_physics_steps_per_s", r.bare_physics},
                         {"ratio", r.env_physics / r.bare_physics}});
    nlohmann::json out = {
        {"envs", env.NumEnvs()},       {"steps", steps}, {"decimation", decimation},
        {"results", results},          {"ratio", ratio}, {"env_scaling", env_scaling},
        {"bare_scaling", bare_scaling}};
    if (!terrain_rows.empty()) out["terrain"] = terrain_rows;
    if (!baseline_path.empty())
      out["baseline"] = {{"config", baseline_path},
                         {"env_steps_per_s", baseline_steps},
                         {"this_env_steps_per_s", this_steps},
                         {"ratio", this_steps / baseline_steps}};
    WriteOutput("bench env", "json", json_path, out.dump(2) + "\n");
  }
  return 0;
}

}  // namespace tutor
