// "The same parameters" of docs/oplog.md section 3 (Superseded): compared without the top-level `origin`, whatever the
// order of keys and the layout, as section 4's restart check does; hashed from the stored JSON text without a JSON
// library, since it runs once per operation while loading.
#pragma once

#include <cstdint>
#include <string_view>

namespace oplens {

// A 64-bit hash of that form: the same parameters hash equally; different ones practically never do.
// Strings and numbers count as written (`1.0` is not `1`); absent parameters (empty text) are `{}`.
uint64_t parametersHash(std::string_view json);

} // namespace oplens
