#include "elementscan.h"

namespace oplens {

size_t ElementScan::findEnd(const char *data, size_t i, size_t size, bool &closing)
{
    for (; i < size; ++i) {
        if (inString && !escape) { // most of an oplog's bytes: skip to the next quote or backslash
            while (i < size && data[i] != '"' && data[i] != '\\')
                ++i;
            if (i == size)
                break;
        }
        const char c = data[i];
        if (inString) {
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else
                inString = false; // the quote
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            if (depth == 0) {
                closing = true;
                return i;
            }
            --depth;
            break;
        case ',':
            if (depth == 0)
                return i;
            break;
        default:
            break;
        }
    }
    return size;
}

} // namespace oplens
