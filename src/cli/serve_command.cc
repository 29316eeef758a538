// `earshot serve BUNDLE...`: trained bundles behind HTTP (docs/serve.md).
// The server is the library's (serve/server.h); this file reads the
// options, sets the program's LibTorch threads and turns SIGTERM and
// SIGINT into a clean stop.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <iostream>
#include <thread>

#include "commands.h"
#include "earshot/serve/server.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"

namespace earshot::cli {
namespace {

struct ServeArgs {
  std::vector<std::string> models;
  serve::ServeOptions options;
  int compute_threads = 1;
};

// SIGTERM and SIGINT write a byte to this pipe (all a signal handler may
// safely do, in whichever thread receives the signal); a thread reading it
// stops the server.
int stop_pipe[2] = {-1, -1};

extern "C" void OnStopSignal(int) {
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = write(stop_pipe[1], &byte, 1);
}

void Run(const ServeArgs& a) {
  if (a.compute_threads < 1 || a.compute_threads > 256) {
    ThrowOption("--compute-threads should be in [1, 256]. Given: " + std::to_string(a.compute_threads));
  }
  SetComputeThreads(a.compute_threads);
  serve::ServeOptions options = a.options;
  if (options.batch.workers < 0 || options.batch.workers > 256) {
    ThrowOption("--workers should be in [0, 256] (0: one per core). Given: " + std::to_string(options.batch.workers));
  }
  if (options.batch.workers == 0) {
    // One forward pass per core: XNNPACK's passes cost the same per clip
    // at any batch, so a second core pays by running a second pass.
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    options.batch.workers = std::clamp(cores / a.compute_threads, 1, 256);
  }
  serve::Server server(serve::NameModels(a.models), options);
  const int port = server.Bind();
  if (pipe(stop_pipe) != 0) ThrowIo("serve: cannot make the pipe that carries SIGTERM");
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  std::thread waiter([&] {
    char byte = 0;
    while (read(stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte == 1) server.Stop();  // a signal, not the wake-up below
  });
  for (const std::string& name : server.model_names()) std::cerr << "serving model " << name << "\n";
  std::cerr << "forward passes: up to " << options.batch.workers << " at once per model, " << a.compute_threads
            << " compute thread(s) each\n";
  std::cout << "listening on http://" << a.options.host << ":" << port << std::endl;
  // The requests in flight are answered before Run returns.
  server.Run();
  const char wake = 0;
  [[maybe_unused]] const ssize_t n = write(stop_pipe[1], &wake, 1);
  waiter.join();
  std::cerr << "stopped\n";
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  serve::ServeOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve model bundles over HTTP: POST /v1/classify, GET /v1/models, /healthz, /metrics.\n"
      "  earshot serve runs/kws/model/best.bundle --port 8080");
  cmd->add_option("models", args->models,
                  "model bundles, each PATH (named after its run or file) or NAME=PATH")
      ->required();
  cmd->add_option("--host", o.host, "address to listen on (0.0.0.0: every interface)")->capture_default_str();
  cmd->add_option("--port", o.port, "port (0: any free port; the address is printed)")->capture_default_str();
  cmd->add_option("--threads", o.threads,
                  "HTTP worker threads; each open keep-alive connection holds one")
      ->capture_default_str();
  cmd->add_option("--compute-threads", args->compute_threads, "LibTorch threads per forward pass")
      ->capture_default_str();
  cmd->add_option("--max-batch", o.batch.max_batch, "clips per forward pass, at most")->capture_default_str();
  o.batch.workers = 0;
  cmd->add_option("--workers", o.batch.workers,
                  "forward passes per model at once, each with --compute-threads "
                  "(0: the cores divided by --compute-threads)")
      ->capture_default_str();
  cmd->add_option("--max-wait-ms", o.batch.max_wait_ms,
                  "after a request arrives, how long to wait for others to batch with (0: take what is queued)")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o.limits.max_body_bytes, "largest request body")->capture_default_str();
  cmd->add_option("--max-audio-seconds", o.limits.max_audio_seconds, "longest sound per request")
      ->capture_default_str();
  cmd->add_option("--read-timeout", o.read_timeout, "seconds to wait for a client's next bytes")
      ->capture_default_str();
  cmd->add_option("--write-timeout", o.write_timeout, "seconds to wait for a client to take the answer")
      ->capture_default_str();
  cmd->add_option("--keep-alive-timeout", o.keep_alive_timeout, "seconds an idle connection stays open")
      ->capture_default_str();
  cmd->add_option("--top-k", o.top_k, "labels in \"top\" when the query has no top_k")->capture_default_str();
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
