// Small helpers for JSON text handled by hand where a JSON library would only add copies.
#pragma once

#include <string>
#include <string_view>

namespace oplens {

// Appends `text` as a JSON string literal, quotes included, with every control character escaped.
void appendJsonString(std::string &out, std::string_view text);

// RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, the whole of `s`.
bool isJsonNumber(std::string_view s);

// JSON's whitespace: space, tab, CR and LF.
inline bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `text` without JSON whitespace at either end. Inline: the parser calls it for every line.
inline std::string_view trimJsonSpace(std::string_view text)
{
    while (!text.empty() && isJsonSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isJsonSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

} // namespace oplens
