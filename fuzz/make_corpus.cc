// Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/):
// small valid files of each kind, a few KB each. The recipes are copies of
// configs/ that stand alone (no `base`).
//
//   build/fuzz/fuzz_make_corpus fuzz/corpus configs
#include <sndfile.h>
#include <zip.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"
#include "../tests/npy_header.h"

namespace fs = std::filesystem;
using earshot::WriteFileAtomic;

namespace {

std::vector<float> Tone(int frames, int channels, int rate, float peak) {
  std::vector<float> x(static_cast<size_t>(frames) * channels);
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      x[static_cast<size_t>(i) * channels + c] =
          peak * std::sin(6.2831853f * (440.f + 110.f * c) * static_cast<float>(i) / rate);
    }
  }
  return x;
}

void WriteSound(const fs::path& path, int format, int rate, int channels, int frames,
                float peak = 0.5f) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) earshot::ThrowIo(path.string() + ": " + sf_strerror(nullptr));
  const std::vector<float> x = Tone(frames, channels, rate, peak);
  sf_writef_float(f, x.data(), frames);
  sf_close(f);
}

// A .npy of another dtype than float32, header written here.
std::string RawNpy(const std::string& descr, const std::string& shape, const std::string& data) {
  return earshot::testing::NpyWithHeader(
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
}

// An archive with deflated members, as np.savez_compressed writes them.
std::string DeflatedNpz(const std::vector<std::pair<std::string, std::string>>& members) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* z = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  for (const auto& [name, npy] : members) {
    const zip_int64_t i = zip_file_add(z, (name + ".npy").c_str(),
                                       zip_source_buffer(z, npy.data(), npy.size(), 0), 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_DEFLATE, 9);
    zip_file_set_mtime(z, static_cast<zip_uint64_t>(i), 315662400, 0);
  }
  zip_close(z);
  zip_stat_t st;
  zip_source_stat(buffer, &st);
  std::string out(st.size, '\0');
  zip_source_open(buffer);
  zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

// Little-endian bytes of samples as s16le or f32le.
std::string Pcm(const std::vector<float>& x, bool f32) {
  std::string out;
  for (float v : x) {
    uint32_t u = 0;
    if (f32) {
      std::memcpy(&u, &v, 4);
    } else {
      u = static_cast<uint16_t>(static_cast<int16_t>(std::lround(v * 32767.f)));
    }
    for (int b = 0; b < (f32 ? 4 : 2); ++b) out.push_back(static_cast<char>((u >> (8 * b)) & 0xff));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR CONFIGS_DIR\n", argv[0]);
    return 2;
  }
  try {
    const fs::path out = argv[1];
    for (const char* t : {"decode_audio", "csv_manifest", "soft_csv", "npy", "npz", "recipe", "pcm_stream", "serve_request",
                          "stream_truth"}) {
      fs::create_directories(out / t);
    }
    const fs::path audio = out / "decode_audio";
    WriteSound(audio / "pcm16_mono_16k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 800);
    WriteSound(audio / "pcm16_stereo_8k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 2, 400);
    WriteSound(audio / "pcm24_44k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 44100, 1, 441);
    WriteSound(audio / "u8_11k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 11025, 1, 1000);
    WriteSound(audio / "float_over_full_scale.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 1, 500,
               2.5f);
    WriteSound(audio / "double_3ch.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 16000, 3, 100);
    WriteSound(audio / "flac_16k.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, 1600);
    WriteSound(audio / "vorbis_16k.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 16000, 1, 1600);
    WriteSound(audio / "pcm16_48k.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 48000, 1, 480);
    WriteSound(audio / "ulaw_8k.au", SF_FORMAT_AU | SF_FORMAT_ULAW, 8000, 1, 800);
    WriteSound(audio / "ima_adpcm_16k.wav", SF_FORMAT_WAV | SF_FORMAT_IMA_ADPCM, 16000, 1, 1010);
    WriteSound(audio / "pcm16_16k.caf", SF_FORMAT_CAF | SF_FORMAT_PCM_16, 16000, 1, 400);

    const fs::path csv = out / "csv_manifest";
    WriteFileAtomic((csv / "train.csv").string(),
                    "fname,label,manually_verified\n00044347.wav,Hi-hat,0\n001ca53d.wav,Saxophone,1\n"
                    "002d256b.wav,Trumpet,0\n");
    WriteFileAtomic((csv / "quoted_crlf_bom.csv").string(),
                    "\xEF\xBB\xBF" "fname,label\r\n\"a,b.wav\",\"Bass \"\"drum\"\"\"\r\n\r\n"
                    "c.flac,\"two\nlines\"\r\n");
    WriteFileAtomic((csv / "no_verified.csv").string(), "label,fname\nyes,x\nno,y\nyes,z.ogg\n");

    const fs::path soft = out / "soft_csv";
    WriteFileAtomic((soft / "train_answer.csv").string(),
                    "id,angry,happy,sad\nclip_0,0.5,0.25,0.25\nclip_1,1,0,0\nclip_2,0.0,1e-1,0.9\n");
    WriteFileAtomic((soft / "spaces_crlf.csv").string(),
                    "id,a,b\r\n x1 , 0.3333333 , 0.6666667 \r\n\"x 2\",\"1.0\",0\r\n");

    const fs::path npy = out / "npy";
    const std::vector<float> f = {0.f, 0.5f, -1.f, 1e-7f, 3.25f, -0.f};
    WriteFileAtomic((npy / "float32_2x3.npy").string(), earshot::EncodeNpy({2, 3}, f.data()));
    WriteFileAtomic((npy / "float32_scalar.npy").string(), earshot::EncodeNpy({}, f.data() + 4));
    WriteFileAtomic((npy / "unicode.npy").string(),
                    earshot::EncodeNpyStrings({3, 1}, {"yes", "no", "se\xc3\xb1" "al"}));
    WriteFileAtomic((npy / "float64.npy").string(),
                    RawNpy("<f8", "(2,)", std::string("\0\0\0\0\0\0\xf0\x3f\0\0\0\0\0\0\0\xc0", 16)));
    WriteFileAtomic((npy / "int16.npy").string(), RawNpy("<i2", "(3,)", std::string("\x01\0\xff\xff\0\x80", 6)));
    WriteFileAtomic((npy / "int64_2x1.npy").string(),
                    RawNpy("<i8", "(2, 1)", std::string("\x05\0\0\0\0\0\0\0\xfb\xff\xff\xff\xff\xff\xff\xff", 16)));
    WriteFileAtomic((npy / "bytes.npy").string(), RawNpy("|S3", "(2,)", "abcde\0"));

    const fs::path npz = out / "npz";
    const std::vector<std::pair<std::string, std::string>> members = {
        {"wav_vals", earshot::EncodeNpy({2, 3}, f.data())},
        {"label_vals", earshot::EncodeNpyStrings({2, 1}, {"yes", "no"})}};
    WriteFileAtomic((npz / "stored.npz").string(), earshot::EncodeNpz(members, "stored.npz"));
    WriteFileAtomic((npz / "deflated.npz").string(), DeflatedNpz(members));

    const fs::path recipe = out / "recipe";
    for (const auto& e : fs::directory_iterator(argv[2])) {
      const std::string text = earshot::ReadFile(e.path().string());
      if (e.path().extension() == ".toml" && text.find("\nbase = ") == std::string::npos &&
          text.rfind("base = ", 0) != 0) {
        WriteFileAtomic((recipe / e.path().filename()).string(), text);
      }
    }
    WriteFileAtomic((recipe / "settings.toml").string(),
                    "name = \"s\"\n[data]\nlayout = \"csv\"\nroot = \"data\"\n#--set\n"
                    "train.epochs=3\nfeatures.n_mels=64\ndata.wanted_words=yes, no\n"
                    "train.optimizer.name=\"sgd\"\n");

    // pcm_stream: byte 0 = f32le bit, rate index << 1, (reads - 1) << 3;
    // then one split byte per extra read, then the PCM (fuzz/pcm_stream.cc).
    const fs::path pcm = out / "pcm_stream";
    const std::vector<float> tone = Tone(160, 1, 16000, 0.5f);
    WriteFileAtomic((pcm / "s16le_16k_one_read").string(), std::string(1, '\x00') + Pcm(tone, false));
    WriteFileAtomic((pcm / "s16le_8k_odd_splits").string(),
                    std::string("\x12\x33\x81", 3) + Pcm(tone, false));  // 3 reads, resampled
    WriteFileAtomic((pcm / "f32le_44k_splits").string(),
                    std::string("\x1d\x07\x55\xc9", 4) + Pcm(tone, true));  // 4 reads
    std::vector<float> bad = tone;
    bad[37] = std::numeric_limits<float>::quiet_NaN();
    bad[90] = std::numeric_limits<float>::infinity();
    WriteFileAtomic((pcm / "f32le_nan_inf").string(), std::string("\x09\x80", 2) + Pcm(bad, true));
    WriteFileAtomic((pcm / "s16le_mid_sample").string(), std::string("\x08\x40", 2) + Pcm(tone, false) + "x");

    // stream_truth: a truth file, then "--" and a spans file
    // (fuzz/stream_truth.cc).
    const fs::path truth = out / "stream_truth";
    WriteFileAtomic((truth / "tensorflow_format").string(),
                    "yes, 1200.000000\nno, 4000.500000\n_unknown_, 7100.000000\nyes, 9000.000000\n");
    WriteFileAtomic((truth / "with_spans").string(),
                    "no,3000\r\n\nyes,1000\nyes,1000\n--\nend_ms,label,start_ms\n1600,yes,1100\n"
                    "3400,no,3050\n");
    WriteFileAtomic((truth / "bad_time").string(), "yes,12ms\n--\nlabel,start_ms,end_ms\nyes,5,1\n");

    // serve_request: byte 0 = multipart bit, model rate index << 1; line 1
    // the query, line 2 the content type, then the body or the parts
    // (fuzz/serve_request.cc).
    const fs::path serve = out / "serve_request";
    const std::string wav = earshot::ReadFile((audio / "pcm16_mono_16k.wav").string());
    WriteFileAtomic((serve / "wav_body").string(), std::string(1, '\x00') + "model=kws&top_k=3\naudio/wav\n" + wav);
    WriteFileAtomic((serve / "wav_multipart").string(),
                    std::string(1, '\x01') + "\nmultipart/form-data; boundary=x\nnote\ntext/plain\nhi\n--\n"
                    "file\naudio/x-wav\n" + wav);
    WriteFileAtomic((serve / "s16le_8k_query").string(),
                    std::string(1, '\x00') + "format=s16le&rate=8000&top_k=1\napplication/octet-stream\n" +
                    Pcm(tone, false));
    WriteFileAtomic((serve / "f32le_nan").string(),
                    std::string(1, '\x04') + "format=f32le&rate=44100\n\n" + Pcm(bad, true));
    WriteFileAtomic((serve / "percent_query_json").string(),
                    std::string(1, '\x00') + "mod%65l=a%20b&top_k=%31e9&rate=0\napplication/json; charset=utf-8\n{}");
  } catch (const earshot::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
