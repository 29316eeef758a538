// A bundle for timing `earshot stream`: the model and front end of a recipe
// (configs/kws-dscnn.toml), untrained weights, the 10 words + _unknown_ +
// _silence_ of the demo keyword set. Speed does not depend on the weights.
//
//   bench_stream_bundle configs/kws-dscnn.toml /tmp/kws.bundle
#include <iostream>

#include "earshot/features/frontend.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/training/recipe.h"
#include "earshot/util/error.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bench_stream_bundle RECIPE.toml OUT.bundle\n";
    return 2;
  }
  try {
    const earshot::RecipeOptions r = earshot::LoadRecipe(argv[1], {});
    earshot::BundleInfo info;
    info.features = r.features;
    info.model = r.model;
    info.data = r.data;
    info.loader = r.loader;
    info.store = r.store;
    info.labels = {"_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"};
    info.clip_samples = r.loader.clip.Length(r.features.sample_rate);
    info.example_shape = earshot::FrontEnd(info.features).OutputShape(info.clip_samples);
    auto model = earshot::BuildModel(info.model, info.example_shape, static_cast<int>(info.labels.size()));
    model->eval();
    earshot::SaveBundle(argv[2], info, *model);
    std::cout << "wrote " << argv[2] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
