// `earshot X --help` for every subcommand: the text above "Usage:" holds an
// example command line, every numeric option shows its default, and no
// option name carries CLI11's {value} decoration.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "../run_earshot.h"

namespace earshot {
namespace {

std::string Help(const std::string& command) { return testing::RunEarshot(command + " --help").output; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The commands of the parts this binary was built with.
std::vector<std::string> BuiltCommands() {
  std::vector<std::string> commands = {"features", "inspect"};
  if (testing::kWithTorch) commands.insert(commands.end(), {"eval", "predict", "serve", "train"});
  if (testing::kWithPlots) commands.push_back("report");
  if (testing::kWithSynth) {
    commands.insert(commands.end(), {"synth", "synth example", "synth keywords", "synth mixtures",
                                     "synth tagging", "synth npz"});
  }
  return commands;
}
const std::vector<std::string> kCommands = BuiltCommands();

TEST(CliHelp, EveryCommandOpensWithAnExampleToPaste) {
  for (const auto& command : kCommands) {
    const std::string help = Help(command);
    const size_t usage = help.find("Usage:");
    ASSERT_NE(usage, std::string::npos) << command << ":\n" << help;
    bool example = false;
    for (const auto& line : Lines(help.substr(0, usage))) {
      const size_t start = line.find_first_not_of(' ');
      if (start != std::string::npos && line.compare(start, 9 + command.size(), "earshot " + command + " ") == 0) {
        example = true;
      }
    }
    EXPECT_TRUE(example) << command << ": no 'earshot " << command << " ...' line above Usage:\n" << help;
  }
}

// The part of an option's help line before its description: "--rate
// INT:INT in [1000 - 384000]=16000"; "" when `name` has no line.
std::string Opts(const std::string& help, const std::string& name) {
  for (const auto& line : Lines(help)) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line.compare(start, name.size() + 1, name + " ") != 0) continue;
    const size_t gap = line.find("  ", start);
    return line.substr(start, gap == std::string::npos ? std::string::npos : gap - start);
  }
  return "";
}

TEST(CliHelp, NumericOptionsShowTheirDefaults) {
  for (const auto& command : kCommands) {
    const std::string help = Help(command);
    int numeric = 0;
    for (const auto& line : Lines(help)) {
      const size_t start = line.find_first_not_of(' ');
      if (start == std::string::npos || line.compare(start, 2, "--") != 0) continue;
      const std::string name = line.substr(start, line.find(' ', start) - start);
      EXPECT_EQ(name.find('{'), std::string::npos) << command << ": " << line;
      const std::string opts = Opts(help, name);
      EXPECT_EQ(opts.find("=[]"), std::string::npos) << command << ": " << line;
      if (opts.find(" INT") == std::string::npos && opts.find(" UINT") == std::string::npos &&
          opts.find(" FLOAT") == std::string::npos) {
        continue;
      }
      ++numeric;
      EXPECT_NE(opts.find('='), std::string::npos) << command << ": no default in '" << line << "'";
    }
    if (command != "features" && command != "train" && command != "synth") {
      EXPECT_GT(numeric, 0) << command << ":\n" << help;
    }
  }
}

TEST(CliHelp, TheDefaultsAreTheValuesUsed) {
  const std::string inspect = Help("inspect");
  EXPECT_EQ(Opts(inspect, "--threads"), "--threads INT:INT in [1 - 64]=2") << inspect;
  if (!testing::kWithSynth || !testing::kWithTorch) return;  // the rest are theirs
  const std::string example = Help("synth example");
  EXPECT_EQ(Opts(example, "--rate"), "--rate INT:INT in [1000 - 384000]=16000") << example;
  EXPECT_EQ(Opts(example, "--seconds"), "--seconds FLOAT:FLOAT in [0.01 - 600]=1") << example;
  EXPECT_EQ(Opts(example, "--seed"), "--seed UINT=1") << example;
  for (const char* kind : {"keywords", "mixtures", "tagging", "npz"}) {
    const std::string help = Help(std::string("synth ") + kind);
    EXPECT_EQ(Opts(help, "--seed"), "--seed INT=1") << help;
  }
  const std::string train = Help("train");
  EXPECT_EQ(Opts(train, "--no-report"), "--no-report") << train;
  EXPECT_EQ(Opts(train, "--set"), "--set TEXT ...") << train;
}

}  // namespace
}  // namespace earshot
