// tutor export: a checkpoint's policy to the self-describing file learning/eigen_policy.h runs.
#include "learning/export.h"

#include <cstdio>

#include "core/error.h"
#include "learning/policy_loading.h"
#include "tools/commands.h"
#include "tools/common.h"

namespace tutor {

int RunExport(int argc, char** argv, int first) {
  CLI::App app("a policy to the self-describing file the Eigen runtime runs", "tutor export");
  std::string path, which, out;
  app.add_option("--checkpoint", path, "PPO or distillation checkpoint")->required();
  app.add_option("--policy", which, "teacher or student (default: the checkpoint's acting one)")
      ->check(CLI::IsMember({"teacher", "student"}));
  app.add_option("--out", out, "output file")->required();
  if (!ParseFlags(&app, argc, argv, first)) return 0;
  const LoadedPolicy loaded = LoadPolicy(path, which);
  ExportPolicy(loaded.net, loaded.layout, loaded.group, out);
  std::printf("exported the %s on '%s' (%d inputs, %s memory, action clip %g) to %s\n",
              loaded.name.c_str(), loaded.group.c_str(), loaded.net->spec.obs,
              ChoiceName(MemoryTypes(), loaded.net->spec.config.memory), loaded.layout.action_clip,
              out.c_str());
  return 0;
}

}  // namespace tutor
