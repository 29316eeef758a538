// Pieces of a self-contained HTML page: escaped text, data: URIs, and
// sounds encoded as WAV in memory so that a page carries its own audio.
//
//   out << "<td>" << EscapeHtml(class_name) << "</td>";
//   out << "<img src=\"" << DataUri("image/png", ReadFile(png)) << "\">";
//   out << "<audio controls src=\"" << DataUri("audio/wav", WavBytes(x, 16000)) << "\">";
#pragma once

#include <string>
#include <vector>

namespace earshot::report {

// Replaces & < > " ' by their character references: safe in element
// content and in quoted attribute values.
std::string EscapeHtml(const std::string& text);

// "data:<mime>;base64,<bytes in base64>".
std::string DataUri(const std::string& mime, const std::string& bytes);

// The start of a page: doctype, head with its title and the inline styles
// every earshot page shares, and the opening <body>.
std::string PageHead(const std::string& title);

// A PNG file inlined as an <img>; a note in the page's warning style.
std::string PngImg(const std::string& png, const std::string& alt);
std::string Note(const std::string& text);

// `v` with `digits` decimals; NaN and infinities as words.
std::string Fixed(double v, int digits = 4);

// A mono WAV file held in memory, written by libsndfile (EncodeWav): 16-bit
// PCM, or 32-bit float when a sample is above full scale so that the clip
// plays as the model heard it. Throws Error(kInvalidOption) for a sample
// rate <= 0.
std::string WavBytes(const std::vector<float>& samples, int sample_rate);

}  // namespace earshot::report
