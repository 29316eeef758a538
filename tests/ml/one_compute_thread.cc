// The tests' recipes train with one LibTorch thread (train.threads = 1), as
// `earshot train` would set it: the library leaves the setting to the
// program (SetComputeThreads), so the test program makes it once.
#include <gtest/gtest.h>

#include "earshot/training/trainer.h"

namespace {

class OneComputeThread : public ::testing::Environment {
 public:
  void SetUp() override { earshot::SetComputeThreads(1); }
};

const ::testing::Environment* const kOneComputeThread =
    ::testing::AddGlobalTestEnvironment(new OneComputeThread);

}  // namespace
