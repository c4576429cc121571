// tutor export: a checkpoint's policy to the self-describing file learning/eigen_policy.h runs.
#include <cstdio>

#include "core/error.h"
#include "learning/export.h"
#include "learning/policy_loading.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace tutor {

int RunExport(int argc, char** argv, int first) {
  Args args("export", {{"checkpoint", "PPO or distillation checkpoint (required)"},
                       {"policy", "teacher or student (default: the checkpoint's acting one)"},
                       {"out", "output file (required)"}});
  args.Parse(argc, argv, first);
  const std::string path = args.Get("checkpoint"), out = args.Get("out");
  if (path.empty() || out.empty())
    throw ConfigError("export: --checkpoint and --out are required\n" + args.Help());
  const LoadedPolicy loaded = LoadPolicy(path, args.Get("policy"));
  ExportPolicy(loaded.net, loaded.layout, loaded.group, out);
  std::printf("exported the %s on '%s' (%d inputs, %s memory, action clip %g) to %s\n",
              loaded.name.c_str(), loaded.group.c_str(), loaded.net->spec.obs,
              ChoiceName(MemoryTypes(), loaded.net->spec.config.memory),
              loaded.layout.action_clip, out.c_str());
  return 0;
}

}  // namespace tutor
