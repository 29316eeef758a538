#include "earshot/report/stream_report.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "earshot/report/html.h"
#include "earshot/util/error.h"

namespace earshot::report {
namespace {

using json = nlohmann::json;

std::string Text(const json& j, const char* key) {
  if (!j.contains(key)) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

double Num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; }

std::string Percent(double rate) { return Fixed(100.0 * rate, 1) + "%"; }

void Card(std::ostringstream& out, const std::string& value, const std::string& label) {
  out << "<div class=\"card\"><div class=\"v\">" << EscapeHtml(value) << "</div><div class=\"k\">"
      << EscapeHtml(label) << "</div></div>";
}

// Rows of keyword rates (metrics' "keywords" and "overall").
void RatesTable(std::ostringstream& out, const json& m) {
  out << "<table>\n<tr><th class=\"name\">keyword</th><th>threshold</th><th>words</th><th>found</th>"
         "<th>false-reject rate</th><th>false alarms</th><th>false alarms per hour</th></tr>\n";
  auto row = [&](const json& k, const std::string& name) {
    out << "<tr><td class=\"name\">" << EscapeHtml(name) << "</td><td>"
        << (k.contains("threshold") ? Fixed(Num(k, "threshold"), 4) : std::string()) << "</td><td>"
        << Text(k, "words") << "</td><td>" << Text(k, "found") << "</td><td>" << Percent(Num(k, "false_reject_rate"))
        << "</td><td>" << Text(k, "false_alarms") << "</td><td>" << Fixed(Num(k, "false_alarms_per_hour"), 2)
        << "</td></tr>\n";
  };
  if (m.contains("keywords") && m["keywords"].is_array()) {
    for (const json& k : m["keywords"]) row(k, Text(k, "label"));
  }
  if (m.contains("overall") && m["overall"].is_object()) row(m["overall"], "all keywords");
  out << "</table>\n";
}

}  // namespace

std::string RenderStreamReport(const std::string& metrics_json, const std::string& det_png) {
  json m;
  try {
    m = json::parse(metrics_json);
  } catch (const json::exception& e) {
    ThrowBadData(std::string("stream report: the metrics are not JSON (") + e.what() + ")");
  }
  if (!m.is_object()) ThrowBadData("stream report: the metrics are not a JSON object");
  std::ostringstream out;
  out << PageHead("earshot stream evaluation: " + Text(m, "audio")) << "<header>\n<h1>Keyword spotting on a stream</h1>\n"
      << "<p>model <code>" << EscapeHtml(Text(m, "bundle")) << "</code></p>\n<p>audio <code>"
      << EscapeHtml(Text(m, "audio")) << "</code> (" << Fixed(Num(m, "audio_seconds") / 60.0, 1)
      << " min) &middot; truth <code>" << EscapeHtml(Text(m, "truth")) << "</code></p>\n</header>\n"
      << "<nav><a href=\"#rates\">Rates</a><a href=\"#det\">DET curve</a>"
      << (m.contains("operating_point") ? "<a href=\"#operating\">Operating point</a>" : "")
      << "<a href=\"#settings\">Settings</a></nav>\n<main>\n";

  out << "<section id=\"rates\">\n<h2>Rates at the bundle's thresholds</h2>\n<div class=\"cards\">";
  if (m.contains("overall") && m["overall"].is_object()) {
    Card(out, Percent(Num(m["overall"], "false_reject_rate")), "false-reject rate");
    Card(out, Fixed(Num(m["overall"], "false_alarms_per_hour"), 2), "false alarms per hour");
  }
  if (m.contains("latency") && m["latency"].is_object()) {
    Card(out, Fixed(Num(m["latency"], "median_ms"), 0) + " ms", "median latency");
    Card(out, Fixed(Num(m["latency"], "p95_ms"), 0) + " ms", "95th percentile latency");
  }
  out << "</div>\n";
  RatesTable(out, m);
  out << "<p>A false alarm is an event of the keyword that is not a correct match: on silence or noise, "
         "on another word (keyword or not), or a second event on a word already found.</p>\n";
  if (m.contains("tensorflow") && m["tensorflow"].is_object()) {
    const json& t = m["tensorflow"];
    out << "<h3>TensorFlow's streaming counts</h3>\n<p>Tolerance " << Fixed(Num(m, "tolerance_ms"), 0)
        << " ms, over " << Text(t, "ground_truth") << " truth words (keywords and others).</p>\n<table>\n"
        << "<tr><th>matched</th><th>correct</th><th>wrong</th><th>false positives</th></tr>\n<tr><td>"
        << Text(t, "matched") << " (" << Fixed(Num(t, "matched_percent"), 1) << "%)</td><td>" << Text(t, "correct")
        << " (" << Fixed(Num(t, "correct_percent"), 1) << "%)</td><td>" << Text(t, "wrong") << " ("
        << Fixed(Num(t, "wrong_percent"), 1) << "%)</td><td>" << Text(t, "false_positives") << " ("
        << Fixed(Num(t, "false_positive_percent"), 1) << "%)</td></tr>\n</table>\n";
  }
  if (m.contains("latency") && m["latency"].is_object()) {
    const json& l = m["latency"];
    out << "<h3>Latency</h3>\n<p>From the end of each keyword found (its span) to the end of the window that "
           "fired: median "
        << Fixed(Num(l, "median_ms"), 0) << " ms, 95th percentile " << Fixed(Num(l, "p95_ms"), 0) << " ms over "
        << Text(l, "measured") << " keywords";
    if (Num(l, "without_span") > 0) out << " (" << Text(l, "without_span") << " found without a span)";
    out << ".</p>\n";
  }
  out << "</section>\n";

  out << "<section id=\"det\">\n<h2>DET curve</h2>\n<p>One threshold for every keyword, swept over "
      << (m.contains("det") && m["det"].contains("thresholds") ? std::to_string(m["det"]["thresholds"].size()) : "0")
      << " values; only the smoothing ran again for each.</p>\n";
  if (det_png.empty()) {
    out << Note("No DET chart");
  } else {
    out << PngImg(det_png, "DET curve");
  }
  out << "</section>\n";

  if (m.contains("operating_point") && m["operating_point"].is_object()) {
    const json& op = m["operating_point"];
    out << "<section id=\"operating\">\n<h2>Operating point: at most " << Fixed(Num(op, "target_fa_per_hour"), 2)
        << " false alarms per hour</h2>\n<table>\n<tr><th class=\"name\">keyword</th><th>threshold</th>"
           "<th>false-reject rate</th><th>false alarms per hour</th><th>target met</th></tr>\n";
    if (op.contains("chosen") && op["chosen"].is_array()) {
      for (const json& p : op["chosen"]) {
        out << "<tr><td class=\"name\">" << EscapeHtml(Text(p, "label")) << "</td><td>" << Fixed(Num(p, "threshold"), 4)
            << "</td><td>" << Percent(Num(p, "false_reject_rate")) << "</td><td>"
            << Fixed(Num(p, "false_alarms_per_hour"), 2) << "</td><td>" << (p.value("met", false) ? "yes" : "no")
            << "</td></tr>\n";
      }
    }
    out << "</table>\n<h3>The stream scored again at these thresholds</h3>\n";
    RatesTable(out, op);
    out << "</section>\n";
  }

  out << "<section id=\"settings\">\n<h2>Settings</h2>\n<pre>"
      << EscapeHtml(m.contains("stream") ? m["stream"].dump(2) : std::string("{}")) << "</pre>\n</section>\n";
  out << "</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace earshot::report
