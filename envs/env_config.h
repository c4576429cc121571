#ifndef TUTOR_ENVS_ENV_CONFIG_H_
#define TUTOR_ENVS_ENV_CONFIG_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/choice.h"
#include "envs/terrain.h"

namespace tutor {

class ConfigReader;

// how the env turns PD targets into joint torques
enum class ControlMode {
  kPd,         // the env's PD law as a generalized force; the file's actuators on the
               // controlled joints are disabled (their gains and biases zeroed)
  kActuators,  // the file's actuators: position ones get the config's kp/kd written in and
               // ctrl = target; motor ones get ctrl = the env's PD torque
};

// what the robot is: everything the env needs to drive another quadruped MJCF by config alone.
// Contact parts (feet, fall and collision contacts) are named by geom or by body: a name is a
// geom when the file has a geom of that name, else a body (all its colliding geoms); prefix
// "geom:" or "body:" to say which.
struct RobotConfig {
  std::string mjcf;                        // scene file, resolved against the config's folder
  std::string base_body = "trunk";
  std::vector<std::string> joints;         // policy order of the actuated joints
  std::vector<std::string> feet;           // one geom or body per foot
  std::string floor_geom = "floor";        // the ground heights are measured from
  std::vector<std::string> fall_contacts;  // these touching the ground is a fall
  std::vector<std::string> collision_contacts;  // penalised by the `collision` reward term
  ControlMode control = ControlMode::kPd;
  std::vector<double> default_pose;        // rad, one per joint
  std::vector<double> kp;                  // N·m/rad, one per joint (a scalar broadcasts)
  std::vector<double> kd;                  // N·m·s/rad
  std::vector<double> torque_limits;       // N·m
  double action_scale = 0.25;              // target = default + action_scale * action
  double action_clip = 100.0;              // actions clipped to [-clip, clip] first
  double control_dt = 0;                   // s per policy step; 0: decimation x timestep
  int decimation = 0;                      // physics substeps per policy step; 0: derived
  double base_height = 0.3;                // m, initial trunk height when no keyframe is given
  std::string keyframe;                    // optional standing keyframe to reset to
  // the left-right mirror (for symmetry in learning): for each policy joint the joint it maps
  // to and the sign its angle takes, for each foot its mirror foot; empty: no mirror declared
  struct Mirror {
    std::vector<std::string> joints;
    std::vector<double> signs;
    std::vector<std::string> feet;
  } mirror;
};

// A gait clock: phase = (t / period) mod 1 from the episode's start; foot f is in stance while
// (phase + offsets[f]) mod 1 < stance, in swing for the rest of the cycle. The `gait_phase`
// observation is (sin 2 pi phase, cos 2 pi phase); the `gait` reward pays the share of feet
// whose contact matches the clock (all feet in stance when the command is zero).
struct GaitConfig {
  double period_s = 0;          // 0: no clock
  std::vector<double> offsets;  // one per foot, in [0, 1)
  double stance = 0.5;          // share of the cycle a foot is down
};

// physics options written over the file's after loading; 0 / kFile keeps the file's.
// (Contact and constraint buffers, nconmax / njmax, are the file's: MuJoCo sizes its stack
// from them when it compiles.)
struct PhysicsConfig {
  enum class Cone { kFile, kPyramidal, kElliptic };
  enum class Solver { kFile, kPgs, kCg, kNewton };
  double timestep = 0;  // s
  Cone cone = Cone::kFile;
  double impratio = 0;
  Solver solver = Solver::kFile;
  int iterations = 0;
  double tolerance = 0;
  int foot_condim = 0;       // contact dimensionality of the foot geoms (1, 3, 4 or 6)
  bool frictionloss = true;  // false: the controlled joints' dry friction is removed
};

// velocity commands (vx, vy in the body frame, yaw rate), resampled every `resample_s`
struct CommandConfig {
  double resample_s = 5.0;
  double vx[2] = {-1.0, 1.0};   // m/s
  double vy[2] = {-0.5, 0.5};   // m/s
  double yaw[2] = {-1.0, 1.0};  // rad/s
  double zero_probability = 0.1;  // chance a sample is "stand still"
  double small_to_zero = 0.2;     // |v_xy| below this (m/s) is commanded as 0
};

// domain randomization, drawn again at every reset of an env
struct RandomizationConfig {
  double friction[2] = {0.4, 1.0};
  double added_mass[2] = {-1.0, 1.0};      // kg on the base body
  double motor_strength[2] = {0.9, 1.1};   // torque multiplier, per joint
  double push_interval_s[2] = {5.0, 10.0};
  // m/s: each push adds a horizontal base velocity of a magnitude in this range, in a random
  // direction (DrawPush); YAML takes [low, high] or one number v for [0, v]
  double push_velocity[2] = {0.0, 0.5};
  double init_joint_pos = 0.1;             // rad, ± uniform around the default pose
  double init_base_velocity = 0.5;         // m/s and rad/s, ± uniform on all 6 base DoF
  bool init_random_yaw = true;
  double kp_factor[2] = {1.0, 1.0};        // PD gain multipliers, per joint
  double kd_factor[2] = {1.0, 1.0};
  double action_latency[2] = {0.0, 0.0};   // policy steps the action arrives late (0..1)
};

struct ObsTermConfig {
  std::string name;
  double scale = 1.0;
  double noise = 0.0;  // uniform ±noise in the term's own units, before scaling
};

struct ObservationConfig {
  std::vector<ObsTermConfig> terms;  // scale and noise per term name
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  std::vector<std::string> noisy_groups = {"policy"};  // never privileged ones
};

struct RewardConfig {
  std::vector<std::pair<std::string, double>> scales;  // term -> scale (per second)
  double tracking_sigma = 0.25;
  double base_height_target = 0.27;  // m
  double feet_air_time_target = 0.3;  // s
  double feet_clearance_target = 0.08;  // m, a swing foot's height above the ground under it
  double soft_joint_limit = 0.9;  // fraction of the joint range before dof_pos_limits bites
  double collision_force = 0.1;   // N of contact force that makes a part count as colliding
  bool clip_negative = true;      // the step's total reward is clipped at 0 below
};

struct TerminationConfig {
  double episode_length_s = 20.0;
  double max_tilt = 1.0;          // rad between the trunk's up axis and the world's
  double min_base_height = 0.12;  // m
  bool randomize_start = true;    // first episode of each env starts at a random step
};

// Terrain (envs/terrain.h): each env owns a patch of one type, fixed per env by the shares
// (env i takes the type whose cumulative share covers (i + 0.5) / num_envs), at a level the
// curriculum moves; regenerated at every reset. No types: the file's floor, as before.
struct TerrainConfig {
  std::vector<std::pair<TerrainType, double>> types;  // type -> share, in TerrainTypes() order
  TerrainGeometryConfig geometry;
  // legged_gym's curriculum, at every reset: up a level when the episode covered the way from
  // the centre to the border (patch_size / 2 - border), down when it covered less than half
  // its commanded distance (the sum of |command xy| dt over its steps); past the top: a random
  // level
  // (with the random start of the first episodes, "commanded" is what the episode lived).
  // false: every episode at a uniformly random level
  bool curriculum = true;
  // with `curriculum`: the types it moves (YAML `curriculum: [stairs_down, ...]`); the envs of
  // the other types take a uniformly random level at every episode. Empty: every type.
  std::vector<TerrainType> curriculum_types;
  // whether the envs of `type` follow the curriculum
  bool Curriculum(TerrainType type) const {
    return curriculum && (curriculum_types.empty() ||
                          std::find(curriculum_types.begin(), curriculum_types.end(), type) !=
                              curriculum_types.end());
  }
  int max_init_level = 5;  // the first level is uniform in [0, max_init_level]
  HeightScanConfig height_scan;
  // contact and constraint buffers with terrain (0: the file's x 2; feet on a height field
  // and box edges make more contacts than on a plane; mjData grows with njmax squared)
  int nconmax = 0, njmax = 0;
  bool enabled() const { return !types.empty(); }
};

// the index into `terrain.types` of env `env` of `num_envs`: the type whose cumulative share
// covers (env + 0.5) / num_envs
int TerrainOfEnv(const TerrainConfig& terrain, int env, int num_envs);

struct EnvConfig {
  int num_envs = 256;
  int seed = 1;
  // a rank's share of a data-parallel run: env i of this batch is env first_env_id + i of
  // total_envs (0: num_envs) for its RNG streams, terrain type and patches, so 2 ranks x 512
  // envs are the envs of 1 x 1024. Set by the trainers, not a config key.
  int first_env_id = 0;
  int total_envs = 0;
  RobotConfig robot;
  PhysicsConfig physics;
  CommandConfig commands;
  RandomizationConfig randomization;
  GaitConfig gait;
  ObservationConfig observations;
  RewardConfig rewards;
  TerminationConfig termination;
  TerrainConfig terrain;
};

const ChoiceTable<ControlMode>& ControlModes();
const ChoiceTable<PhysicsConfig::Cone>& Cones();
const ChoiceTable<PhysicsConfig::Solver>& Solvers();

// reads the `env:` section of a config layer into `config` (keys absent keep their values)
void ReadEnvConfig(const ConfigReader& reader, EnvConfig* config);
// checks cross-field consistency (list lengths, ranges) once all layers are read
void ValidateEnvConfig(const EnvConfig& config, const std::string& source);

}  // namespace tutor

#endif  // TUTOR_ENVS_ENV_CONFIG_H_
