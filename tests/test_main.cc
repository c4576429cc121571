// GoogleTest main shared by tutor's suites: a MuJoCo warning fails the running test.
#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

namespace {
void FailOnWarning(const char* message) { ADD_FAILURE() << "MuJoCo warning: " << message; }
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  mju_user_warning = FailOnWarning;
  return RUN_ALL_TESTS();
}
