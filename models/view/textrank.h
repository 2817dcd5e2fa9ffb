// Ranks of texts in byte order (internal to models/view): what sorting by operation id or parameters compares, worked
// out once for all the texts so that the sort itself compares integers.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace oplens::textrank {

// Dense ranks: equal texts get the same rank, and rank(a) < rank(b) exactly when a < b as std::string_view compares
// them (bytes, unsigned). Texts are sorted eight bytes at a time with counting passes, only as deep as they differ.
std::vector<uint32_t> rankTexts(const std::vector<std::string_view> &texts);

} // namespace oplens::textrank
