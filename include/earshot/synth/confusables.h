// Negatives for a wake word: phrases that sound close to the targets, and
// ordinary speech, for the `_unknown_` class of a set made from text.
//
//   std::vector<std::string> n = Confusables({"hey earshot"});
//   // "hey", "hey ear", "earshot", "shot", "bey earshot", "hey earshat", ...
//
// Made from the spelling alone, then checked against the pronunciation:
// - partial phrases: each word of a phrase alone, and every proper prefix
//   and suffix of its syllables ("hey", "hey ear", "shot", "earshot");
//   syllables are cut from the spelling (a consonant between two vowels
//   starts the next syllable, of two or more the last does, sh, ch, th, ph
//   and wh counting as one);
// - rhymes: each word with its first consonants replaced by two others
//   ("hey earshot" -> "bey earshot", "hey fearshot");
// - vowel changes: the first vowel of each word's last syllable changed
//   (a -> o, e -> i, i -> e, o -> a, u -> o: "hey earshat");
// - ordinary speech: short everyday phrases (OrdinaryPhrases).
// A candidate is dropped when espeak-ng pronounces it as a target or with
// a target's phonemes inside it (stress marks and pauses aside): "hay
// earshot" sounds as "hey earshot" does, and "hey earshot please" contains
// it; neither is a negative.
#pragma once

#include <string>
#include <vector>

namespace earshot {

// The phrases, first those made from the targets in their order, then the
// ordinary ones; no duplicates.
std::vector<std::string> Confusables(const std::vector<std::string>& targets);

// "hey earshot" -> {"hey", "ear", "shot"}: lower-case letters of each word,
// cut into spelled syllables (see above); words of no letter are skipped.
std::vector<std::vector<std::string>> SpelledSyllables(const std::string& phrase);

// Short everyday phrases and words, each well under a second when spoken.
const std::vector<std::string>& OrdinaryPhrases();

// Phonemes with stress marks and spaces left out: what sounds the same.
std::string BarePhonemes(const std::string& phonemes);

}  // namespace earshot
