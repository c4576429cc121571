#ifndef TUTOR_TOOLS_EVALUATION_H_
#define TUTOR_TOOLS_EVALUATION_H_

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "envs/quadruped_vec_env.h"
#include "learning/algorithm.h"
#include "learning/policy_loading.h"

namespace tutor {

// The fixed evaluation schedule: episode e is commanded
//   vx  = {1, -1, 0.5, -0.5, 0, 0.75, -0.75, 0.25}[e % 8]                     (m/s)
//   (vy, yaw) = {(0,0), (0.5,0), (-0.5,0), (0,1), (0,-1), (0.25,0.5), (-0.25,-0.5), (0,0.5)}
//               [(e / 8) % 8]                                                  (m/s, rad/s)
// for its whole episode; 64 episodes cover the 8 x 8 grid once.
std::array<double, 3> EvalCommand(int episode);

// The evaluation env's overrides, shared by eval, bench policies, play and train's gait
// check: `episodes` envs (one episode each), env seed `seed`, every episode starting at step 0
// (no randomized progress). Appended to `overrides` (a user's --set stays first).
void AppendEvalOverrides(int episodes, int seed, std::vector<std::string>* overrides);

// Config overrides for the sim-to-sim check ("reference physics"): 0.002 s physics steps,
// elliptic friction cones with impratio 100, condim-6 feet (torsional and rolling friction),
// MuJoCo's default Newton solve (100 iterations, tolerance 1e-8), the file's joint friction
// loss; decimation re-derived so the policy keeps its `control_dt`.
std::vector<std::string> ReferencePhysicsOverrides(double control_dt);

// a deterministic policy: observations (and which rows just started an episode) -> actions
using PolicyFn = std::function<torch::Tensor(const ObsMap& obs, const torch::Tensor& starts)>;

// a loaded policy's mean action on its group; a recurrent one starts each episode from zeros
PolicyFn MeanActionPolicy(const LoadedPolicy& loaded);

struct EvalResult {
  int episodes = 0;
  double mean_return = 0, mean_length = 0, fall_rate = 0;
  double vx_error = 0, vy_error = 0, yaw_rate_error = 0, power = 0;
  // gait: share of steps with a non-foot part on the ground (all episodes' steps), and the
  // mean swing of a foot, from lift-off to touchdown (s, over all touchdowns; 0 without any)
  double nonfoot_contact_share = 0, foot_air_time = 0;
  int env_threads = 0;  // the threads the env stepped on (inference runs on one)
  std::vector<EpisodeInfo> per_episode;  // in episode order
};

// Runs one episode per env (env e gets EvalCommand(e), or `command` when given) until every
// env has finished once. Inference runs on one LibTorch thread (restored afterwards,
// exceptions included).
EvalResult Evaluate(QuadrupedVecEnv* env, const PolicyFn& policy,
                    const std::vector<std::string>& groups,
                    const std::array<double, 3>* command = nullptr);

// The terrain benchmark (`tutor eval --terrain`, `tutor bench policies --terrain`): for each
// terrain type and level, `episodes` robots start on the centre platform of their own fixed
// patch (env seed `seed`, never a training seed: patches come from (seed, env, episode)),
// facing a random way, all commanded `command` m/s straight ahead, so every one walks into
// the pyramid's rings; no pushes (the terrain alone), the rest of the stored randomization
// as trained. An episode succeeds when it does not fall and its base gets `success_m` from
// where it started (leaving the patch ends an episode as a time-out, not a fall).
struct TerrainBenchConfig {
  std::vector<TerrainType> types;  // in TerrainTypes() order
  std::vector<int> levels;         // empty: every level of the geometry
  int episodes = 64;
  int seed = 2000;
  double command = 0.6;     // m/s forward
  double episode_s = 10.0;  // s; 3 m at 0.6 m/s takes 5 s
  double success_m = 3.0;
  // Long patches (`--terrain-long`): each patch grows until a robot at 1.25x the command
  // cannot reach its border within the episode (obstacles at the same density), so every
  // episode that does not fall lasts the whole `episode_s` for every policy. On the trained
  // patches leaving the patch ends an episode, so a slower robot stays longer and collects
  // more reward: returns then compare time on the patch as much as walking.
  bool long_patches = false;
};
// the patch side the benchmark uses: the config's, or with long_patches the one at least
// 2 (border + 1.25 command episode_s) wide
double BenchPatchSize(const TerrainBenchConfig& bench, double patch_size, double border);
struct TerrainCell {
  TerrainType type = TerrainType::kFlat;
  int level = 0;
  double size = 0;  // TerrainFeatureSize
  double success_rate = 0, mean_distance = 0;
  EvalResult result;
};
// "all" or type names (TerrainTypes()) -> types in table order; ConfigError naming `flag`
std::vector<TerrainType> ParseTerrainTypes(const std::vector<std::string>& names,
                                           const std::string& flag);
// Every (type, level) cell of `bench` for a policy of `loaded`, in the env of `config_text`
// (`source` names it in errors) with `overrides`; `progress` is told each cell before it runs.
std::vector<TerrainCell> EvaluateTerrain(const std::string& config_text,
                                         const std::string& source,
                                         const std::vector<std::string>& overrides,
                                         const TerrainBenchConfig& bench, int threads,
                                         const LoadedPolicy& loaded, const PolicyFn& policy,
                                         const std::function<void(const std::string&)>& progress);
nlohmann::json TerrainCellsJson(const std::vector<TerrainCell>& cells);
// one table: a row per (type, level), for each named policy "success / return / falls"
std::string TerrainMarkdown(const TerrainBenchConfig& bench,
                            const std::vector<std::string>& names,
                            const std::vector<std::vector<TerrainCell>>& cells);

// "Walks" (the time-to-gait bar): falls <= 5 %, |vx err| <= 0.25 m/s, |yaw err| <= 0.3 rad/s,
// non-foot ground contact <= 1 % of steps, mean foot air time >= 0.15 s per swing.
// Returns the criteria the result misses ("falls 12.5 % > 5 %", ...); empty: a gait.
std::vector<std::string> GaitShortfalls(const EvalResult& result);

// the result's means as JSON (nlohmann-json; a NaN is written as null)
nlohmann::json EvalResultJson(const EvalResult& result);

}  // namespace tutor

#endif  // TUTOR_TOOLS_EVALUATION_H_
