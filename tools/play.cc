// tutor play: watch a policy in a GLFW window (MuJoCo mjv/mjr rendering), drive it from the
// keyboard, or record it offscreen to a video through ffmpeg.
#include <GLFW/glfw3.h>
#include <mujoco/mujoco.h>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "envs/quadruped_vec_env.h"
#include "envs/rng.h"
#include "learning/checkpoint.h"
#include "learning/policy_loading.h"
#include "learning/runner.h"
#include "tools/app_config.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/evaluation.h"

namespace tutor {
namespace {

constexpr double kVxStep = 0.25;   // m/s per key press
constexpr double kVyStep = 0.1;    // m/s
constexpr double kYawStep = 0.25;  // rad/s
constexpr double kPushSpeed = 1.0; // m/s, max of a P push

// what the keyboard and mouse change between frames
struct ViewerInput {
  double command[3] = {0.0, 0.0, 0.0};
  bool paused = false, reset = false, push = false, toggle = false;
  bool dragging_left = false, dragging_right = false;
  double last_x = 0, last_y = 0;
  mjvCamera* camera = nullptr;
  mjvScene* scene = nullptr;
  const mjModel* model = nullptr;
};

void OnKey(GLFWwindow* window, int key, int, int action, int) {
  if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
  auto* in = static_cast<ViewerInput*>(glfwGetWindowUserPointer(window));
  switch (key) {
    case GLFW_KEY_UP: case GLFW_KEY_W: in->command[0] += kVxStep; break;
    case GLFW_KEY_DOWN: case GLFW_KEY_S: in->command[0] -= kVxStep; break;
    case GLFW_KEY_LEFT: case GLFW_KEY_A: in->command[1] += kVyStep; break;
    case GLFW_KEY_RIGHT: case GLFW_KEY_D: in->command[1] -= kVyStep; break;
    case GLFW_KEY_Q: in->command[2] += kYawStep; break;
    case GLFW_KEY_E: in->command[2] -= kYawStep; break;
    case GLFW_KEY_SPACE: in->paused = !in->paused; break;
    case GLFW_KEY_R: in->reset = true; break;
    case GLFW_KEY_P: in->push = true; break;
    case GLFW_KEY_T: in->toggle = true; break;
    case GLFW_KEY_0: in->command[0] = in->command[1] = in->command[2] = 0; break;
    case GLFW_KEY_ESCAPE: glfwSetWindowShouldClose(window, GLFW_TRUE); break;
    default: break;
  }
}

void OnButton(GLFWwindow* window, int button, int action, int) {
  auto* in = static_cast<ViewerInput*>(glfwGetWindowUserPointer(window));
  const bool down = action == GLFW_PRESS;
  if (button == GLFW_MOUSE_BUTTON_LEFT) in->dragging_left = down;
  if (button == GLFW_MOUSE_BUTTON_RIGHT) in->dragging_right = down;
  glfwGetCursorPos(window, &in->last_x, &in->last_y);
}

// left drag orbits, right drag pans, the wheel zooms (mjv_moveCamera, as MuJoCo's simulate)
void OnCursor(GLFWwindow* window, double x, double y) {
  auto* in = static_cast<ViewerInput*>(glfwGetWindowUserPointer(window));
  if (!in->dragging_left && !in->dragging_right) return;
  int width, height;
  glfwGetWindowSize(window, &width, &height);
  const double dx = x - in->last_x, dy = y - in->last_y;
  in->last_x = x, in->last_y = y;
  const int action = in->dragging_left ? mjMOUSE_ROTATE_V : mjMOUSE_MOVE_V;
  mjv_moveCamera(in->model, action, dx / height, dy / height, in->scene, in->camera);
}

void OnScroll(GLFWwindow* window, double, double dy) {
  auto* in = static_cast<ViewerInput*>(glfwGetWindowUserPointer(window));
  mjv_moveCamera(in->model, mjMOUSE_ZOOM, 0, -0.05 * dy, in->scene, in->camera);
}

// a frame as PPM, or as PNG (through ffmpeg, which --record already needs) when `path` ends
// in .png
void WriteSnapshot(const std::string& path, const std::vector<unsigned char>& rgb, int w, int h) {
  const bool png = path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0;
  const std::string ppm = png ? path + ".tmp.ppm" : path;
  {
    std::ofstream out(ppm, std::ios::binary);
    if (!out) throw ConfigError("play: --snapshot " + path + ": cannot write");
    out << "P6\n" << w << " " << h << "\n255\n";
    for (int row = h - 1; row >= 0; --row)  // OpenGL rows run bottom-up
      out.write(reinterpret_cast<const char*>(rgb.data() + 3 * w * row), 3 * w);
    if (!out) throw ConfigError("play: --snapshot " + path + ": cannot write");
  }
  if (!png) return;
  const std::string cmd = "ffmpeg -loglevel error -y -i '" + ppm + "' '" + path + "'";
  const int status = std::system(cmd.c_str());
  std::filesystem::remove(ppm);
  if (status != 0) throw ConfigError("play: --snapshot " + path + ": ffmpeg could not write the PNG");
}

// --record needs ffmpeg on the PATH and a folder it can write the file into; both are checked
// before anything renders (ConfigError naming the file or ffmpeg otherwise)
void CheckRecordingPossible(const std::string& record) {
  bool found = false;
  const char* path_env = std::getenv("PATH");
  std::stringstream dirs(path_env ? path_env : "");
  for (std::string dir; !found && std::getline(dirs, dir, ':');)
    found = !dir.empty() && ::access((dir + "/ffmpeg").c_str(), X_OK) == 0;
  if (!found)
    throw ConfigError("play: --record needs ffmpeg, which is not on the PATH "
                      "(apt-get install ffmpeg)");
  const std::filesystem::path parent = std::filesystem::path(record).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  if (!std::filesystem::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0)
    throw ConfigError("play: --record " + record + ": cannot write into " + dir);
}

}  // namespace

int RunPlay(int argc, char** argv, int first) {
  CLI::App app("watch a policy in a MuJoCo window, or record it to video", "tutor play");
  std::string path, which, config_path, record, snapshot, command_text;
  std::vector<std::string> overrides;
  int seed = 1, width = 1280, height = 720;
  double seconds = 10.0;
  app.add_option("--checkpoint", path, "checkpoint to watch")->required();
  app.add_option("--policy", which, "teacher or student (default: the checkpoint's acting one)")
      ->check(CLI::IsMember({"teacher", "student"}));
  app.add_option("--config", config_path, "env config to play in (default: the checkpoint's)");
  app.add_option("--set", overrides, "override an env config key (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--seed", seed, "env seed")->capture_default_str();
  app.add_option("--record", record, "write an mp4 (offscreen, through ffmpeg), no window");
  app.add_option("--seconds", seconds, "length of the recording")
      ->check(CLI::Range(0.001, 1e6))->capture_default_str();
  app.add_option("--width", width, "video width")->check(CLI::Range(16, 8192))->capture_default_str();
  app.add_option("--height", height, "video height")
      ->check(CLI::Range(16, 8192))->capture_default_str();
  app.add_option("--snapshot", snapshot,
                 "also write one frame of the recording as an image (.png or .ppm)");
  double snapshot_at = 0.0;
  app.add_option("--snapshot-at", snapshot_at, "the snapshot's time in the recording (s)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--command", command_text, "initial command 'vx,vy,yaw' (default 0.5,0,0)");
  std::string terrain_name;
  int terrain_level = -1;
  app.add_option("--terrain", terrain_name,
                 "play on this terrain type (" + ChoiceList(TerrainTypes()) +
                     "), its curriculum off");
  app.add_option("--level", terrain_level, "the terrain level (default: random per episode)")
      ->check(CLI::Range(0, 1000));
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  TerrainType terrain_type = TerrainType::kFlat;
  if (!terrain_name.empty() && !ParseChoice(TerrainTypes(), terrain_name, &terrain_type))
    throw ConfigError("play: --terrain: unknown terrain type '" + terrain_name + "' (expected " +
                      ChoiceList(TerrainTypes()) + ")");
  if (terrain_level >= 0 && terrain_name.empty())
    throw ConfigError("play: --level needs --terrain");
  const bool recording = !record.empty();
  if (recording) CheckRecordingPossible(record);
  SetThreads(1);

  // policies: the one asked for, and the other one when the checkpoint holds both
  LoadedPolicy policies[2];
  PolicyFn acting[2];
  policies[0] = LoadPolicy(path, which);
  int active = 0, count = 1;
  if (policies[0].meta.kind == "distillation") {
    policies[1] = LoadPolicy(path, policies[0].name == "student" ? "teacher" : "student");
    count = 2;
  }
  for (int k = 0; k < count; ++k) acting[k] = MeanActionPolicy(policies[k]);
  AppendEvalOverrides(1, seed, &overrides);
  AppConfig config = !config_path.empty()
                         ? LoadAppConfig(config_path, overrides)
                         : LoadAppConfigText(policies[0].meta.config, path, overrides);
  if (!terrain_name.empty()) {
    config.env.terrain.types = {{terrain_type, 1.0}};
    config.env.terrain.curriculum = false;
    if (terrain_level >= config.env.terrain.geometry.levels)
      throw ConfigError("play: --level " + std::to_string(terrain_level) + ": the terrain has " +
                        std::to_string(config.env.terrain.geometry.levels) + " levels (0.." +
                        std::to_string(config.env.terrain.geometry.levels - 1) + ")");
  }
  QuadrupedVecEnv env(config.env, config.source);
  if (terrain_level >= 0) env.Env(0).SetTerrainLevel(terrain_level);
  PrintEnvSummary(env);
  for (int k = 0; k < count; ++k)
    CheckLayoutMatches(policies[k].layout, env.Layout(), {policies[k].group}, path);
  std::vector<std::string> groups;
  for (int k = 0; k < count; ++k) groups.push_back(policies[k].group);

  ViewerInput input;
  if (!command_text.empty()) {
    if (std::sscanf(command_text.c_str(), "%lf,%lf,%lf", &input.command[0],
                    &input.command[1], &input.command[2]) != 3)
      throw ConfigError("play: --command: expected 'vx,vy,yaw', got '" + command_text + "'");
  } else {
    input.command[0] = 0.5;
  }
  env.Env(0).SetFixedCommand(input.command);
  env.Reset();

  // window (hidden when recording) and MuJoCo rendering state
  if (!glfwInit()) throw ConfigError("play: cannot open a display (set DISPLAY or run under xvfb-run)");
  if (recording) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(recording ? 64 : width, recording ? 64 : height,
                                        "tutor play", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    throw ConfigError("play: cannot create an OpenGL window (no display or no GL driver)");
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  const mjModel* model = env.Env(0).model();
  mjvCamera camera;
  mjvOption option;
  mjvScene scene;
  mjrContext context;
  mjv_defaultCamera(&camera);
  mjv_defaultOption(&option);
  mjv_defaultScene(&scene);
  mjr_defaultContext(&context);
  mjv_makeScene(model, &scene, 2000);
  mjr_makeContext(model, &context, mjFONTSCALE_150);
  // each reset writes a new patch into the model's height field: the GPU copy follows
  const int hfield = env.Model().has_terrain ? env.Model().terrain_geoms.hfield : -1;
  auto upload_terrain = [&] {
    if (hfield >= 0) mjr_uploadHField(model, &context, hfield);
  };
  camera.type = mjCAMERA_TRACKING;  // follows the robot
  camera.trackbodyid = env.Model().base_body;
  camera.distance = 1.6;
  camera.elevation = -18;
  camera.azimuth = 130;
  input.camera = &camera, input.scene = &scene, input.model = model;
  glfwSetWindowUserPointer(window, &input);
  glfwSetKeyCallback(window, OnKey);
  glfwSetMouseButtonCallback(window, OnButton);
  glfwSetCursorPosCallback(window, OnCursor);
  glfwSetScrollCallback(window, OnScroll);

  FILE* ffmpeg = nullptr;
  mjrRect viewport = {0, 0, width, height};
  std::vector<unsigned char> rgb;
  if (recording) {
    if (width > model->vis.global.offwidth || height > model->vis.global.offheight)
      throw ConfigError("play: --width/--height exceed the model's offscreen buffer (" +
                        std::to_string(model->vis.global.offwidth) + "x" +
                        std::to_string(model->vis.global.offheight) + ")");
    mjr_setBuffer(mjFB_OFFSCREEN, &context);
    rgb.resize(3 * width * height);
    const int fps = static_cast<int>(std::lround(1.0 / env.Layout().control_dt));
    const std::string cmd = "ffmpeg -loglevel error -y -f rawvideo -pixel_format rgb24 -video_size " +
                            std::to_string(width) + "x" + std::to_string(height) + " -framerate " +
                            std::to_string(fps) + " -i - -vf vflip -c:v libx264 -preset veryfast "
                            "-pix_fmt yuv420p '" + record + "'";
    // a failing ffmpeg closes its end of the pipe: writes then fail (EPIPE) instead of the
    // signal killing tutor with exit 141
    std::signal(SIGPIPE, SIG_IGN);
    ffmpeg = popen(cmd.c_str(), "w");
    if (!ffmpeg) throw ConfigError("play: --record " + record + ": cannot start ffmpeg");
  }

  Rng push_rng(static_cast<uint64_t>(seed), 99);
  torch::Tensor starts = torch::ones({1, 1});
  double latency_us = 0;
  const int frames = static_cast<int>(std::lround(seconds / env.Layout().control_dt));
  const int snapshot_frame = static_cast<int>(std::lround(snapshot_at / env.Layout().control_dt));
  if (!snapshot.empty() && (!recording || snapshot_frame >= frames))
    throw ConfigError("play: --snapshot needs --record and a --snapshot-at within --seconds");
  const Stopwatch wall_clock;
  double sim_time = 0;
  auto step = [&]() {
    const ObsMap obs = ObservationViews(env, groups);
    const Stopwatch policy_clock;
    const torch::Tensor action = acting[active](obs, starts).contiguous();
    const double us = policy_clock.Micros();
    latency_us = latency_us == 0 ? us : 0.95 * latency_us + 0.05 * us;
    env.Step(action.data_ptr<float>());
    starts = torch::zeros({1, 1});
    if (!env.FinishedEpisodes().empty()) starts.fill_(1.0), upload_terrain();
    sim_time += env.Layout().control_dt;
  };
  torch::NoGradGuard no_grad;
  for (int frame = 0; recording ? frame < frames : !glfwWindowShouldClose(window); ++frame) {
    if (input.toggle && count == 2) active = 1 - active, starts.fill_(1.0);
    if (input.reset) env.Reset(), starts.fill_(1.0), upload_terrain();
    if (input.push)
      env.Env(0).Push(push_rng.Uniform(-kPushSpeed, kPushSpeed),
                      push_rng.Uniform(-kPushSpeed, kPushSpeed));
    input.toggle = input.reset = input.push = false;
    env.Env(0).SetFixedCommand(input.command);
    if (recording) {
      step();  // one control step per frame: the file plays in real time
    } else if (!input.paused) {
      const double wall = wall_clock.Seconds();
      while (sim_time < wall) step();
    } else {
      sim_time = wall_clock.Seconds();
    }

    if (!recording) {
      glfwGetFramebufferSize(window, &viewport.width, &viewport.height);
    }
    mjData* data = env.Env(0).data();
    mjv_updateScene(model, data, &option, nullptr, &camera, mjCAT_ALL, &scene);
    // a riser box's top is the tread's height-field surface beside it: drawn 1 mm higher,
    // so the two do not flicker through each other (display only)
    for (int g = 0; g < scene.ngeom && hfield >= 0; ++g)
      if (scene.geoms[g].objtype == mjOBJ_GEOM && scene.geoms[g].type == mjGEOM_BOX &&
          model->geom_bodyid[scene.geoms[g].objid] == 0)
        scene.geoms[g].pos[2] += 0.001f;
    mjr_render(viewport, &scene, &context);
    // overlay: command vs measured velocity, who drives, policy latency
    const auto measured = [&] {
      double rot[9], v[3];
      mju_quat2Mat(rot, data->qpos + env.Model().base_qpos + 3);
      mju_mulMatTVec(v, rot, data->qvel + env.Model().base_dof, 3, 3);
      return std::array<double, 3>{v[0], v[1], data->qvel[env.Model().base_dof + 5]};
    }();
    char values[512];
    std::snprintf(values, sizeof(values), "%s (%s)%s\n%+.2f  %+.2f  %+.2f\n%+.2f  %+.2f  %+.2f\n%.0f us\n%s",
                  policies[active].name.c_str(), policies[active].group.c_str(),
                  count == 2 ? "  [T switches]" : "", input.command[0], input.command[1],
                  input.command[2], measured[0], measured[1], measured[2], latency_us,
                  input.paused ? "paused" : "");
    mjr_overlay(mjFONT_NORMAL, mjGRID_TOPLEFT, viewport,
                "policy\ncommand vx vy wz\nmeasured vx vy wz\nlatency\n", values, &context);
    if (recording) {
      mjr_readPixels(rgb.data(), nullptr, viewport, &context);
      if (frame == snapshot_frame && !snapshot.empty()) WriteSnapshot(snapshot, rgb, width, height);
      if (std::fwrite(rgb.data(), 1, rgb.size(), ffmpeg) != rgb.size())
        throw ConfigError("play: --record " + record + ": ffmpeg stopped accepting frames "
                          "(it could not write the file?)");
    } else {
      glfwSwapBuffers(window);
      glfwPollEvents();
    }
  }
  mjv_freeScene(&scene);
  mjr_freeContext(&context);
  glfwDestroyWindow(window);
  glfwTerminate();
  if (ffmpeg) {
    if (pclose(ffmpeg) != 0) throw ConfigError("play: --record " + record + ": ffmpeg failed");
    std::printf("recorded %d frames (%.1f s at %.0f fps) to %s\n", frames, seconds,
                1.0 / env.Layout().control_dt, record.c_str());
  }
  return 0;
}

}  // namespace tutor
