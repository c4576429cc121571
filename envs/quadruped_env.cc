#include "envs/quadruped_env.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tutor {
namespace {

// random streams of the terrain, apart from the env's own (stream = env id): the first level
// and levels past the top per env, and each episode's patch per (env, episode)
constexpr uint64_t kTerrainLevelStream = 1ull << 63;
constexpr uint64_t kTerrainPatchStream = 1ull << 62;

}  // namespace

// tau = clip(strength * (kp * (target - q) - kd * qd), -strength * limit, strength * limit)
double PdTorque(double kp, double kd, double target, double q, double qd, double limit,
                double strength) {
  const double tau = strength * (kp * (target - q) - kd * qd);
  return std::clamp(tau, -strength * limit, strength * limit);
}

DriveGains NominalGains(const QuadrupedModel& quadruped) {
  return {quadruped.layout.kp, quadruped.layout.kd,
          std::vector<double>(quadruped.num_joints, 1.0)};
}

void WriteActuatorGains(const QuadrupedModel& quadruped, const DriveGains& gains, mjModel* model) {
  const EnvLayout& layout = quadruped.layout;
  const std::vector<double>& strength = gains.strength;
  for (int j = 0; j < quadruped.num_joints; ++j) {
    const QuadrupedModel::JointDrive& drive = quadruped.drives[j];
    if (drive.kind != QuadrupedModel::Drive::kPosition) continue;
    // force = kp' ctrl - kp' length - kd' velocity with length = gear q, torque = gear force:
    // kp' = kp / gear^2, ctrl = gear target gives tau = kp (target - q) - kd qd
    const int a = drive.actuator;
    const double g2 = drive.gear * drive.gear;
    mjtNum* gain = model->actuator_gainprm + a * mjNGAIN;
    mjtNum* bias = model->actuator_biasprm + a * mjNBIAS;
    gain[0] = strength[j] * gains.kp[j] / g2;
    bias[0] = 0;
    bias[1] = -strength[j] * gains.kp[j] / g2;
    bias[2] = -strength[j] * gains.kd[j] / g2;
    model->actuator_forcelimited[a] = 1;
    model->actuator_forcerange[2 * a] = -strength[j] * layout.torque_limits[j] / std::abs(drive.gear);
    model->actuator_forcerange[2 * a + 1] = strength[j] * layout.torque_limits[j] / std::abs(drive.gear);
  }
}

void ApplyControl(const QuadrupedModel& quadruped, const mjModel* model,
                  const std::vector<double>& targets, const DriveGains& gains, mjData* data,
                  std::vector<double>* torques) {
  const EnvLayout& layout = quadruped.layout;
  for (int j = 0; j < quadruped.num_joints; ++j) {
    const QuadrupedModel::JointDrive& drive = quadruped.drives[j];
    const int a = drive.actuator;
    const double q = data->qpos[quadruped.joint_qpos[j]];
    const double qd = data->qvel[quadruped.joint_dof[j]];
    double target = targets[j];
    if (drive.kind == QuadrupedModel::Drive::kPosition) {
      double ctrl = drive.gear * target;  // MuJoCo clamps ctrl to a limited ctrl range
      if (model->actuator_ctrllimited[a])
        ctrl = std::clamp(ctrl, model->actuator_ctrlrange[2 * a], model->actuator_ctrlrange[2 * a + 1]);
      data->ctrl[a] = ctrl;
      target = ctrl / drive.gear;
    }
    double tau = PdTorque(gains.kp[j], gains.kd[j], target, q, qd, layout.torque_limits[j],
                          gains.strength[j]);
    if (drive.kind == QuadrupedModel::Drive::kEnvPd) {
      data->qfrc_applied[quadruped.joint_dof[j]] = tau;
    } else if (drive.kind == QuadrupedModel::Drive::kMotor) {
      double ctrl = tau / drive.gear;
      if (model->actuator_ctrllimited[a])
        ctrl = std::clamp(ctrl, model->actuator_ctrlrange[2 * a], model->actuator_ctrlrange[2 * a + 1]);
      data->ctrl[a] = ctrl;
      tau = ctrl * drive.gear;
    }
    (*torques)[j] = tau;
  }
}

double GeomBottom(const mjModel* model, const mjData* data, int geom) {
  const double reach =
      model->geom_type[geom] == mjGEOM_SPHERE ? model->geom_size[3 * geom] : model->geom_rbound[geom];
  return data->geom_xpos[3 * geom + 2] - reach;
}

QuadrupedEnv::QuadrupedEnv(const QuadrupedModel& quadruped, int env_id, uint64_t seed)
    : quadruped_(quadruped),
      env_id_(env_id),
      seed_(seed),
      model_(CopyModel(quadruped.mj_model.get())),
      data_(MakeData(model_.get())),
      rng_(seed, static_cast<uint64_t>(env_id)),
      terrain_rng_(seed, kTerrainLevelStream | static_cast<uint64_t>(env_id)) {
  // every per-joint and per-foot buffer is sized here, once, from the model's counts
  const int nj = quadruped.num_joints, nf = quadruped.num_feet;
  gains_ = NominalGains(quadruped);
  last_targets_ = quadruped.layout.default_pose;
  action_.assign(nj, 0.0);
  last_action_.assign(nj, 0.0);
  last_qvel_.assign(nj, 0.0);
  torques_.assign(nj, 0.0);
  targets_.assign(nj, 0.0);
  air_time_.assign(nf, 0.0);
  foot_force_.assign(nf, 0.0);
  part_force_.assign(quadruped.num_collision_parts, 0.0);
  step_one_state_.assign(model_->nq + model_->nv, 0.0);
  last_contact_.assign(nf, false);
  term_sums_.assign(quadruped.rewards.size(), 0.0);
  scratch_.assign(std::max({3, nj, nf, HeightScanWidth(quadruped.config.terrain.height_scan)}),
                  0.0);
  if (quadruped.has_terrain) {
    const TerrainConfig& terrain = quadruped.config.terrain;
    const int levels = terrain.geometry.levels;
    terrain_level_ = terrain.Curriculum(terrain_type())
                         ? std::min(terrain_rng_.Below(terrain.max_init_level + 1), levels - 1)
                         : 0;
  }

  // reward inputs: fixed per-joint facts now, the rest at every step
  RewardInputs& in = reward_inputs_;
  in.foot_contact.assign(nf, 0);
  in.foot_stance.assign(nf, 0);
  in.foot_height.assign(nf, 0.0);
  for (const auto& term : quadruped.rewards)
    if (term.first == RewardTerm::kFeetClearance && term.second != 0) needs_foot_height_ = true;
  for (auto* v :
       {&in.torques, &in.joint_vel, &in.last_joint_vel, &in.action, &in.last_action, &in.joint_pos})
    v->assign(nj, 0.0);
  in.default_pose = quadruped.layout.default_pose;
  in.joint_low = quadruped.joint_low;
  in.joint_high = quadruped.joint_high;
  reward_values_.assign(quadruped.rewards.size(), 0.0);
  weighted_.assign(quadruped.rewards.size(), 0.0);
}

// draws this episode's friction, base mass and motor strengths into the env's model copy
void QuadrupedEnv::Randomize() {
  const RandomizationConfig& r = quadruped_.config.randomization;
  friction_ = rng_.Uniform(r.friction[0], r.friction[1]);
  // MuJoCo combines two geoms' friction by max, so the ground and the feet get the sample
  for (int g = 0; g < model_->ngeom; ++g)
    if (quadruped_.geom_ground[g] || quadruped_.geom_foot[g] >= 0)
      model_->geom_friction[3 * g] = friction_;
  added_mass_ = rng_.Uniform(r.added_mass[0], r.added_mass[1]);
  const double mass = quadruped_.base_mass + added_mass_;
  model_->body_mass[quadruped_.base_body] = mass;
  for (int i = 0; i < 3; ++i)  // same shape, scaled mass: inertia scales with the mass
    model_->body_inertia[3 * quadruped_.base_body + i] =
        quadruped_.base_inertia[i] * mass / quadruped_.base_mass;
  for (double& s : gains_.strength) s = rng_.Uniform(r.motor_strength[0], r.motor_strength[1]);
  // gains and latency are drawn only when randomized, so configs without them keep their
  // random streams (and their trained checkpoints their numbers)
  const EnvLayout& layout = quadruped_.layout;
  for (int j = 0; j < quadruped_.num_joints; ++j) {
    gains_.kp[j] = layout.kp[j];
    gains_.kd[j] = layout.kd[j];
    if (r.kp_factor[0] != 1.0 || r.kp_factor[1] != 1.0)
      gains_.kp[j] *= rng_.Uniform(r.kp_factor[0], r.kp_factor[1]);
    if (r.kd_factor[0] != 1.0 || r.kd_factor[1] != 1.0)
      gains_.kd[j] *= rng_.Uniform(r.kd_factor[0], r.kd_factor[1]);
  }
  latency_substeps_ = 0;
  if (r.action_latency[1] > 0)
    latency_substeps_ = static_cast<int>(std::lround(
        rng_.Uniform(r.action_latency[0], r.action_latency[1]) * quadruped_.decimation));
  WriteActuatorGains(quadruped_, gains_, model_.get());
}

double QuadrupedEnv::GaitPhase(int step) const {
  const double t = step * quadruped_.layout.control_dt / quadruped_.layout.gait_period;
  return t - std::floor(t);
}

bool QuadrupedEnv::FootInStance(int foot, int step) const {
  if (quadruped_.layout.gait_period <= 0) return true;
  double phase = GaitPhase(step) + quadruped_.layout.gait_offsets[foot];
  phase -= std::floor(phase);
  return phase < quadruped_.layout.gait_stance;
}

double QuadrupedEnv::GroundHeight(double x, double y) const {
  if (quadruped_.has_terrain) return patch_.GroundHeight(x, y);
  return data_->geom_xpos[3 * quadruped_.floor_geom + 2];
}

double QuadrupedEnv::FootHeight(int foot) const {
  double height = std::numeric_limits<double>::infinity();
  for (int g : quadruped_.foot_geoms[foot]) {
    const double* at = data_->geom_xpos + 3 * g;
    height = std::min(height, GeomBottom(model_.get(), data_.get(), g) - GroundHeight(at[0], at[1]));
  }
  return height;
}

TerrainType QuadrupedEnv::terrain_type() const {
  if (!quadruped_.has_terrain) return TerrainType::kFlat;
  return quadruped_.config.terrain
      .types[quadruped_.env_terrain[env_id_ - quadruped_.config.first_env_id]]
      .first;
}

void QuadrupedEnv::SetTerrainLevel(int level) {
  const int levels = quadruped_.config.terrain.geometry.levels;
  fixed_level_ = level < 0 ? -1 : std::min(level, levels - 1);
  if (fixed_level_ >= 0) terrain_level_ = fixed_level_;
}

void QuadrupedEnv::NewTerrain() {
  const TerrainConfig& terrain = quadruped_.config.terrain;
  if (!terrain.Curriculum(terrain_type()) && fixed_level_ < 0)
    terrain_level_ = terrain_rng_.Below(terrain.geometry.levels);
  Rng rng(seed_, kTerrainPatchStream | (static_cast<uint64_t>(env_id_) << 32) |
                     (episodes_ & 0xffffffffull));
  ++episodes_;
  patch_ = GenerateTerrain(terrain.geometry, terrain_type(), terrain_level_, &rng);
  mjModel* model = model_.get();
  const TerrainGeoms& geoms = quadruped_.terrain_geoms;
  WriteTerrainHeightField(patch_, geoms, model);
  // no height: the floor plane instead of the height field (same contact properties)
  const bool plane = quadruped_.floor_plane && patch_.HeightFieldMin() == 0 &&
                     patch_.HeightFieldMax() == 0;
  const int on = plane ? quadruped_.floor_geom : geoms.hfield_geom;
  const int off = plane ? geoms.hfield_geom : quadruped_.floor_geom;
  model->geom_contype[on] = geoms.box_contype;
  model->geom_conaffinity[on] = geoms.box_conaffinity;
  model->geom_matid[on] = quadruped_.floor_matid;
  std::copy_n(quadruped_.floor_rgba, 4, model->geom_rgba + 4 * on);
  model->geom_contype[off] = model->geom_conaffinity[off] = 0;
  model->geom_matid[off] = -1;
  model->geom_rgba[4 * off + 3] = 0;
}

void QuadrupedEnv::WriteNearbyBoxes() {
  // a patch without boxes after one with them parks the pool once, then costs nothing
  if (!quadruped_.has_terrain || (patch_.boxes.empty() && active_boxes_ == 0)) return;
  const double* base = data_->qpos + quadruped_.base_qpos;
  active_boxes_ = WriteTerrainBoxesNear(patch_, quadruped_.terrain_geoms, base[0], base[1],
                        quadruped_.config.terrain.geometry.box_radius, model_.get(), &near_boxes_);
}

// legged_gym's rule (TerrainConfig): up after reaching the border, down after covering less
// than half the commanded distance
void QuadrupedEnv::UpdateTerrainLevel(double distance) {
  const TerrainConfig& terrain = quadruped_.config.terrain;
  if (!terrain.Curriculum(terrain_type()) || fixed_level_ >= 0) return;
  const int levels = terrain.geometry.levels;
  if (distance > 0.5 * terrain.geometry.patch_size - terrain.geometry.border) {
    if (++terrain_level_ >= levels) terrain_level_ = terrain_rng_.Below(levels);
  } else if (distance < 0.5 * command_distance_) {
    terrain_level_ = std::max(terrain_level_ - 1, 0);
  }
}

void QuadrupedEnv::PlaceAt(double x, double y) {
  data_->qpos[quadruped_.base_qpos] = x;
  data_->qpos[quadruped_.base_qpos + 1] = y;
  PlaceOnGround();
  start_xy_[0] = x, start_xy_[1] = y;
  WriteNearbyBoxes();
  mj_forward(model_.get(), data_.get());
  RememberStepOne();
  ReadState();
}

bool QuadrupedEnv::LeftTerrain() const {
  if (!quadruped_.has_terrain) return false;
  const double* base = data_->qpos + quadruped_.base_qpos;
  const TerrainGeometryConfig& g = quadruped_.config.terrain.geometry;
  return std::max(std::fabs(base[0]), std::fabs(base[1])) > 0.5 * g.patch_size - g.border;
}

void QuadrupedEnv::RememberStepOne() {
  const mjData* data = data_.get();
  std::copy(data->qpos, data->qpos + model_->nq, step_one_state_.begin());
  std::copy(data->qvel, data->qvel + model_->nv, step_one_state_.begin() + model_->nq);
}

bool QuadrupedEnv::StepOneIsCurrent() const {
  const mjData* data = data_.get();
  return std::equal(data->qpos, data->qpos + model_->nq, step_one_state_.begin()) &&
         std::equal(data->qvel, data->qvel + model_->nv, step_one_state_.begin() + model_->nq);
}

void QuadrupedEnv::PlaceOnGround() {
  mj_kinematics(model_.get(), data_.get());
  double lowest = std::numeric_limits<double>::infinity();
  for (int k = 0; k < quadruped_.num_feet; ++k) lowest = std::min(lowest, FootHeight(k));
  data_->qpos[quadruped_.base_qpos + 2] -= lowest;
}

void QuadrupedEnv::ResampleCommand() {
  const double dt = quadruped_.layout.control_dt;
  command_timer_ =
      std::max(1, static_cast<int>(std::lround(quadruped_.config.commands.resample_s / dt)));
  if (fixed_command_) {
    command_ = fixed_;
    return;
  }
  const CommandConfig& c = quadruped_.config.commands;
  command_ = {rng_.Uniform(c.vx[0], c.vx[1]), rng_.Uniform(c.vy[0], c.vy[1]),
              rng_.Uniform(c.yaw[0], c.yaw[1])};
  if (rng_.Uniform() < c.zero_probability) command_ = {0.0, 0.0, 0.0};
  if (std::hypot(command_[0], command_[1]) < c.small_to_zero) command_[0] = command_[1] = 0.0;
}

void QuadrupedEnv::SetFixedCommand(const double command[3]) {
  fixed_command_ = true;
  fixed_ = {command[0], command[1], command[2]};
  command_ = fixed_;
}

std::array<double, 2> DrawPush(Rng* rng, const double speed[2]) {
  const double angle = rng->Uniform(0.0, 2.0 * M_PI);
  const double lo2 = speed[0] * speed[0], hi2 = speed[1] * speed[1];
  const double magnitude = std::sqrt(lo2 + rng->Uniform() * (hi2 - lo2));
  return {magnitude * std::cos(angle), magnitude * std::sin(angle)};
}

void QuadrupedEnv::Push(double vx, double vy) {
  data_->qvel[quadruped_.base_dof + 0] += vx;
  data_->qvel[quadruped_.base_dof + 1] += vy;
}

void QuadrupedEnv::Reset(const Rows& rows, bool randomize_progress) {
  const RobotConfig& robot = quadruped_.config.robot;  // initial height only
  const EnvLayout& layout = quadruped_.layout;
  const RandomizationConfig& r = quadruped_.config.randomization;
  mjModel* model = model_.get();
  mjData* data = data_.get();
  Randomize();
  if (quadruped_.has_terrain) NewTerrain();

  // initial state: standing pose (keyframe or default pose), jittered joints, random yaw
  // and a random base twist
  if (quadruped_.keyframe >= 0) {
    mj_resetDataKeyframe(model, data, quadruped_.keyframe);
  } else {
    mj_resetData(model, data);
    data->qpos[quadruped_.base_qpos + 2] = robot.base_height;
  }
  if (quadruped_.has_terrain)  // the centre of the start platform
    data->qpos[quadruped_.base_qpos] = data->qpos[quadruped_.base_qpos + 1] = 0;
  for (int j = 0; j < quadruped_.num_joints; ++j)
    data->qpos[quadruped_.joint_qpos[j]] =
        layout.default_pose[j] + rng_.Uniform(-r.init_joint_pos, r.init_joint_pos);
  if (r.init_random_yaw) {
    const double yaw = rng_.Uniform(-M_PI, M_PI);
    double* quat = data->qpos + quadruped_.base_qpos + 3;
    quat[0] = std::cos(0.5 * yaw), quat[1] = 0, quat[2] = 0, quat[3] = std::sin(0.5 * yaw);
  }
  for (int k = 0; k < 6; ++k)
    data->qvel[quadruped_.base_dof + k] = rng_.Uniform(-r.init_base_velocity, r.init_base_velocity);
  PlaceOnGround();  // after the jitter: the lowest foot on the ground, none inside it
  start_xy_[0] = data->qpos[quadruped_.base_qpos];
  start_xy_[1] = data->qpos[quadruped_.base_qpos + 1];
  WriteNearbyBoxes();
  mj_forward(model, data);
  RememberStepOne();

  std::fill(action_.begin(), action_.end(), 0.0);
  std::fill(last_action_.begin(), last_action_.end(), 0.0);
  std::fill(torques_.begin(), torques_.end(), 0.0);
  last_targets_ = layout.default_pose;
  std::fill(air_time_.begin(), air_time_.end(), 0.0);
  std::fill(last_contact_.begin(), last_contact_.end(), false);
  for (int j = 0; j < quadruped_.num_joints; ++j)
    last_qvel_[j] = data->qvel[quadruped_.joint_dof[j]];
  progress_ = randomize_progress ? rng_.Below(quadruped_.episode_steps) : 0;
  length_ = 0;
  episode_return_ = 0;
  std::fill(term_sums_.begin(), term_sums_.end(), 0.0);
  std::fill(std::begin(error_sums_), std::end(error_sums_), 0.0);
  power_sum_ = 0;
  nonfoot_steps_ = touchdowns_ = 0;
  air_time_sum_ = 0;
  command_distance_ = 0;
  ResampleCommand();
  push_timer_ = static_cast<int>(
      std::lround(rng_.Uniform(r.push_interval_s[0], r.push_interval_s[1]) / layout.control_dt));
  ReadState();
  WriteObservations(rows.obs);
}

void QuadrupedEnv::ReadState() {
  ReadBase();
  ReadAccelerometer(0.0);
  ReadContacts();
}

// body-frame velocities, gravity and base height from qpos/qvel
void QuadrupedEnv::ReadBase() {
  const mjData* data = data_.get();
  const double* base = data->qpos + quadruped_.base_qpos;
  base_height_ = base[2] - GroundHeight(base[0], base[1]);
  double* rot = base_rot_;
  mju_quat2Mat(rot, data->qpos + quadruped_.base_qpos + 3);
  // free joint: linear velocity in the world frame, angular velocity in the body frame
  mju_mulMatTVec(lin_vel_, rot, data->qvel + quadruped_.base_dof, 3, 3);
  mju_copy3(ang_vel_, data->qvel + quadruped_.base_dof + 3);
  // gravity direction in the body frame: R^T (0, 0, -1) = -(third row of R)
  gravity_[0] = -rot[6], gravity_[1] = -rot[7], gravity_[2] = -rot[8];
  up_z_ = rot[8];
}

// an IMU's accelerometer at the base: what it senses is the specific force a - g (so +g up at
// rest and nothing in free fall), here the mean over the last policy step (the base
// velocity's change over it), in the base frame the step ended in. A push's velocity change
// lands inside that step, so the reading carries it as a real IMU feels a shove. Uses ReadBase's
// rotation: call it after ReadBase on the same state.
void QuadrupedEnv::ReadAccelerometer(double dt) {
  const double* v = data_->qvel + quadruped_.base_dof;  // world frame (free joint)
  double force[3];
  for (int k = 0; k < 3; ++k) {
    const double accel = dt > 0 ? (v[k] - world_vel_[k]) / dt : 0.0;
    force[k] = accel - model_->opt.gravity[k];
    world_vel_[k] = v[k];
  }
  mju_mulMatTVec(lin_acc_, base_rot_, force, 3, 3);  // ReadBase's rotation of this state
}

// ground contacts of the robot, with their forces: feet, fall parts, collision parts, the rest
void QuadrupedEnv::ReadContacts() {
  const mjData* data = data_.get();
  std::fill(foot_force_.begin(), foot_force_.end(), 0.0);
  std::fill(part_force_.begin(), part_force_.end(), 0.0);
  fall_contact_ = nonfoot_contact_ = false;
  for (int c = 0; c < data->ncon; ++c) {
    const mjContact& con = data->contact[c];
    int robot_geom;
    if (quadruped_.geom_ground[con.geom1] && quadruped_.geom_robot[con.geom2])
      robot_geom = con.geom2;
    else if (quadruped_.geom_ground[con.geom2] && quadruped_.geom_robot[con.geom1])
      robot_geom = con.geom1;
    else
      continue;
    const int foot = quadruped_.geom_foot[robot_geom];
    const int part = quadruped_.geom_collision[robot_geom];
    if (foot < 0) nonfoot_contact_ = true;
    if (quadruped_.geom_fall[robot_geom]) fall_contact_ = true;
    if (foot >= 0 || part >= 0) {
      mjtNum force[6];  // contact frame: normal first
      mj_contactForce(model_.get(), data, c, force);
      if (foot >= 0) foot_force_[foot] += force[0];
      if (part >= 0) part_force_[part] += force[0];
    }
  }
  collisions_ = 0;
  for (double force : part_force_)
    collisions_ += force > quadruped_.config.rewards.collision_force ? 1 : 0;
}

void QuadrupedEnv::WriteObservations(float* const* rows) {
  const mjData* data = data_.get();
  const EnvLayout& layout = quadruped_.layout;
  for (size_t g = 0; g < quadruped_.groups.size(); ++g) {
    float* row = rows[g];
    for (const auto& term : quadruped_.groups[g].terms) {
      double* v = scratch_.data();
      switch (term.id) {
        case ObsTerm::kBaseLinVel:
          mju_copy3(v, lin_vel_);
          break;
        case ObsTerm::kBaseAngVel:
          mju_copy3(v, ang_vel_);
          break;
        case ObsTerm::kBaseLinAcc:
          mju_copy3(v, lin_acc_);
          break;
        case ObsTerm::kProjectedGravity:
          mju_copy3(v, gravity_);
          break;
        case ObsTerm::kVelocityCommand:
          std::copy(command_.begin(), command_.end(), v);
          break;
        case ObsTerm::kJointPos:
          for (int j = 0; j < quadruped_.num_joints; ++j)
            v[j] = data->qpos[quadruped_.joint_qpos[j]] - layout.default_pose[j];
          break;
        case ObsTerm::kJointVel:
          for (int j = 0; j < quadruped_.num_joints; ++j)
            v[j] = data->qvel[quadruped_.joint_dof[j]];
          break;
        case ObsTerm::kLastAction:
          std::copy(action_.begin(), action_.end(), v);
          break;
        case ObsTerm::kFootContactForces:
          std::copy(foot_force_.begin(), foot_force_.end(), v);
          break;
        case ObsTerm::kFootHeights:
          for (int k = 0; k < quadruped_.num_feet; ++k) v[k] = FootHeight(k);
          break;
        case ObsTerm::kFriction:
          v[0] = friction_;
          break;
        case ObsTerm::kAddedMass:
          v[0] = added_mass_;
          break;
        case ObsTerm::kMotorStrength:
          std::copy(gains_.strength.begin(), gains_.strength.end(), v);
          break;
        case ObsTerm::kBaseHeight:
          v[0] = base_height_;
          break;
        case ObsTerm::kHeightScan:
          // R's first column is the heading: yaw = atan2(R10, R00)
          HeightScan(patch_, quadruped_.config.terrain.height_scan,
                     data->qpos + quadruped_.base_qpos, std::atan2(base_rot_[3], base_rot_[0]), v);
          break;
        case ObsTerm::kGaitPhase: {
          const double angle = 2.0 * M_PI * GaitPhase(length_);
          v[0] = std::sin(angle), v[1] = std::cos(angle);
          break;
        }
      }
      float* out = row + term.offset;
      if (term.noise > 0) {
        for (int k = 0; k < term.width; ++k)
          out[k] =
              static_cast<float>((v[k] + term.noise * (2.0 * rng_.Uniform() - 1.0)) * term.scale);
      } else {
        for (int k = 0; k < term.width; ++k) out[k] = static_cast<float>(v[k] * term.scale);
      }
    }
  }
}

// MuJoCo resets the state on bad qpos/qvel/qacc and drops contacts or constraints when a
// buffer is full: any of these in this episode means the state is not the physics' any more
bool QuadrupedEnv::Unstable() const {
  const mjData* data = data_.get();
  for (int w : {mjWARN_CONTACTFULL, mjWARN_CNSTRFULL, mjWARN_BADQPOS, mjWARN_BADQVEL,
                mjWARN_BADQACC, mjWARN_BADCTRL})
    if (data->warning[w].number > 0) return true;
  for (int i = 0; i < model_->nq; ++i)
    if (mju_isBad(data->qpos[i])) return true;
  for (int i = 0; i < model_->nv; ++i)
    if (mju_isBad(data->qvel[i])) return true;
  return false;
}

bool QuadrupedEnv::Step(const float* action, const Rows& rows, EpisodeInfo* episode) {
  const EnvLayout& layout = quadruped_.layout;
  const TerminationConfig& term = quadruped_.config.termination;
  mjModel* model = model_.get();
  mjData* data = data_.get();

  // a scheduled push lands before the physics, so this step's observation includes it
  if (--push_timer_ <= 0) {
    const RandomizationConfig& r = quadruped_.config.randomization;
    const auto push = DrawPush(&rng_, r.push_velocity);
    Push(push[0], push[1]);
    push_timer_ = static_cast<int>(
        std::lround(rng_.Uniform(r.push_interval_s[0], r.push_interval_s[1]) / layout.control_dt));
  }

  // clipped actions become PD targets around the default pose
  for (int j = 0; j < quadruped_.num_joints; ++j) {
    action_[j] =
        std::clamp(static_cast<double>(action[j]), -layout.action_clip, layout.action_clip);
    targets_[j] = layout.default_pose[j] + layout.action_scale * action_[j];
  }
  // PD recomputed at every physics substep. mj_step is mj_step1 (positions, velocities,
  // collisions) then mj_step2 (forces, constraint solve, integration); the previous step ended
  // with mj_step1 of the state it left, which the first substep reuses unless that state was
  // changed since (a push, a viewer, a test)
  // with latency, the first substeps still drive towards the last step's targets
  for (int s = 0; s < quadruped_.decimation; ++s) {
    if (s > 0 || !StepOneIsCurrent()) mj_step1(model, data);
    ApplyControl(quadruped_, model, s < latency_substeps_ ? last_targets_ : targets_, gains_, data,
                 &torques_);
    mj_step2(model, data);
  }
  last_targets_ = targets_;
  ++progress_, ++length_;
  ReadContacts();         // the last substep's contacts, with the forces it solved
  WriteNearbyBoxes();     // the terrain's boxes around where the robot is now
  mj_step1(model, data);  // the final state's positions: feet, heights; the next step's start
  RememberStepOne();
  const bool unstable = Unstable();
  ReadBase();
  ReadAccelerometer(layout.control_dt);

  const bool fell = unstable || fall_contact_ || up_z_ < std::cos(term.max_tilt) ||
                    base_height_ < term.min_base_height;
  // leaving the patch ends the episode as a time-out: the robot did nothing wrong
  const bool timed_out = !fell && (progress_ >= quadruped_.episode_steps || LeftTerrain());
  const double reward = unstable ? UnstableReward() : ComputeReward(fell);
  if (nonfoot_contact_) ++nonfoot_steps_;
  *rows.reward = static_cast<float>(reward);
  *rows.terminated = fell ? 1.0f : 0.0f;
  *rows.truncated = timed_out ? 1.0f : 0.0f;
  episode_return_ += reward;

  // tracking and power metrics of the episode
  error_sums_[0] += std::abs(command_[0] - lin_vel_[0]);
  error_sums_[1] += std::abs(command_[1] - lin_vel_[1]);
  error_sums_[2] += std::abs(command_[2] - ang_vel_[2]);
  double power = 0;
  for (int j = 0; j < quadruped_.num_joints; ++j)
    power += std::abs(torques_[j] * data->qvel[quadruped_.joint_dof[j]]);
  power_sum_ += power;
  command_distance_ += std::hypot(command_[0], command_[1]) * layout.control_dt;

  if (fell || timed_out) {
    episode->env_id = env_id_ - quadruped_.config.first_env_id;  // its index in this batch
    episode->length = length_;
    episode->episode_return = episode_return_;
    episode->terminated = fell;
    episode->unstable = unstable;
    episode->reward_terms = term_sums_;
    episode->vx_error = error_sums_[0] / length_;
    episode->vy_error = error_sums_[1] / length_;
    episode->yaw_rate_error = error_sums_[2] / length_;
    episode->power = power_sum_ / length_;
    episode->nonfoot_contact_steps = nonfoot_steps_;
    episode->touchdowns = touchdowns_;
    episode->air_time_sum = air_time_sum_;
    episode->distance = std::hypot(data->qpos[quadruped_.base_qpos] - start_xy_[0],
                                   data->qpos[quadruped_.base_qpos + 1] - start_xy_[1]);
    episode->terrain_type = quadruped_.has_terrain ? static_cast<int>(terrain_type()) : -1;
    episode->terrain_level = quadruped_.has_terrain ? terrain_level_ : -1;
    if (quadruped_.has_terrain) UpdateTerrainLevel(episode->distance);
    if (unstable) {
      for (size_t g = 0; g < quadruped_.groups.size(); ++g)
        std::fill(rows.final_obs[g], rows.final_obs[g] + quadruped_.groups[g].width, 0.0f);
    } else {
      WriteObservations(rows.final_obs);
    }
    Reset(rows, false);
    return true;
  }

  // the command the next action should follow
  if (--command_timer_ <= 0) ResampleCommand();
  WriteObservations(rows.obs);
  return false;
}

}  // namespace tutor
