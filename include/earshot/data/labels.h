// Label sets: which classes a run sees and in what order.
//
//   KeepClasses(ds, {"yes", "no"});        // the other words are left out
//   ApplyWantedWords(ds, options, true);   // yes, no + _silence_ + _unknown_ (TF)
//   OrderClasses(ds, {"yes", "no", "unknown", "silence"}, "data.classes");
#pragma once

#include <string>
#include <vector>

#include "earshot/data/data_options.h"
#include "earshot/data/dataset.h"

namespace earshot {

// Leaves out the clips of classes not in `keep`; `keep` gives the new order.
// A name that is no class is an error listing the classes.
void KeepClasses(Dataset& ds, const std::vector<std::string>& keep);

// The first `n` clips of each class, in the set's order (0 = all).
void LimitPerClass(Dataset& ds, int n);

// TensorFlow's speech_commands labelling: classes become silence, unknown,
// then options.wanted_words; other words are unknown. With `pick`, each
// split gets ceil(n * silence_percentage / 100) silence clips and
// ceil(n * unknown_percentage / 100) unknown clips drawn (seeded) from the
// other words, n being the split's wanted-word clips; the unknown clips not
// drawn are left out, as TensorFlow does. Without `pick` (a recorded split)
// every clip is kept and silence clips are those already present.
// Must run after the split. A wanted word with no clips is an error.
void ApplyWantedWords(Dataset& ds, const DataOptions& options, bool pick);

// Puts the classes in the given order; it must name each class exactly once.
void OrderClasses(Dataset& ds, const std::vector<std::string>& order, const std::string& origin);

}  // namespace earshot
