#include "earshot/synth/confusables.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "earshot/synth/speech.h"
#include "earshot/util/random.h"

namespace earshot {
namespace {

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

// A word's letters cut at the syllable boundaries of its spelling.
std::vector<std::string> CutWord(const std::string& word) {
  // Vowel groups; `y` at the start of a word is a consonant.
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t i = 0; i < word.size(); ++i) {
    const bool vowel = IsVowel(word[i]) && !(i == 0 && word[i] == 'y');
    if (!vowel) continue;
    if (!groups.empty() && groups.back().second == i) groups.back().second = i + 1;
    else groups.push_back({i, i + 1});
  }
  // A final silent e ("like") makes no syllable of its own.
  if (groups.size() > 1 && groups.back().first == word.size() - 1 && word.back() == 'e' &&
      groups.back().first > groups[groups.size() - 2].second) {
    groups.pop_back();
  }
  std::vector<std::string> syllables;
  size_t start = 0;
  for (size_t g = 0; g + 1 < groups.size(); ++g) {
    const size_t next = groups[g + 1].first;
    const size_t consonants = next - groups[g].second;
    // One consonant starts the next syllable; of several, the last does,
    // a digraph (sh, ch, th, ph, wh) counting as one.
    const bool digraph = consonants >= 2 && word[next - 1] == 'h' &&
                         std::string("scptw").find(word[next - 2]) != std::string::npos;
    const size_t cut = consonants <= 1 ? groups[g].second : next - (digraph ? 2 : 1);
    syllables.push_back(word.substr(start, cut - start));
    start = cut;
  }
  syllables.push_back(word.substr(start));
  return syllables;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The phrase from syllables [begin, end) of `words`, words kept whole where
// all their syllables are in.
std::string Span(const std::vector<std::vector<std::string>>& words, size_t begin, size_t end) {
  std::vector<std::string> out;
  size_t at = 0;
  for (const auto& w : words) {
    std::string part;
    for (const auto& s : w) {
      if (at >= begin && at < end) part += s;
      ++at;
    }
    if (!part.empty()) out.push_back(part);
  }
  return Join(out);
}

const std::vector<std::string>& Onsets() {
  static const std::vector<std::string> onsets = {"b", "d", "f", "g", "k", "l", "m", "n", "p",
                                                  "r", "s", "t", "v", "w", "ch", "sh", "st", "tr"};
  return onsets;
}

char ChangedVowel(char v) {
  switch (v) {
    case 'a': return 'o';
    case 'e': return 'i';
    case 'i': return 'e';
    case 'o': return 'a';
    case 'u': return 'o';
    default: return v;
  }
}

// Candidates from the spelling of one target, before the pronunciation check.
std::vector<std::string> Candidates(const std::string& target) {
  const auto words = SpelledSyllables(target);
  std::vector<std::string> out;
  std::vector<std::string> whole;
  size_t syllables = 0;
  for (const auto& w : words) {
    std::string word;
    for (const auto& s : w) word += s;
    whole.push_back(word);
    syllables += w.size();
  }
  if (whole.size() > 1) out.insert(out.end(), whole.begin(), whole.end());
  for (size_t k = 1; k < syllables; ++k) {
    out.push_back(Span(words, 0, k));
    out.push_back(Span(words, k, syllables));
  }
  for (size_t i = 0; i < whole.size(); ++i) {
    const std::string& word = whole[i];
    size_t onset = 0;
    while (onset < word.size() && !IsVowel(word[onset])) ++onset;
    if (onset == word.size()) continue;  // no vowel: nothing to rhyme
    // Two onsets per word, picked by the word's spelling: the same target
    // always gives the same rhymes.
    SplitMix64 rng(HashString(word));
    std::set<std::string> used{word.substr(0, onset)};
    for (int n = 0; n < 2;) {
      const std::string& o = rng.Pick(Onsets());
      if (!used.insert(o).second) continue;
      std::vector<std::string> changed = whole;
      changed[i] = o + word.substr(onset);
      out.push_back(Join(changed));
      ++n;
    }
    const std::vector<std::string>& syl = words[i];
    const std::string& last = syl.back();
    const size_t v = std::find_if(last.begin(), last.end(), IsVowel) - last.begin();
    if (v < last.size() && ChangedVowel(last[v]) != last[v]) {
      std::string changed_last = last;
      changed_last[v] = ChangedVowel(last[v]);
      std::string changed_word;
      for (size_t s = 0; s + 1 < syl.size(); ++s) changed_word += syl[s];
      std::vector<std::string> changed = whole;
      changed[i] = changed_word + changed_last;
      out.push_back(Join(changed));
    }
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> SpelledSyllables(const std::string& phrase) {
  std::vector<std::vector<std::string>> out;
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) out.push_back(CutWord(word));
    word.clear();
  };
  for (char c : phrase) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalpha(u) && u < 128) word += static_cast<char>(std::tolower(u));
    else if (c != '\'') end_word();
  }
  end_word();
  return out;
}

const std::vector<std::string>& OrdinaryPhrases() {
  static const std::vector<std::string> phrases = {
      "hello", "good morning", "thank you", "what time is it", "turn it off", "okay",
      "see you soon", "let's go", "never mind", "how are you", "come here", "wait a moment",
      "not now", "all right", "excuse me", "where is it", "open the door", "play some music",
      "call home", "I know", "maybe later", "sounds good", "hang on", "listen", "hi there",
      "here we go", "yes please", "no thanks", "what's that", "good night", "set a timer",
      "it's raining", "lights on", "take a seat", "the weather", "really", "I'm home",
      "be right back", "coffee", "dinner is ready"};
  return phrases;
}

std::string BarePhonemes(const std::string& phonemes) {
  std::string out;
  for (char c : phonemes) {
    // Primary and secondary stress, unstressed mark, pauses, spaces.
    if (c == '\'' || c == ',' || c == '%' || c == '_' || c == ' ' || c == '=') continue;
    out += c;
  }
  return out;
}

std::vector<std::string> Confusables(const std::vector<std::string>& targets) {
  std::vector<std::string> candidates;
  for (const auto& t : targets) {
    const auto c = Candidates(t);
    candidates.insert(candidates.end(), c.begin(), c.end());
  }
  candidates.insert(candidates.end(), OrdinaryPhrases().begin(), OrdinaryPhrases().end());
  std::vector<std::string> texts = targets;
  texts.insert(texts.end(), candidates.begin(), candidates.end());
  const std::vector<std::string> spoken = Phonemes(texts);
  std::vector<std::string> target_sounds;
  for (size_t t = 0; t < targets.size(); ++t) target_sounds.push_back(BarePhonemes(spoken[t]));
  std::vector<std::string> out;
  std::set<std::string> seen(targets.begin(), targets.end());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string sound = BarePhonemes(spoken[targets.size() + i]);
    bool close = sound.empty();
    for (const auto& t : target_sounds) close = close || sound.find(t) != std::string::npos;
    if (!close && seen.insert(candidates[i]).second) out.push_back(candidates[i]);
  }
  return out;
}

}  // namespace earshot
