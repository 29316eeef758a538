// One HTTP exchange over a plain socket, for tests that need to control
// the bytes and their timing (a body that stalls, a signal while a request
// is in flight): sends `first`, calls `between`, sends `second`, and
// returns everything the server sends until it closes the connection
// (send "Connection: close").
//
//   std::string answer = RawHttp(port, head + body.substr(0, 100), body.substr(100), [&] { kill(pid, SIGTERM); });
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace earshot::testing {

inline std::string RawHttp(int port, const std::string& first, const std::string& second = "",
                           const std::function<void()>& between = {}) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "cannot connect";
  }
  send(fd, first.data(), first.size(), MSG_NOSIGNAL);
  if (between) between();
  if (!second.empty()) send(fd, second.data(), second.size(), MSG_NOSIGNAL);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) out.append(buffer, static_cast<size_t>(n));
  close(fd);
  return out;
}

// The request line and headers of a POST whose body has `length` bytes.
inline std::string PostHead(const std::string& target, const std::string& content_type, size_t length) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(length) + "\r\nConnection: close\r\n\r\n";
}

// The body of an answer (after the blank line).
inline std::string BodyOf(const std::string& answer) {
  const size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

}  // namespace earshot::testing
