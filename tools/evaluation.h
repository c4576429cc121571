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

// Runs one episode per env (env e gets EvalCommand(e)) until every env has finished once.
// Inference runs on one LibTorch thread (restored afterwards, exceptions included).
EvalResult Evaluate(QuadrupedVecEnv* env, const PolicyFn& policy,
                    const std::vector<std::string>& groups);

// "Walks" (the time-to-gait bar): falls <= 5 %, |vx err| <= 0.25 m/s, |yaw err| <= 0.3 rad/s,
// non-foot ground contact <= 1 % of steps, mean foot air time >= 0.15 s per swing.
// Returns the criteria the result misses ("falls 12.5 % > 5 %", ...); empty: a gait.
std::vector<std::string> GaitShortfalls(const EvalResult& result);

// the result's means as JSON (nlohmann-json; a NaN is written as null)
nlohmann::json EvalResultJson(const EvalResult& result);

}  // namespace tutor

#endif  // TUTOR_TOOLS_EVALUATION_H_
