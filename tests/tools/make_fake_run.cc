// Writes the fake training run of tests/support/fake_run.h, to look at its
// report in a browser or to check the page there (tests/report_browser_test.sh):
//
//   earshot_make_fake_run DIR     # DIR/run over the clips in DIR/data
//   earshot report DIR/run --out DIR/report.html
#include <filesystem>
#include <iostream>

#include "../support/fake_run.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " DIR   (writes DIR/run and DIR/data; DIR is emptied first)\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  try {
    std::filesystem::remove_all(dir);
    earshot::testing::MakeFakeRun(dir / "run", dir / "data");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::cout << dir.string() << "/run\n";
  return 0;
}
