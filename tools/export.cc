// tutor export: a checkpoint's policy to the self-describing file learning/eigen_policy.h runs.
#include <cstdio>

#include "envs/error.h"
#include "learning/export.h"
#include "learning/teacher_loading.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace tutor {

int RunExport(int argc, char** argv, int first) {
  Args args("export", {{"checkpoint", "PPO or distillation checkpoint (required)"},
                       {"policy", "teacher or student (default: the checkpoint's acting one)"},
                       {"out", "output file (required)"}});
  args.Parse(argc, argv, first);
  const std::string path = args.Get("checkpoint"), out = args.Get("out");
  const std::string which = args.Get("policy");
  if (path.empty() || out.empty())
    throw ConfigError("export: --checkpoint and --out are required\n" + args.Help());
  if (!which.empty() && which != "teacher" && which != "student")
    throw ConfigError("export: --policy: expected 'teacher' or 'student', got '" + which + "'");
  const CheckpointMeta meta = ReadCheckpointMeta(path);
  PolicyNet net{nullptr};
  std::string group;
  EnvLayout layout = EnvLayout::Parse(meta.layout);
  if (meta.kind == "ppo") {
    if (which == "student")
      throw ConfigError(path + ": a PPO checkpoint holds only a teacher (--policy teacher)");
    net = PolicyNetFromActor(LoadPpoPolicy(path).policy);
    group = meta.actor_group;
  } else {
    LoadedDistillation d = LoadDistillation(path);
    const bool student = which != "teacher";
    net = student ? d.model->student : d.model->teacher;
    group = student ? meta.actor_group : meta.critic_group;
  }
  ExportPolicy(net, layout, group, out);
  std::printf("exported %s policy on '%s' (%d inputs, %s memory) to %s\n",
              which.empty() ? "the" : which.c_str(), group.c_str(), net->spec.obs,
              net->spec.memory.c_str(), out.c_str());
  return 0;
}

}  // namespace tutor
