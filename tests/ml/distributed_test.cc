// Data-parallel training: the communicator and the trainer's collective
// steps in one process (two ranks on two threads), then `earshot train`
// with --nproc and its failures.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "../run_earshot.h"
#include "tone_run.h"
#include "earshot/training/distributed.h"
#include "earshot/util/files.h"
#include "training/data_parallel.h"

namespace earshot {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof(a);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

DistributedOptions Rank(int rank, int size, int port, double timeout = 20) {
  DistributedOptions d;
  d.world_size = size;
  d.rank = rank;
  d.master = "127.0.0.1:" + std::to_string(port);
  d.timeout = timeout;
  return d;
}

// Runs `body(group)` as ranks 0 and 1 of one job, on two threads.
void TwoRanks(const std::function<void(Communicator&)>& body) {
  const int port = FreePort();
  std::vector<std::string> errors(2);
  std::vector<std::thread> ranks;
  for (int r = 0; r < 2; ++r) {
    ranks.emplace_back([&, r] {
      try {
        auto group = Communicator::Join(Rank(r, 2, port));
        body(*group);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(r)] = e.what();
      }
    });
  }
  for (auto& t : ranks) t.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
}

TEST(Communicator, BroadcastSumAndGatherAcrossTwoRanks) {
  TwoRanks([](Communicator& g) {
    const float me = static_cast<float>(g.rank());
    std::vector<torch::Tensor> b{torch::full({3}, 10 + me), torch::full({2}, 20 + me)};
    g.Broadcast(b, "test");
    EXPECT_TRUE(b[0].equal(torch::full({3}, 10.f)));
    EXPECT_TRUE(b[1].equal(torch::full({2}, 20.f)));
    std::vector<torch::Tensor> s{torch::tensor({1.f, 2.f}) * (me + 1)};
    g.AllreduceSum(s, "test");
    EXPECT_TRUE(s[0].equal(torch::tensor({3.f, 6.f})));
    const auto all = g.AllGather(torch::full({2}, static_cast<int64_t>(g.rank() + 5)), "test");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0][0].item<int64_t>(), 5);
    EXPECT_EQ(all[1][1].item<int64_t>(), 6);
    EXPECT_EQ(SumOverRanks(g, {1.5, me}), (std::vector<double>{3.0, 1.0}));
  });
}

// Rank 0 holds one row, rank 1 two: the rows come in rank order and the
// loss is the mean over all three.
TEST(DataParallel, GatheredOutputsAreOneProcesssInRankOrder) {
  TwoRanks([](Communicator& g) {
    ModelOutputs o;
    o.classes = 2;
    const int rows = g.rank() + 1;
    for (int r = 0; r < rows; ++r) {
      o.probabilities.insert(o.probabilities.end(), {0.25f + g.rank(), 0.75f});
      o.targets.insert(o.targets.end(), {1.f, 0.f});
      o.labels.push_back(g.rank());
      o.clips.push_back(10 * g.rank() + r);
    }
    o.rows = rows;
    o.loss = g.rank() == 0 ? 3.0 : 6.0;
    const ModelOutputs all = GatherOutputs(g, o);
    EXPECT_EQ(all.rows, 3);
    EXPECT_EQ(all.clips, (std::vector<int64_t>{0, 10, 11}));
    EXPECT_EQ(all.labels, (std::vector<int>{0, 1, 1}));
    EXPECT_EQ(all.probabilities, (std::vector<float>{0.25f, 0.75f, 1.25f, 0.75f, 1.25f, 0.75f}));
    EXPECT_DOUBLE_EQ(all.loss, (3.0 + 2 * 6.0) / 3);
  });
}

// Rank 0 takes three examples and rank 1 one: the averaged gradient is that
// of the mean loss over all four, as one process computes it; batch-norm
// statistics are averaged and the weights broadcast from rank 0.
TEST(DataParallel, AveragedGradientsAreThoseOfTheWholeBatch) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({4, 5}), y = torch::randn({4, 2});
  auto reference = torch::nn::Linear(5, 2);
  torch::nn::functional::mse_loss(reference(x), y).backward();
  const torch::Tensor w = reference->weight.detach().clone(), b = reference->bias.detach().clone();
  TwoRanks([&](Communicator& g) {
    torch::nn::Sequential net(torch::nn::Linear(5, 2), torch::nn::BatchNorm1d(2));
    if (g.rank() == 0) {
      torch::NoGradGuard no_grad;
      net[0]->as<torch::nn::Linear>()->weight.copy_(w);
      net[0]->as<torch::nn::Linear>()->bias.copy_(b);
    }
    BroadcastModuleState(g, *net);
    auto* linear = net[0]->as<torch::nn::Linear>();
    EXPECT_TRUE(linear->weight.equal(w));
    const auto mine = g.rank() == 0 ? torch::indexing::Slice(0, 3) : torch::indexing::Slice(3, 4);
    torch::nn::functional::mse_loss(linear->forward(x.index({mine})), y.index({mine})).backward();
    AllreduceGradients(g, *net, g.rank() == 0 ? 3 : 1, /*bucket_bytes=*/16);
    EXPECT_TRUE(linear->weight.grad().allclose(reference->weight.grad(), 1e-6, 1e-6));
    EXPECT_TRUE(linear->bias.grad().allclose(reference->bias.grad(), 1e-6, 1e-6));
    auto* bn = net[1]->as<torch::nn::BatchNorm1d>();
    bn->running_mean.fill_(g.rank() == 0 ? 1.f : 3.f);
    AverageBuffers(g, *net);
    EXPECT_TRUE(bn->running_mean.equal(torch::full({2}, 2.f)));
  });
}

TEST(Communicator, APeerThatNeverComesIsNamedWithinTheTimeout) {
  const auto t0 = std::chrono::steady_clock::now();
  ExpectError([&] { Communicator::Join(Rank(0, 3, FreePort(), 1.0)); },
              {"rank 0 of 3", "ranks 1, 2 did not join", "within 1 s"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(DistributedOptions, BadValuesAreNamed) {
  DistributedOptions d;
  d.world_size = 2;
  d.rank = 2;
  ExpectError([&] { d.Validate(); }, {"--rank (2)", "0 .. 1"});
  d.rank = 0;
  d.master = "localhost";
  ExpectError([&] { d.Validate(); }, {"--master", "HOST:PORT", "'localhost'"});
  d.master = "h:70000";
  ExpectError([&] { d.Validate(); }, {"--master", "1 .. 65535"});
  d.master = "h:1";
  d.timeout = 0;
  ExpectError([&] { d.Validate(); }, {"--timeout (0)"});
}

TEST(DistributedOptions, TorchrunVariablesFillWhatTheCommandLineLeaves) {
  setenv("WORLD_SIZE", "4", 1);
  setenv("RANK", "3", 1);
  setenv("MASTER_ADDR", "10.1.2.3", 1);
  setenv("MASTER_PORT", "1234", 1);
  DistributedOptions d;
  ReadTorchrunEnvironment(d, {});
  EXPECT_EQ(d.world_size, 4);
  EXPECT_EQ(d.rank, 3);
  EXPECT_EQ(d.master, "10.1.2.3:1234");
  DistributedOptions given;
  given.rank = 1;
  ReadTorchrunEnvironment(given, {"rank"});
  EXPECT_EQ(given.rank, 1);
  setenv("RANK", "x", 1);
  ExpectError([&] { ReadTorchrunEnvironment(d, {}); }, {"RANK='x'", "whole number"});
  for (const char* v : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT"}) unsetenv(v);
}

// --- earshot train --nproc ---

std::vector<std::map<std::string, double>> LogRows(const std::string& csv_path) {
  std::istringstream in(ReadFile(csv_path));
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> columns;
  std::stringstream hs(header);
  for (std::string c; std::getline(hs, c, ',');) columns.push_back(c);
  std::vector<std::map<std::string, double>> rows;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::map<std::string, double> row;
    size_t i = 0;
    for (std::string cell; std::getline(ls, cell, ','); ++i) row[columns.at(i)] = std::stod(cell);
    rows.push_back(row);
  }
  return rows;
}

// Every metric of every epoch within `tolerance`.
void ExpectSameLog(const std::string& a, const std::string& b, double tolerance) {
  const auto ra = LogRows(a), rb = LogRows(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t e = 0; e < ra.size(); ++e) {
    ASSERT_EQ(ra[e].size(), rb[e].size());
    for (const auto& [key, value] : ra[e]) {
      EXPECT_NEAR(value, rb[e].at(key), tolerance) << key << " of epoch " << e + 1;
    }
  }
}

// The tone recipe on a model without batch norm or dropout (global max
// pooling and a dense layer): data parallelism changes nothing but the
// order of float sums.
fs::path WriteDenseRecipe(const std::string& name, int epochs) {
  const fs::path root = MakeToneSet(name);
  RecipeOptions r = TinyRecipe(root);
  r.model.name = "seed003_dummy_2d";
  r.train.epochs = epochs;
  r.train.normalize = "global";
  const fs::path path = root.parent_path() / "tones.toml";
  WriteFileAtomic(path.string(), ToToml(r));
  return path;
}

testing::CommandResult Train(const std::string& args) {
  return testing::RunEarshot("train " + args + " --no-report", testing::Capture::kStdoutAndStderr,
                             "OMP_NUM_THREADS=1");
}

// Tolerance: the two runs add the same float32 gradients in another order
// (per rank, then across ranks), a relative difference near 1e-7 per step;
// over 16 Adam steps the logged losses move by far less than 1e-4, while a
// single clip scored differently moves an accuracy by at least 1/31.
TEST(DistributedTraining, TwoProcessesMatchOneWithTheSameGlobalBatch) {
  const fs::path recipe = WriteDenseRecipe("dist_same", 4);
  const std::string one = (recipe.parent_path() / "one").string(), two = (recipe.parent_path() / "two").string();
  fs::remove_all(one);
  fs::remove_all(two);
  const auto r1 = Train(recipe.string() + " --out " + one);
  ASSERT_EQ(r1.status, 0) << r1.output;
  const auto r2 = Train(recipe.string() + " --nproc 2 --out " + two);
  ASSERT_EQ(r2.status, 0) << r2.output;
  // Rank 0 alone reports.
  EXPECT_EQ(r2.output.find("run: " + two), r2.output.rfind("run: " + two)) << r2.output;
  ExpectSameLog(one + "/model/log.csv", two + "/model/log.csv", 1e-4);
  const auto m1 = nlohmann::json::parse(ReadFile(one + "/model/metrics_validation.json"));
  const auto m2 = nlohmann::json::parse(ReadFile(two + "/model/metrics_validation.json"));
  EXPECT_NEAR(m1["accuracy"].get<double>(), m2["accuracy"].get<double>(), 1e-9);
  const auto w1 = Weights(one + "/model/last.bundle"), w2 = Weights(two + "/model/last.bundle");
  ASSERT_EQ(w1.size(), w2.size());
  for (size_t i = 0; i < w1.size(); ++i) EXPECT_NEAR(w1[i], w2[i], 1e-4) << i;
  // The same validation clips in the same order.
  EXPECT_EQ(ReadFile(one + "/model/predictions_validation.csv").substr(0, 40),
            ReadFile(two + "/model/predictions_validation.csv").substr(0, 40));
  EXPECT_EQ(nlohmann::json::parse(ReadFile(two + "/summary.json"))["processes"], 2);
}

// Two epochs on two processes, then resumed on one to four epochs: the
// uninterrupted two-process run's numbers.
TEST(DistributedTraining, ATwoProcessRunResumesOnAnotherProcessCount) {
  const fs::path recipe = WriteDenseRecipe("dist_resume", 4);
  const std::string whole = (recipe.parent_path() / "whole").string();
  const std::string cut = (recipe.parent_path() / "cut").string();
  fs::remove_all(whole);
  fs::remove_all(cut);
  const auto a = Train(recipe.string() + " --nproc 2 --out " + whole);
  ASSERT_EQ(a.status, 0) << a.output;
  const auto b = Train(recipe.string() + " --nproc 2 --set train.epochs=2 --out " + cut);
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_EQ(LogRows(cut + "/model/log.csv").size(), 2u);
  const auto c = Train("--resume " + cut + " --set train.epochs=4");
  ASSERT_EQ(c.status, 0) << c.output;
  ExpectSameLog(whole + "/model/log.csv", cut + "/model/log.csv", 1e-4);
  const auto d = Train("--resume " + cut + " --set train.epochs=5 --nproc 2");
  ASSERT_EQ(d.status, 0) << d.output;
  EXPECT_EQ(LogRows(cut + "/model/log.csv").size(), 5u);
}

// Rank 0 is killed halfway through writing its first checkpoint: the job
// ends with an error naming it, well within the timeout, and no rank is left.
TEST(DistributedTraining, AKilledRankStopsTheJobWithAnErrorNamingIt) {
  const fs::path recipe = WriteDenseRecipe("dist_kill", 30);
  const std::string run = (recipe.parent_path() / "run").string();
  fs::remove_all(run);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = testing::RunEarshot("train " + recipe.string() + " --nproc 2 --no-report --out " + run,
                                     testing::Capture::kStdoutAndStderr,
                                     "OMP_NUM_THREADS=1 EARSHOT_FAULT=kill:1:checkpoint");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("error: rank 0 of 2 was killed by signal 9"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the other ranks were stopped"), std::string::npos) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
  // popen returned: every process holding the output pipe, ranks included, is gone.
}

TEST(DistributedTraining, ARankWhosePeersNeverComeSaysWhichAreMissing) {
  const fs::path recipe = WriteDenseRecipe("dist_alone", 1);
  const auto r = Train(recipe.string() + " --world-size 2 --rank 0 --master 127.0.0.1:" +
                       std::to_string(FreePort()) + " --timeout 1 --out " +
                       (recipe.parent_path() / "run").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("error: rank 0 of 2: rank 1 did not join at 127.0.0.1:"), std::string::npos)
      << r.output;
  const auto bad = Train(recipe.string() + " --world-size 2 --rank 2");
  EXPECT_NE(bad.output.find("--rank (2) should be 0 .. 1"), std::string::npos) << bad.output;
  const auto both = Train(recipe.string() + " --world-size 2 --nproc 2");
  EXPECT_NE(both.output.find("--nproc (2)"), std::string::npos) << both.output;
}

// --parallel-jobs: the 3 folds spread over 2 processes (rank 0 trains
// folds 0 and 2, rank 1 fold 1), each trained alone as one process trains
// it: the same out-of-fold predictions to the last digit.
TEST(DistributedTraining, KFoldSpreadOverTwoProcessesGivesTheSameOutOfFoldPredictions) {
  const fs::path root = MakeToneSet("dist_folds");
  RecipeOptions r = TinyRecipe(root);
  r.data.split = "kfold";
  r.data.folds = 3;
  r.train.all_folds = true;
  r.train.epochs = 2;
  const fs::path recipe = root.parent_path() / "folds.toml";
  WriteFileAtomic(recipe.string(), ToToml(r));
  const std::string one = (recipe.parent_path() / "one").string(), two = (recipe.parent_path() / "two").string();
  fs::remove_all(one);
  fs::remove_all(two);
  const auto r1 = Train(recipe.string() + " --out " + one);
  ASSERT_EQ(r1.status, 0) << r1.output;
  const auto r2 = Train(recipe.string() + " --nproc 2 --parallel-jobs --out " + two);
  ASSERT_EQ(r2.status, 0) << r2.output;
  EXPECT_NE(r2.output.find("3 models spread over 2 processes"), std::string::npos) << r2.output;
  const std::string oof1 = ReadFile(one + "/oof/predictions_validation.csv");
  EXPECT_GT(std::count(oof1.begin(), oof1.end(), '\n'), 30);
  EXPECT_EQ(oof1, ReadFile(two + "/oof/predictions_validation.csv"));
  EXPECT_EQ(ReadFile(one + "/fold-1/log.csv"), ReadFile(two + "/fold-1/log.csv"));
  const auto s1 = nlohmann::json::parse(ReadFile(one + "/summary.json"));
  const auto s2 = nlohmann::json::parse(ReadFile(two + "/summary.json"));
  EXPECT_EQ(s1["out_of_fold"], s2["out_of_fold"]);
  ASSERT_EQ(s2["models"].size(), 3u);
  EXPECT_EQ(s1["models"][1]["best_metrics"], s2["models"][1]["best_metrics"]);
}

// This LibTorch has no CUDA: the switch says so before anything is
// written; cpu trains.
TEST(TrainDevice, CudaWithoutItIsAnErrorAndCpuTrains) {
  const fs::path recipe = WriteDenseRecipe("device", 1);
  const std::string run = (recipe.parent_path() / "run").string();
  fs::remove_all(run);
  if (!torch::cuda::is_available()) {
    const auto cuda = Train(recipe.string() + " --set train.device=cuda --out " + run);
    EXPECT_EQ(cuda.status, 1) << cuda.output;
    EXPECT_NE(cuda.output.find("--train.device = cuda, but this LibTorch has no CUDA"), std::string::npos)
        << cuda.output;
    EXPECT_FALSE(fs::exists(run));
  }
  const auto bad = Train(recipe.string() + " --set train.device=tpu --out " + run);
  EXPECT_NE(bad.output.find("--train.device"), std::string::npos) << bad.output;
  const auto cpu = Train(recipe.string() + " --set train.device=cpu --out " + run);
  EXPECT_EQ(cpu.status, 0) << cpu.output;
}

}  // namespace
}  // namespace earshot
