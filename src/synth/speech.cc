#include "earshot/synth/speech.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <sys/wait.h>
#include <unistd.h>

#include "earshot/audio/decode.h"
#include "earshot/util/error.h"
#include "earshot/util/markup.h"

namespace earshot {
namespace {

std::mutex init_mutex;
int espeak_rate = 0;  // espeak-ng's output rate once initialised, under init_mutex

int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  auto* out = static_cast<std::vector<short>*>(events->user_data);
  if (wav && count > 0) out->insert(out->end(), wav, wav + count);
  return 0;  // go on
}

// Loads espeak-ng's data once in this process, which itself never speaks:
// every utterance is made in a child forked from this pristine state.
int Initialise() {
  std::lock_guard<std::mutex> lock(init_mutex);
  if (espeak_rate > 0) return espeak_rate;
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                     espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    ThrowIo("espeak-ng: cannot initialise (is the espeak-ng-data package installed?)");
  }
  espeak_SetSynthCallback(CollectSamples);
  espeak_rate = rate;
  return rate;
}

// SpokenMarkup writes SSML exactly when a word is stressed.
bool UsesSsml(const Utterance& u) { return u.emphasis >= 0; }

// Exit codes of the child; kNoVoice + i and kSynthFailed + i name utterance i.
constexpr int kSpoke = 0, kPipeFailed = 1, kNoVoice = 2, kSynthFailed = 3;

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// In the child: speak each utterance in turn, writing its sample count and
// samples to `fd`; never returns. On failure, the index of the utterance
// goes to the pipe instead and the exit code says what failed.
[[noreturn]] void SpeakInChild(const std::vector<Utterance>& utterances,
                               const std::vector<std::string>& texts, int fd) {
  for (uint32_t i = 0; i < utterances.size(); ++i) {
    const Voice& voice = utterances[i].voice;
    const std::string name = voice.language + (voice.variant.empty() ? "" : "+" + voice.variant);
    const uint32_t failed = 0xFFFFFFFFu;
    if (espeak_SetVoiceByName(name.c_str()) != EE_OK) {
      WriteAll(fd, &failed, 4);
      WriteAll(fd, &i, 4);
      _exit(kNoVoice);
    }
    // Parameters after the voice: choosing a voice resets them.
    espeak_SetParameter(espeakRATE, voice.rate, 0);
    espeak_SetParameter(espeakPITCH, voice.pitch, 0);
    espeak_SetParameter(espeakRANGE, voice.range, 0);
    std::vector<short> pcm;
    const std::string& text = texts[i];
    const unsigned flags =
        espeakCHARS_UTF8 | (UsesSsml(utterances[i]) ? unsigned{espeakSSML} : 0u);
    if (espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, flags, nullptr, &pcm) !=
        EE_OK) {
      WriteAll(fd, &failed, 4);
      WriteAll(fd, &i, 4);
      _exit(kSynthFailed);
    }
    const uint32_t count = static_cast<uint32_t>(pcm.size());
    if (!WriteAll(fd, &count, 4) || !WriteAll(fd, pcm.data(), pcm.size() * sizeof(short))) {
      _exit(kPipeFailed);
    }
  }
  _exit(kSpoke);
}

struct ChildOutput {
  std::string bytes;  // all the child wrote to its pipe
  int status = 0;     // as waitpid gives it
  int code = -1;      // its exit code; -1 when it did not exit
};

// espeak-ng keeps state from one utterance to the next in function-static
// variables (pitch flutter, wave phase, noise) that no call resets, so the
// same text sounds a little different depending on what was said before it
// in the process. A child forked from the never-speaking parent starts from
// the same state every time, so a list of utterances always gives the same
// samples, whichever thread asks and whatever was spoken before; several
// threads may speak at once. A child per list, not per utterance, because a
// fork of a large process costs milliseconds. `body` runs in the child,
// writes its answer to the pipe it is given and never returns.
template <typename Body>
ChildOutput RunInChild(Body body) {
  int fds[2];
  if (pipe(fds) != 0) ThrowIo(std::string("espeak-ng: cannot make a pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    ThrowIo(std::string("espeak-ng: cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
  }
  close(fds[1]);
  ChildOutput out;
  char buf[1 << 15];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.bytes.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  while (waitpid(pid, &out.status, 0) < 0 && errno == EINTR) {
  }
  out.code = WIFEXITED(out.status) ? WEXITSTATUS(out.status) : -1;
  return out;
}

std::vector<std::vector<short>> SpeakPcm(const std::vector<Utterance>& utterances) {
  // Made here, not in the child: a bad utterance throws in this process.
  std::vector<std::string> texts;
  for (const Utterance& u : utterances) texts.push_back(SpokenMarkup(u));
  const ChildOutput child = RunInChild([&](int fd) { SpeakInChild(utterances, texts, fd); });
  const std::string& bytes = child.bytes;
  const int code = child.code, status = child.status;
  std::vector<std::vector<short>> out;
  size_t at = 0;
  while (at + 4 <= bytes.size()) {
    uint32_t count;
    std::memcpy(&count, bytes.data() + at, 4);
    at += 4;
    if (count == 0xFFFFFFFFu && at + 4 <= bytes.size()) {
      uint32_t i;
      std::memcpy(&i, bytes.data() + at, 4);
      const Utterance& u = utterances[std::min<size_t>(i, utterances.size() - 1)];
      const std::string name = u.voice.language + (u.voice.variant.empty() ? "" : "+" + u.voice.variant);
      if (code == kNoVoice) ThrowOption("espeak-ng: unknown voice '" + name + "'");
      ThrowBadData("espeak-ng: cannot say '" + u.text + "' with " + u.voice.Name());
    }
    if (at + size_t{count} * sizeof(short) > bytes.size()) break;
    std::vector<short> pcm(count);
    std::memcpy(pcm.data(), bytes.data() + at, size_t{count} * sizeof(short));
    at += size_t{count} * sizeof(short);
    out.push_back(std::move(pcm));
  }
  if (code != kSpoke || out.size() != utterances.size()) {
    ThrowBadData("espeak-ng: the speaking process failed (status " + std::to_string(status) +
                 ") after " + std::to_string(out.size()) + " of " +
                 std::to_string(utterances.size()) + " utterances");
  }
  return out;
}

// In the child: each text's phonemes (espeak-ng's ASCII mnemonics, clauses
// joined by spaces), each ended by a NUL; never returns.
[[noreturn]] void PhonemesInChild(const std::vector<std::string>& texts, const std::string& voice,
                                  int fd) {
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) _exit(kNoVoice);
  for (const std::string& text : texts) {
    std::string phonemes;
    const void* at = text.c_str();
    while (at != nullptr) {
      const char* clause = espeak_TextToPhonemes(&at, espeakCHARS_UTF8, 0);
      if (clause == nullptr) break;
      if (!phonemes.empty() && *clause) phonemes += ' ';
      phonemes += clause;
    }
    if (!WriteAll(fd, phonemes.c_str(), phonemes.size() + 1)) _exit(kPipeFailed);
  }
  _exit(kSpoke);
}

// Indices of the first and one-past-last sample of the spoken part: where
// 5 ms frames rise above -40 dB of the loudest, plus 10 ms either side.
std::pair<size_t, size_t> SpeechBounds(const std::vector<float>& x, int rate) {
  const size_t frame = static_cast<size_t>(rate / 200);
  std::vector<double> energy;
  double loudest = 0;
  for (size_t at = 0; at < x.size(); at += frame) {
    double e = 0;
    for (size_t i = at; i < std::min(x.size(), at + frame); ++i) e += double(x[i]) * x[i];
    energy.push_back(e);
    loudest = std::max(loudest, e);
  }
  const double floor = loudest * 1e-4;
  size_t first = 0, last = energy.size();
  while (first < last && energy[first] <= floor) ++first;
  while (last > first && energy[last - 1] <= floor) --last;
  const size_t margin = static_cast<size_t>(rate / 100);
  const size_t begin = first * frame > margin ? first * frame - margin : 0;
  const size_t end = std::min(x.size(), last * frame + margin);
  return {begin, std::max(begin, end)};
}

}  // namespace

std::string Voice::Name() const {
  return language + (variant.empty() ? "" : "+" + variant) + " rate=" + std::to_string(rate) +
         " pitch=" + std::to_string(pitch) + " range=" + std::to_string(range);
}

const std::vector<std::string>& EnglishAccents() {
  static const std::vector<std::string> accents = {
      "en", "en-us", "en-gb-scotland", "en-029", "en-gb-x-rp",
      "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"};
  return accents;
}

// The first 45 are the draw of earlier versions, in their order, so that a
// family list naming only them keeps its voices.
const std::vector<std::string>& VoiceVariants() {
  static const std::vector<std::string> variants = {
      "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
      "klatt", "klatt2", "klatt3", "klatt4", "Alex", "Andy", "Annie", "adam", "anika",
      "aunty", "belinda", "benjamin", "boris", "caleb", "david", "ed", "edward",
      "grandma", "grandpa", "john", "linda", "max", "michel", "norbert", "paul",
      "rob", "robert", "steph", "travis", "victor", "zac", "iven", "shelby",
      "m8", "klatt5", "klatt6", "Alicia", "Andrea", "Denis", "Diogo", "Gene", "Gene2",
      "Henrique", "Hugo", "Jacky", "Lee", "Mario", "Michael", "Mike", "Nguyen", "antonio",
      "edward2", "gustave", "iven2", "iven3", "iven4", "marcelo", "miguel", "pedro",
      "quincy", "sandro", "steph2", "steph3", "croak", "whisper", "whisperf"};
  return variants;
}

const std::vector<std::string>& AllVoiceVariants() {
  static const std::vector<std::string> variants = [] {
    std::vector<std::string> all = VoiceVariants();
    for (const char* effect :
         {"AnxiousAndy", "Demonic", "Marco", "Mr serious", "RicishayMax", "RicishayMax2",
          "RicishayMax3", "Storm", "Tweaky", "UniRobot", "anikaRobot", "announcer", "fast",
          "kaukovalta", "pablo", "robosoft", "robosoft2", "robosoft3", "robosoft4", "robosoft5",
          "robosoft6", "robosoft7", "robosoft8"}) {
      all.push_back(effect);
    }
    return all;
  }();
  return variants;
}

std::vector<std::string> SpokenWords(const std::string& text) {
  std::vector<std::string> words;
  size_t at = 0;
  while ((at = text.find_first_not_of(" \t\r\n", at)) != std::string::npos) {
    const size_t end = std::min(text.size(), text.find_first_of(" \t\r\n", at));
    words.push_back(text.substr(at, end - at));
    at = end;
  }
  return words;
}

std::string SpokenMarkup(const Utterance& u) {
  if (u.intonation == Intonation::kNone && u.emphasis < 0) return u.text;
  std::vector<std::string> words = SpokenWords(u.text);
  if (u.emphasis >= static_cast<int>(words.size())) {
    ThrowOption("espeak-ng: emphasis on word " + std::to_string(u.emphasis) + " of '" + u.text +
                "', which has " + std::to_string(words.size()));
  }
  const char* ending = "";
  switch (u.intonation) {
    case Intonation::kNone: break;
    case Intonation::kStatement: ending = "."; break;
    case Intonation::kQuestion: ending = "?"; break;
    case Intonation::kExclamation: ending = "!"; break;
    case Intonation::kContinuation: ending = ","; break;
  }
  // The text's own closing punctuation gives way to the drawn one.
  if (*ending && !words.empty()) {
    std::string& last = words.back();
    while (last.size() > 1 && std::strchr(".,!?;:", last.back())) last.pop_back();
  }
  const bool ssml = UsesSsml(u);
  std::string out = ssml ? "<speak>" : "";
  for (size_t w = 0; w < words.size(); ++w) {
    if (w) out += ' ';
    if (!ssml) {
      out += words[w];
    } else if (static_cast<int>(w) == u.emphasis) {
      out += "<emphasis>" + EscapeMarkup(words[w]) + "</emphasis>";
    } else {
      out += EscapeMarkup(words[w]);
    }
  }
  out += ending;
  if (ssml) out += "</speak>";
  return out;
}

Voice RandomVoice(SplitMix64& rng, const std::vector<std::string>& accents,
                  const std::vector<std::string>& variants) {
  Voice v;
  v.language = rng.Pick(accents.empty() ? EnglishAccents() : accents);
  v.variant = rng.Pick(variants.empty() ? VoiceVariants() : variants);
  v.rate = rng.Int(120, 210);
  v.pitch = rng.Int(15, 85);
  v.range = rng.Int(20, 90);
  return v;
}

std::string SpeakerId(const Voice& voice) {
  const uint64_t h = HashString(voice.Name());
  char id[9];
  std::snprintf(id, sizeof(id), "%08x", static_cast<unsigned>((h >> 32) ^ (h & 0xFFFFFFFFu)));
  return id;
}

std::vector<std::vector<float>> SpeakAll(const std::vector<Utterance>& utterances,
                                         int sample_rate) {
  if (utterances.empty()) return {};
  const int rate = Initialise();
  const std::vector<std::vector<short>> pcm = SpeakPcm(utterances);
  std::vector<std::vector<float>> out;
  for (size_t u = 0; u < pcm.size(); ++u) {
    std::vector<float> x(pcm[u].size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = pcm[u][i] / 32768.0f;
    const auto [begin, end] = SpeechBounds(x, rate);
    if (end <= begin) {
      ThrowBadData("espeak-ng: '" + utterances[u].text + "' with " + utterances[u].voice.Name() +
                   " is silent");
    }
    out.push_back(Resample(std::vector<float>(x.begin() + static_cast<long>(begin),
                                              x.begin() + static_cast<long>(end)),
                           rate, sample_rate));
  }
  return out;
}

int SpeakingThreads(int wanted) {
#if defined(__SANITIZE_ADDRESS__)
  (void)wanted;
  return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  (void)wanted;
  return 1;
#else
  return wanted;
#endif
#else
  return wanted;
#endif
}

std::vector<float> Speak(const Voice& voice, const std::string& text, int sample_rate) {
  return SpeakAll({{voice, text}}, sample_rate)[0];
}

std::vector<std::string> Phonemes(const std::vector<std::string>& texts, const std::string& language) {
  if (texts.empty()) return {};
  Initialise();
  const ChildOutput child = RunInChild([&](int fd) { PhonemesInChild(texts, language, fd); });
  if (child.code == kNoVoice) ThrowOption("espeak-ng: unknown voice '" + language + "'");
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t end; (end = child.bytes.find('\0', at)) != std::string::npos; at = end + 1) {
    out.push_back(child.bytes.substr(at, end - at));
  }
  if (child.code != kSpoke || out.size() != texts.size()) {
    ThrowBadData("espeak-ng: the phoneme process failed (status " + std::to_string(child.status) +
                 ") after " + std::to_string(out.size()) + " of " + std::to_string(texts.size()) +
                 " texts");
  }
  return out;
}

}  // namespace earshot
