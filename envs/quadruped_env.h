#ifndef TUTOR_ENVS_QUADRUPED_ENV_H_
#define TUTOR_ENVS_QUADRUPED_ENV_H_

#include <array>
#include <cstdint>
#include <vector>

#include "envs/mujoco_util.h"
#include "envs/quadruped_model.h"
#include "envs/quadruped_rewards.h"
#include "envs/rng.h"
#include "envs/vec_env.h"

namespace tutor {

// the PD law the env applies at every physics substep (N·m); strength scales gains and limit:
// tau = clip(strength * (kp * (target - q) - kd * qd), -strength * limit, strength * limit)
double PdTorque(double kp, double kd, double target, double q, double qd, double limit,
                double strength);

// one env's drive, per policy joint: its PD gains (the layout's times this episode's
// randomized factors) and its motor strength (torque and limit multiplier)
struct DriveGains {
  std::vector<double> kp, kd, strength;
};

// the layout's gains at strength 1, as the env drives an unrandomized robot
DriveGains NominalGains(const QuadrupedModel& quadruped);

// Writes this env's gains into the file's position actuators: kp and kd times strength (over
// gear^2), force range strength x torque limit (over |gear|); other drives are left alone.
void WriteActuatorGains(const QuadrupedModel& quadruped, const DriveGains& gains, mjModel* model);

// One physics substep's control towards `targets` (rad): the env's PD as qfrc_applied, or the
// file's actuators' ctrl. `torques` receives each joint's torque (N·m) as the PD law gives it
// after the strength-scaled limit (and the actuator's ctrl range), which is what MuJoCo applies.
void ApplyControl(const QuadrupedModel& quadruped, const mjModel* model,
                  const std::vector<double>& targets, const DriveGains& gains, mjData* data,
                  std::vector<double>* torques);

// A push's horizontal velocity change (m/s, world frame): a uniformly random direction and a
// magnitude in [speed[0], speed[1]], uniform over the area of that annulus (so [0, v] is
// uniform over the disc of radius v, and [v, v] pushes at exactly v).
std::array<double, 2> DrawPush(Rng* rng, const double speed[2]);

// height of a geom's lowest point above z = 0 (exact for spheres, the bounding sphere else)
double GeomBottom(const mjModel* model, const mjData* data, int geom);

// One quadruped: an mjData, its own model copy, its RNG stream, commands, episode bookkeeping.
// Writes its observations straight into the batch rows it is handed.
class QuadrupedEnv {
 public:
  QuadrupedEnv(const QuadrupedModel& quadruped, int env_id, uint64_t seed);

  // per-group output rows of this env (one pointer per layout group)
  struct Rows {
    float* const* obs;
    float* const* final_obs;
    float* reward;
    float* terminated;
    float* truncated;
  };

  void Reset(const Rows& rows, bool randomize_progress);
  // returns true when the episode ended (then `episode` holds its info and the env is reset)
  bool Step(const float* action, const Rows& rows, EpisodeInfo* episode);

  // evaluation / viewer controls
  void SetFixedCommand(const double command[3]);
  void ClearFixedCommand() { fixed_command_ = false; }
  void Push(double vx, double vy);  // adds to the base velocity (m/s, world frame)

  const mjModel* model() const { return model_.get(); }
  mjData* data() const { return data_.get(); }
  const double* command() const { return command_.data(); }
  double friction() const { return friction_; }
  double added_mass() const { return added_mass_; }
  const std::vector<double>& motor_strength() const { return gains_.strength; }
  const DriveGains& gains() const { return gains_; }
  int latency_substeps() const { return latency_substeps_; }
  // the gait clock (env.gait) at policy step `step` of the episode: is foot k in stance
  bool FootInStance(int foot, int step) const;
  double GaitPhase(int step) const;  // in [0, 1)
  const std::vector<double>& torques() const { return torques_; }

  // terrain (QuadrupedModel::has_terrain): the patch under the robot, its type and level
  const TerrainPatch& terrain() const { return patch_; }
  TerrainType terrain_type() const;
  int terrain_level() const { return terrain_level_; }
  // pins the level from the next reset on (a benchmark's fixed patches), or hands it back to
  // the curriculum (level < 0)
  void SetTerrainLevel(int level);
  // the ground's top under (x, y): the terrain's, or the floor geom's height without terrain
  double GroundHeight(double x, double y) const;
  // moves the robot, as it stands, to (x, y) with its lowest foot on the ground there (a
  // benchmark's spread of robots over a patch); the episode goes on from there
  void PlaceAt(double x, double y);

 private:
  void Randomize();
  void ResampleCommand();
  void ReadState();     // both of:
  void ReadBase();      // body-frame velocities, gravity, height from qpos/qvel
  // the accelerometer from the base velocity's change over `dt` s (0: at rest, reads -g)
  void ReadAccelerometer(double dt);
  void ReadContacts();  // ground contacts and their forces from the last solve
  // the (qpos, qvel) the last mj_step1 described, to reuse its work if nothing changed since
  void RememberStepOne();
  bool StepOneIsCurrent() const;
  void PlaceOnGround();  // shifts the base so the lowest foot touches the floor
  void WriteObservations(float* const* rows);
  // weighted reward terms x dt; also advances last action/velocity and feet air time
  double ComputeReward(bool fell);
  // a fall's reward when the state cannot be read: the termination term alone
  double UnstableReward();
  bool Unstable() const;
  double FootHeight(int foot) const;  // lowest point of the foot above the ground under it (m)
  void NewTerrain();                  // this episode's patch: its height field into the model
  void WriteNearbyBoxes();            // the patch's boxes near the base into the model's pool
  // the curriculum at the end of an episode whose base got `distance` m from its start
  void UpdateTerrainLevel(double distance);
  bool LeftTerrain() const;           // the base is over the patch's border

  const QuadrupedModel& quadruped_;
  int env_id_;
  uint64_t seed_;
  ModelPtr model_;  // this env's copy of quadruped_.mj_model
  DataPtr data_;
  Rng rng_;

  // randomization drawn at reset
  double friction_ = 1.0, added_mass_ = 0.0;
  DriveGains gains_;
  int latency_substeps_ = 0;  // substeps that still apply the previous step's targets
  // command and schedules
  std::array<double, 3> command_{};
  bool fixed_command_ = false;
  std::array<double, 3> fixed_{};
  int command_timer_ = 0, push_timer_ = 0;
  // per-step state
  std::vector<double> action_, last_action_, last_qvel_, torques_, air_time_;
  std::vector<double> targets_, last_targets_;  // rad, PD targets of this and the last step
  std::vector<double> foot_force_, part_force_, scratch_;
  std::vector<double> step_one_state_;
  std::vector<bool> last_contact_;
  bool needs_foot_height_ = false;  // feet_clearance is weighted: FootHeight at every step
  double lin_vel_[3], ang_vel_[3], gravity_[3], up_z_ = 1;
  double world_vel_[3];  // world-frame base linear velocity at the last reading
  double base_rot_[9];   // base -> world rotation (row-major), read by ReadBase
  double lin_acc_[3];    // accelerometer: body-frame specific force over the last step
  double base_height_ = 0;  // m above the floor geom
  bool fall_contact_ = false;
  bool nonfoot_contact_ = false;  // a robot geom other than a foot touches the ground
  int collisions_ = 0;            // collision parts pressing the ground above the threshold
  // reward scratch, sized once
  RewardInputs reward_inputs_;
  std::vector<double> reward_values_, weighted_;
  // episode bookkeeping
  int progress_ = 0;  // steps towards the time limit (may start random)
  int length_ = 0;    // steps taken in this episode
  double episode_return_ = 0;
  std::vector<double> term_sums_;
  double error_sums_[3] = {0, 0, 0}, power_sum_ = 0;
  int nonfoot_steps_ = 0, touchdowns_ = 0;
  double air_time_sum_ = 0;
  // terrain
  TerrainPatch patch_;
  int terrain_level_ = 0;
  int fixed_level_ = -1;     // >= 0: SetTerrainLevel's
  uint64_t episodes_ = 0;    // episodes begun: each one's patch has its own random stream
  Rng terrain_rng_;          // levels: the first one and those past the top
  double command_distance_ = 0;  // m, sum of |command xy| dt over the episode
  double start_xy_[2] = {0, 0};  // m, where the base began the episode
  std::vector<int> near_boxes_;  // scratch of WriteNearbyBoxes
  int active_boxes_ = 0;         // pool boxes it placed last time (the rest are parked)
};

}  // namespace tutor

#endif  // TUTOR_ENVS_QUADRUPED_ENV_H_
