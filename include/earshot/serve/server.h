// `earshot serve`: trained bundles behind HTTP (cpp-httplib), several
// served by name; requests that wait at the same time share one forward
// pass per model. docs/serve.md describes the endpoints.
//
//   Server s(NameModels({"runs/kws/model/best.bundle"}), ServeOptions{});
//   int port = s.Bind();   // --port 0: any free port
//   s.Run();               // until Stop() (from another thread); requests in flight are answered
//
// Neither LibTorch nor httplib appear here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "earshot/serve/batcher.h"
#include "earshot/serve/request.h"

namespace earshot::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";   // localhost unless told otherwise
  int port = 8080;                   // 0: any free port
  int threads = 16;                  // HTTP workers; each open keep-alive connection holds one
  BatchOptions batch;
  UploadLimits limits;
  double read_timeout = 10.0;        // seconds a read may wait for the client's next bytes
  double write_timeout = 10.0;       // seconds a write may wait for the client
  double keep_alive_timeout = 5.0;   // seconds an idle connection is kept
  int keep_alive_max = 10000;        // requests per connection
  int top_k = 5;                     // labels in "top" when the query gives no top_k

  // Throws Error(kInvalidOption) naming the option (--port, --threads...).
  void Validate() const;
};

struct ModelSpec {
  std::string name;
  std::string path;
};

// Command-line model arguments: `NAME=PATH`, or a bundle path named after
// its run: `runs/kws/model/best.bundle` -> `kws`, `runs/s3/fold-2/best.bundle`
// -> `s3-fold-2` (a `last.bundle` adds `-last`), any other file by its stem
// (`models/kws_small.bundle` -> `kws_small`). Names are letters, digits and
// `._-`; an invalid or repeated name is an error saying to use NAME=PATH.
std::vector<ModelSpec> NameModels(const std::vector<std::string>& args);

class Server {
 public:
  // Loads every bundle (Predictor); throws naming a bundle that cannot be loaded.
  Server(const std::vector<ModelSpec>& models, const ServeOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds to host:port and returns the port (the one chosen for port 0);
  // throws Error(kIo) naming the address when it cannot.
  int Bind();
  // Serves until Stop(); returns once every request in flight is answered.
  void Run();
  // Stops accepting; safe from any thread, before, during or after Run.
  void Stop();

  std::vector<std::string> model_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot::serve
