#include "earshot/data/bad_files.h"

#include <cstdio>

#include "earshot/util/error.h"

namespace earshot {

double BadFileReport::Fraction() const {
  return files > 0 ? static_cast<double>(bad.size()) / static_cast<double>(files) : 0.0;
}

std::string BadFileReport::Summary() const {
  if (bad.empty()) return "";
  char head[160];
  std::snprintf(head, sizeof(head), "%zu of %lld files unreadable (%.2f%%):\n", bad.size(),
                static_cast<long long>(files), 100.0 * Fraction());
  std::string out = head;
  for (const BadFile& b : bad) out += "  " + b.path + ": " + b.reason + "\n";
  return out;
}

BadFile BadFileOf(const std::string& name, const std::string& message) {
  const std::string prefix = name + ": ";
  return {name, message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message};
}

void EnforceBadFilePolicy(const BadFileReport& report, const StoreOptions& options) {
  if (report.bad.empty()) return;
  if (options.on_bad_file == "fail") {
    ThrowBadData("on_bad_file = fail and " + report.Summary());
  }
  if (report.Fraction() > options.max_bad_fraction) {
    char limit[96];
    std::snprintf(limit, sizeof(limit), "more than max_bad_fraction = %g of the files are bad: ",
                  options.max_bad_fraction);
    ThrowBadData(limit + report.Summary());
  }
}

}  // namespace earshot
