#include "earshot/report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "earshot/audio/decode.h"
#include "earshot/report/base64.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/markup.h"

namespace earshot::report {

std::string EscapeHtml(const std::string& text) { return EscapeMarkup(text); }

std::string DataUri(const std::string& mime, const std::string& bytes) {
  return "data:" + mime + ";base64," + Base64Encode(bytes);
}

namespace {

// Inline styles: the page must look right opened from a mail attachment.
constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
  background:#f4f5f7;color:#1d2330;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px}
header{background:#1d2b45;color:#fff;padding:26px 28px}
header h1{margin:0 0 6px;font-size:1.7em}
header p{margin:2px 0;color:#c9d3e6}
nav{max-width:1100px;margin:0 auto;padding:10px 28px;font-size:.95em}
nav a{margin-right:14px;color:#2456a6;text-decoration:none}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);
  padding:8px 24px 20px;margin:22px 0}
h2{border-bottom:2px solid #e3e7ee;padding-bottom:6px}
h3{margin-top:26px;color:#33405a}
table{border-collapse:collapse;margin:8px 0 12px;font-size:.92em}
th,td{border:1px solid #dde2ea;padding:4px 10px;text-align:right}
th{background:#eef1f6}
td.name,th.name{text-align:left}
tr.best td{background:#fff4c4;font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.card{background:#eef3fb;border-radius:6px;padding:10px 16px;min-width:120px}
.card .v{font-size:1.5em;font-weight:650;color:#1d2b45}
.card .k{font-size:.85em;color:#56617a}
img{max-width:100%;height:auto;border:1px solid #e3e7ee;border-radius:4px;margin:6px 0}
.curves{display:flex;flex-wrap:wrap;gap:10px}
.curves img{max-width:49%}
.mistake{display:grid;grid-template-columns:minmax(220px,1fr) 2fr;gap:14px;align-items:center;
  border-top:1px solid #e3e7ee;padding:12px 0}
.mistake p{margin:3px 0}
.mistake audio{width:100%;margin-top:6px}
.note{color:#7a5b00;background:#fff8e1;border-left:4px solid #f0c000;padding:6px 10px}
pre{background:#f6f8fa;border:1px solid #e3e7ee;padding:12px;overflow:auto;font-size:.88em}
code{font-size:.95em}
)css";

}  // namespace

std::string PageHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         EscapeHtml(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string PngImg(const std::string& png, const std::string& alt) {
  return "<img src=\"" + DataUri("image/png", ReadFile(png)) + "\" alt=\"" + EscapeHtml(alt) + "\">";
}

std::string Note(const std::string& text) { return "<p class=\"note\">" + EscapeHtml(text) + "</p>\n"; }

std::string Fixed(double v, int digits) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string WavBytes(const std::vector<float>& samples, int sample_rate) {
  float peak = 0.f;
  for (float x : samples) peak = std::max(peak, std::isfinite(x) ? std::fabs(x) : 0.f);
  // A clip above full scale (kept so by the clip store) is played as it is.
  return EncodeWav(samples, sample_rate, peak > 1.0f);
}

}  // namespace earshot::report
