// Text made safe inside HTML or XML (SSML): the five characters with a
// meaning in markup replaced by references.
//
//   EscapeMarkup("a<b & 'c'")   // "a&lt;b &amp; &#39;c&#39;"
#pragma once

#include <string>

namespace earshot {

// & < > " ' as &amp; &lt; &gt; &quot; &#39;, for text and attribute values.
std::string EscapeMarkup(const std::string& text);

}  // namespace earshot
