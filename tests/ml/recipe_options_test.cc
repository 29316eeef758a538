// The recipe as a whole: every message names an option by the dotted key
// --set and the TOML accept, from any depth of the recipe.
#include <gtest/gtest.h>

#include "../option_keys.h"
#include "earshot/training/recipe.h"

namespace earshot {
namespace {

RecipeOptions Recipe() {
  RecipeOptions r;
  r.data.root = "data";
  return r;
}

TEST(RecipeOptionsTest, EveryMessageNamesAKeySetAccepts) {
  const int messages = testing::CheckMessageKeys(Recipe(), "");
  EXPECT_GE(messages, 200);
}

TEST(RecipeOptionsTest, NestedMessagesNameTheFullKey) {
  RecipeOptions r = Recipe();
  ApplySetting(r, "train.schedule.warmup_epochs=-1");
  try {
    r.Validate();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--train.schedule.warmup_epochs should be >= 0. Given: -1");
  }
  r = Recipe();
  ApplySetting(r, "loader.augment.noise_frequency=1.5");
  try {
    r.Validate();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--loader.augment.noise_frequency should be in [0, 1]. Given: 1.5");
  }
  // A key given without its group is pointed to the full one.
  try {
    ApplySetting(r, "n_mels=64");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean '--features.n_mels'?"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace earshot
