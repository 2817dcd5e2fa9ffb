// Where an element of a JSON list ends, found without parsing it: the one rule for the parser's array splitter and
// for the parallel reader's cuts (pieceread.cpp), so that both see the same elements.
#pragma once

#include <cstddef>
#include <cstdint>

namespace oplens {

struct ElementScan {
    bool inString = false, escape = false;
    int64_t depth = 0; // objects and arrays open inside the element

    // Scans data[from, size): the index of the ',' that ends the element, or of the ']' or '}' that closes the list
    // (`closing` is then set); `size` when neither is there yet, the state kept for the bytes that follow.
    size_t findEnd(const char *data, size_t from, size_t size, bool &closing);
};

} // namespace oplens
