// `earshot serve` as a process: the address line on stdout for --port 0,
// answers equal to `earshot predict` on the same files, and SIGTERM with
// a request in flight: the request is answered, then the server exits 0.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../raw_http.h"
#include "../run_earshot.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// `earshot serve ARGS` in a child process, its stdout on a pipe, its
// stderr into `err_path` when given.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args, const std::string& err_path = "") {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      if (!err_path.empty()) {
        if (FILE* err = std::fopen(err_path.c_str(), "w")) dup2(fileno(err), STDERR_FILENO);
      }
      close(out[0]);
      close(out[1]);
      std::vector<std::string> all{EARSHOT_BINARY, "serve"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_) fclose(stdout_);
  }
  // The first line the server prints ("" if it exits first).
  std::string FirstLine() {
    char line[512];
    return stdout_ && fgets(line, sizeof(line), stdout_) ? std::string(line) : std::string();
  }
  void Signal(int signal) const { kill(pid_, signal); }
  // The exit code, or -1 when it did not exit normally within `seconds`.
  int Wait(double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  bool exited_ = false;
};

void WriteTones(const fs::path& root) {
  const std::vector<std::pair<std::string, double>> classes{{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}};
  for (const auto& [label, hz] : classes) {
    fs::create_directories(root / label);
    for (int i = 0; i < 8; ++i) {
      std::vector<float> x(8000);
      for (size_t k = 0; k < x.size(); ++k) {
        x[k] = static_cast<float>(0.4 * std::sin(2 * M_PI * hz * (1.0 + 0.02 * i) * k / 8000 + 0.3 * i));
      }
      WriteWav((root / label / ("c" + std::to_string(i) + "_nohash_0.wav")).string(), x, 8000);
    }
  }
}

class ServeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::kWithTorch) return;
    dir_ = new fs::path(testing::ScratchDir("serve_cli"));
    fs::remove_all(*dir_);
    WriteTones(*dir_ / "data");
    std::ofstream(*dir_ / "tones.toml") << "name = \"tones\"\n"
                                          "[data]\nroot = \"" << (*dir_ / "data").string() << "\"\n"
                                          "split = \"stratified\"\nvalidation_fraction = 0.25\ntest_fraction = 0.25\n"
                                          "[features]\nsample_rate = 8000\nn_fft = 256\nwin_length = 200\n"
                                          "hop_length = 80\nn_mels = 20\n"
                                          "[model]\nname = \"seed003_dummy_2d\"\n"
                                          "[train]\nepochs = 2\nthreads = 1\n"
                                          "[loader]\nbatch_size = 4\nthreads = 1\n[store]\nthreads = 1\n";
    trained_ = new testing::CommandResult(testing::RunEarshot(
        "train " + (*dir_ / "tones.toml").string() + " --no-report --out " + (*dir_ / "tones").string()));
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete trained_;
  }
  void SetUp() override {
    if (!testing::kWithTorch) GTEST_SKIP() << "serve needs the LibTorch part";
    ASSERT_EQ(trained_->status, 0) << trained_->output;
  }
  static std::string Bundle() { return (*dir_ / "tones" / "model" / "best.bundle").string(); }
  static std::string Wav(const std::string& id) { return (*dir_ / "data" / id).string(); }
  static fs::path* dir_;
  static testing::CommandResult* trained_;
};
fs::path* ServeCli::dir_ = nullptr;
testing::CommandResult* ServeCli::trained_ = nullptr;

int PortOf(const std::string& line) {
  const std::string prefix = "listening on http://127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) return -1;
  return std::stoi(line.substr(prefix.size()));
}

TEST_F(ServeCli, AnswersAsPredictAndFinishesARequestInFlightOnSigterm) {
  ServeProcess server({Bundle(), "--port", "0", "--threads", "4"});
  const std::string line = server.FirstLine();
  const int port = PortOf(line);
  ASSERT_GT(port, 0) << "first line: '" << line << "'";

  const std::string id = "low/c1_nohash_0.wav";
  const testing::CommandResult predicted =
      testing::RunEarshot("predict " + Bundle() + " " + Wav(id) + " --format json --top-k 3", testing::Capture::kStdout);
  ASSERT_EQ(predicted.status, 0) << predicted.output;
  const json want = json::parse(predicted.output)[0]["top"];
  ASSERT_EQ(want.size(), 3u);

  const std::string wav = ReadFile(Wav(id));
  const std::string answer =
      testing::RawHttp(port, testing::PostHead("/v1/classify?top_k=3", "audio/wav", wav.size()) + wav);
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  const json got = json::parse(testing::BodyOf(answer));
  ASSERT_EQ(got["top"].size(), 3u) << got;
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(got["top"][k]["label"], want[k]["label"]) << got;
    EXPECT_NEAR(got["top"][k]["probability"].get<double>(), want[k]["probability"].get<double>(), 1e-6) << got;
  }

  // Half a body, SIGTERM, then the rest: the request is answered, then the
  // server exits 0 and no longer accepts connections.
  const std::string head = testing::PostHead("/v1/classify?top_k=3", "audio/wav", wav.size());
  const std::string in_flight = testing::RawHttp(port, head + wav.substr(0, wav.size() / 2), wav.substr(wav.size() / 2),
                                                 [&] {
                                                   std::this_thread::sleep_for(std::chrono::milliseconds(200));
                                                   server.Signal(SIGTERM);
                                                   std::this_thread::sleep_for(std::chrono::milliseconds(300));
                                                 });
  ASSERT_EQ(in_flight.rfind("HTTP/1.1 200", 0), 0u) << in_flight;
  EXPECT_EQ(json::parse(testing::BodyOf(in_flight))["top"], got["top"]);
  EXPECT_EQ(server.Wait(20.0), 0);
  EXPECT_EQ(testing::RawHttp(port, "GET /healthz HTTP/1.1\r\n\r\n"), "cannot connect");
}

TEST_F(ServeCli, SigintStopsAnIdleServerAndBadArgumentsAreNamed) {
  const std::string err = (*dir_ / "serve_err.txt").string();
  ServeProcess server({"kws=" + Bundle(), "--port", "0"}, err);
  const int port = PortOf(server.FirstLine());
  ASSERT_GT(port, 0);
  const std::string models = testing::RawHttp(port, "GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(models.rfind("HTTP/1.1 200", 0), 0u) << models;
  EXPECT_EQ(json::parse(testing::BodyOf(models))["models"][0]["name"], "kws");
  server.Signal(SIGINT);
  EXPECT_EQ(server.Wait(20.0), 0);
  // --workers 0, the default: one pass per core at one compute thread each.
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const std::string said = ReadFile(err);
  EXPECT_NE(said.find("forward passes: up to " + std::to_string(cores) + " at once per model, 1 compute thread(s) each"),
            std::string::npos)
      << said;
  // Two compute threads a pass: half as many passes, at least one.
  ServeProcess halved({"kws=" + Bundle(), "--port", "0", "--compute-threads", "2"}, err);
  ASSERT_GT(PortOf(halved.FirstLine()), 0);
  halved.Signal(SIGTERM);
  EXPECT_EQ(halved.Wait(20.0), 0);
  const std::string said_halved = ReadFile(err);
  EXPECT_NE(said_halved.find("forward passes: up to " + std::to_string(std::max(1, cores / 2)) +
                             " at once per model, 2 compute thread(s) each"),
            std::string::npos)
      << said_halved;

  testing::CommandResult r = testing::RunEarshot("serve " + (*dir_ / "nowhere.bundle").string() + " --port 0");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("nowhere.bundle"), std::string::npos) << r.output;
  r = testing::RunEarshot("serve " + Bundle() + " --port 70000");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--port should be in [0, 65535]"), std::string::npos) << r.output;
  r = testing::RunEarshot("serve " + Bundle() + " --max-batch 0");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--max-batch should be in [1, 1024]"), std::string::npos) << r.output;
  r = testing::RunEarshot("serve " + Bundle() + " --compute-threads 0");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--compute-threads should be in [1, 256]. Given: 0"), std::string::npos) << r.output;
  for (const char* workers : {"-1", "257"}) {
    r = testing::RunEarshot("serve " + Bundle() + " --workers " + workers);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(std::string("--workers should be in [0, 256] (0: one per core). Given: ") + workers),
              std::string::npos)
        << r.output;
  }
}

}  // namespace
}  // namespace earshot
