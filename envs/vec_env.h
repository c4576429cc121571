#ifndef TUTOR_ENVS_VEC_ENV_H_
#define TUTOR_ENVS_VEC_ENV_H_

#include <array>
#include <string>
#include <vector>

#include "envs/env_layout.h"

namespace tutor {

// What one finished episode looked like, reported by the Step that ended it.
struct EpisodeInfo {
  int env_id = 0;
  int length = 0;             // policy steps
  double episode_return = 0;  // sum of the per-step rewards
  bool terminated = false;    // a fall (or an unstable simulation); false for a time-out
  bool unstable = false;      // the simulation diverged and was reset
  std::vector<double> reward_terms;  // per-term sums, in VecEnv::RewardTermNames() order
  // means over the episode's steps
  double vx_error = 0;        // |cmd_vx - vx|, m/s
  double vy_error = 0;        // |cmd_vy - vy|, m/s
  double yaw_rate_error = 0;  // |cmd_wz - wz|, rad/s
  double power = 0;           // sum_j |tau_j * qd_j|, W
  // gait: how often something other than a foot touched the ground, how long feet swung
  int nonfoot_contact_steps = 0;  // steps with a non-foot ground contact
  int touchdowns = 0;             // feet landing after a swing
  double air_time_sum = 0;        // s, summed over those swings
  // terrain: the patch's type (a TerrainType, -1 without terrain) and level, and how far the
  // base got from where it started (m, horizontal)
  int terrain_type = -1;
  int terrain_level = -1;
  double distance = 0;
};

// A batch of N environments stepped together; what learning/ knows of an environment.
// Buffers are row-major [N, width] floats owned by the env, valid until the next Step/Reset;
// row i always belongs to env i.
class VecEnv {
 public:
  virtual ~VecEnv() = default;

  virtual int NumEnvs() const = 0;
  virtual int NumActions() const = 0;
  virtual const EnvLayout& Layout() const = 0;
  virtual std::vector<std::string> RewardTermNames() const { return {}; }

  // resets every env; observations then hold the first step's
  virtual void Reset() = 0;
  // actions: [N, NumActions()]. Ended envs are reset inside; their final observations stay
  // readable through FinalObservations and their episodes through FinishedEpisodes.
  virtual void Step(const float* actions) = 0;

  virtual const float* Observations(const std::string& group) const = 0;       // [N, width]
  virtual const float* FinalObservations(const std::string& group) const = 0;  // [N, width]
  virtual const float* Rewards() const = 0;     // [N]
  virtual const float* Terminated() const = 0;  // [N], 1 on a fall
  virtual const float* Truncated() const = 0;   // [N], 1 on a time-out
  virtual const std::vector<EpisodeInfo>& FinishedEpisodes() const = 0;  // this step's
  // scalars the env reports once per iteration beside the episodes' (e.g. mean terrain level
  // per type), by name; the names are fixed for the env's life
  virtual std::vector<std::string> MetricNames() const { return {}; }
  virtual std::vector<double> MetricValues() const { return {}; }

  // the domain of env i as it is now, for routing several teachers (distillation): its
  // terrain type, an index into TerrainTypeNames() (empty, and -1, without terrain), and its
  // velocity command (lin_vel_x, lin_vel_y, ang_vel_yaw)
  virtual std::vector<std::string> TerrainTypeNames() const { return {}; }
  virtual int TerrainTypeOf(int) const { return -1; }
  virtual std::array<double, 3> CommandOf(int) const { return {0.0, 0.0, 0.0}; }

  int GroupWidth(const std::string& group) const { return Layout().Group(group).width; }
};

}  // namespace tutor

#endif  // TUTOR_ENVS_VEC_ENV_H_
