#include "envs/env_layout.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace tutor {

const GroupLayout& EnvLayout::Group(const std::string& name) const {
  for (const auto& group : groups)
    if (group.name == name) return group;
  std::string known;
  for (const auto& group : groups) known += (known.empty() ? "" : ", ") + group.name;
  throw ConfigError("observation group '" + name + "' does not exist (groups: " + known + ")");
}

bool EnvLayout::HasGroup(const std::string& name) const {
  for (const auto& group : groups)
    if (group.name == name) return true;
  return false;
}

std::string EnvLayout::Serialize() const {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  out << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  for (const auto& group : groups) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << group.name;
    out << YAML::Key << "width" << YAML::Value << group.width;
    out << YAML::Key << "terms" << YAML::Value << YAML::BeginSeq;
    for (const auto& t : group.terms) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name
          << YAML::Key << "offset" << YAML::Value << t.offset << YAML::Key << "width"
          << YAML::Value << t.width << YAML::Key << "scale" << YAML::Value << t.scale
          << YAML::Key << "noise" << YAML::Value << t.noise << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "joint_names" << YAML::Value << YAML::Flow << joint_names;
  out << YAML::Key << "default_pose" << YAML::Value << YAML::Flow << default_pose;
  out << YAML::Key << "kp" << YAML::Value << YAML::Flow << kp;
  out << YAML::Key << "kd" << YAML::Value << YAML::Flow << kd;
  out << YAML::Key << "torque_limits" << YAML::Value << YAML::Flow << torque_limits;
  out << YAML::Key << "action_scale" << YAML::Value << action_scale;
  out << YAML::Key << "action_clip" << YAML::Value << action_clip;
  out << YAML::Key << "control_dt" << YAML::Value << control_dt;
  if (gait_period > 0) {
    out << YAML::Key << "gait_period" << YAML::Value << gait_period;
    out << YAML::Key << "gait_offsets" << YAML::Value << YAML::Flow << gait_offsets;
    out << YAML::Key << "gait_stance" << YAML::Value << gait_stance;
  }
  out << YAML::EndMap;
  return out.c_str();
}

EnvLayout EnvLayout::Parse(const std::string& text) {
  EnvLayout layout;
  try {
    YAML::Node root = YAML::Load(text);
    for (const auto& g : root["groups"]) {
      GroupLayout group;
      group.name = g["name"].as<std::string>();
      group.width = g["width"].as<int>();
      for (const auto& t : g["terms"])
        group.terms.push_back({t["name"].as<std::string>(), t["offset"].as<int>(),
                               t["width"].as<int>(), t["scale"].as<double>(),
                               t["noise"].as<double>()});
      layout.groups.push_back(group);
    }
    layout.joint_names = root["joint_names"].as<std::vector<std::string>>();
    layout.default_pose = root["default_pose"].as<std::vector<double>>();
    layout.kp = root["kp"].as<std::vector<double>>();
    layout.kd = root["kd"].as<std::vector<double>>();
    layout.torque_limits = root["torque_limits"].as<std::vector<double>>();
    layout.action_scale = root["action_scale"].as<double>();
    // layouts written before the clip was recorded read as unclipped
    if (root["action_clip"]) layout.action_clip = root["action_clip"].as<double>();
    layout.control_dt = root["control_dt"].as<double>();
    if (root["gait_period"]) {  // layouts without a clock have none of these keys
      layout.gait_period = root["gait_period"].as<double>();
      layout.gait_offsets = root["gait_offsets"].as<std::vector<double>>();
      layout.gait_stance = root["gait_stance"].as<double>();
    }
  } catch (const YAML::Exception& e) {
    throw CheckpointError(std::string("malformed observation layout: ") + e.what());
  }
  return layout;
}

namespace {
bool Near(double a, double b) { return a == b || std::abs(a - b) <= 1e-9 * (1.0 + std::abs(a)); }

std::string Num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::vector<std::string> DiffGroups(const GroupLayout& expected, const GroupLayout& actual) {
  std::vector<std::string> diffs;
  const std::string where = "group '" + expected.name + "'";
  const size_t n = std::max(expected.terms.size(), actual.terms.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string slot = where + " term " + std::to_string(i) + ": ";
    if (i >= expected.terms.size()) {
      diffs.push_back(slot + "unexpected '" + actual.terms[i].name + "'");
      continue;
    }
    const TermLayout& e = expected.terms[i];
    if (i >= actual.terms.size()) {
      diffs.push_back(slot + "'" + e.name + "' is missing");
      continue;
    }
    const TermLayout& a = actual.terms[i];
    if (e.name != a.name) {
      diffs.push_back(slot + "expected '" + e.name + "', got '" + a.name + "'");
      continue;
    }
    if (e.width != a.width)
      diffs.push_back(slot + e.name + " width " + Num(e.width) + " vs " + Num(a.width));
    if (!Near(e.scale, a.scale))
      diffs.push_back(slot + e.name + " scale " + Num(e.scale) + " vs " + Num(a.scale));
  }
  return diffs;
}

std::vector<std::string> DiffControl(const EnvLayout& e, const EnvLayout& a) {
  std::vector<std::string> diffs;
  if (e.joint_names != a.joint_names) diffs.push_back("joint order differs");
  auto vec = [&](const std::vector<double>& x, const std::vector<double>& y, const char* name) {
    bool same = x.size() == y.size();
    for (size_t i = 0; same && i < x.size(); ++i) same = Near(x[i], y[i]);
    if (!same) diffs.push_back(std::string(name) + " differs");
  };
  vec(e.default_pose, a.default_pose, "default_pose");
  vec(e.kp, a.kp, "kp");
  vec(e.kd, a.kd, "kd");
  if (!Near(e.action_scale, a.action_scale))
    diffs.push_back("action_scale " + Num(e.action_scale) + " vs " + Num(a.action_scale));
  if (!Near(e.action_clip, a.action_clip))
    diffs.push_back("action_clip " + Num(e.action_clip) + " vs " + Num(a.action_clip));
  if (!Near(e.control_dt, a.control_dt))
    diffs.push_back("control_dt " + Num(e.control_dt) + " vs " + Num(a.control_dt));
  if (!Near(e.gait_period, a.gait_period))
    diffs.push_back("gait_period " + Num(e.gait_period) + " vs " + Num(a.gait_period));
  else
    vec(e.gait_offsets, a.gait_offsets, "gait_offsets");
  return diffs;
}

}  // namespace tutor
