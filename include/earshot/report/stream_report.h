// One self-contained HTML page about a keyword spotter scored on a stream
// (`earshot eval-stream`, stream/stream_eval.h): the headline rates,
// TensorFlow's counts, per keyword the false-reject rate and false alarms
// per hour, the operating point chosen for a target rate, the latency, and
// the DET curve inlined as an image.
//
//   std::string page = RenderStreamReport(metrics_json_text, "out/det.png");
#pragma once

#include <string>

namespace earshot::report {

// `metrics_json` is what eval-stream writes as metrics.json; `det_png` the
// DET chart to inline ("" = none). Parts the metrics lack are left out.
// Throws Error(kBadData) when the metrics are not a JSON object.
std::string RenderStreamReport(const std::string& metrics_json, const std::string& det_png);

}  // namespace earshot::report
