// Small helpers for writing JSON text by hand where a JSON library would only add copies.
#pragma once

#include <string>
#include <string_view>

namespace oplens {

// Appends `text` as a JSON string literal, quotes included, with every control character escaped.
void appendJsonString(std::string &out, std::string_view text);

} // namespace oplens
