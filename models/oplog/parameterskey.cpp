#include "parameterskey.h"

#include "jsontext.h"

#include <cstring>

namespace oplens {

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kObjectTag = 0x6F626A656374ull, kArrayTag = 0x6172726179ull, kScalarTag = 0x7363616C6172ull,
                   kKeyTag = 0x6B6579ull;
constexpr std::string_view kOrigin = "\"origin\"";

uint64_t mix(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ull;
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ull;
    return x ^ (x >> 32);
}

// Eight bytes at a time: keys and values are short. Mixed fully only as a member (memberHash).
uint64_t hashBytes(const char *p, size_t n, uint64_t seed)
{
    uint64_t h = seed ^ (n * kMul);
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        h = (h ^ word) * kMul;
        h ^= h >> 29;
    }
    if (n > 0) {
        uint64_t word = 0;
        std::memcpy(&word, p, n);
        h = (h ^ word) * kMul;
    }
    return h ^ (h >> 32);
}
uint64_t hashBytes(std::string_view text, uint64_t seed) { return hashBytes(text.data(), text.size(), seed); }

// One member of an object: members combine by a sum, which ignores their order.
uint64_t memberHash(uint64_t key, uint64_t value) { return mix(key * kMul + value); }

// The common case in one quick pass: an object of strings, numbers, booleans and nulls, compact, without escapes.
// False for anything else, which hashValue() walks (to the same hash).
bool flatHash(std::string_view json, uint64_t &hash)
{
    if (json.size() < 2 || json.front() != '{' || json.back() != '}')
        return false;
    const char *p = json.data() + 1, *const end = json.data() + json.size() - 1;
    uint64_t sum = 0;
    while (p < end) {
        if (*p != '"')
            return false;
        const char *q = p + 1;
        while (q < end && *q != '"' && *q != '\\')
            ++q;
        if (q + 1 >= end || *q != '"' || q[1] != ':')
            return false;
        const char *const key = p, *const keyEnd = q + 1, *const value = q + 2;
        q = value;
        if (q < end && *q == '"') {
            for (++q; q < end && *q != '"' && *q != '\\'; ++q) {}
            if (q >= end || *q != '"')
                return false;
            ++q;
        } else {
            for (; q < end && *q != ',' && *q != '{' && *q != '[' && *q != '"' && !isJsonSpace(*q); ++q) {}
            if (q == value)
                return false;
        }
        if (q < end && *q != ',')
            return false;
        if (std::string_view(key, size_t(keyEnd - key)) != kOrigin) {
            const uint64_t valueHash = hashBytes(value, size_t(q - value), kScalarTag);
            sum += memberHash(hashBytes(key, size_t(keyEnd - key), kKeyTag), valueHash);
        }
        p = q < end ? q + 1 : q; // past the comma
        if (q < end && p == end)
            return false; // a trailing comma
    }
    hash = mix(sum ^ kObjectTag);
    return true;
}

// Walks JSON text that the parser already checked; on anything unexpected it stops at the end instead of reading past.
class Scanner
{
public:
    explicit Scanner(std::string_view text) : m_p(text.data()), m_end(text.data() + text.size()) {}

    bool atEnd()
    {
        while (m_p < m_end && isJsonSpace(*m_p))
            ++m_p;
        return m_p >= m_end;
    }
    char peek() const { return *m_p; }
    void skip() { ++m_p; }

    // At a '"': the string with its quotes, as written.
    std::string_view string()
    {
        const char *start = m_p++;
        while (m_p < m_end) {
            const auto *quote = static_cast<const char *>(std::memchr(m_p, '"', size_t(m_end - m_p)));
            if (!quote) {
                m_p = m_end;
                break;
            }
            size_t backslashes = 0;
            for (const char *b = quote; b > start + 1 && b[-1] == '\\'; --b)
                ++backslashes;
            m_p = quote + 1;
            if (backslashes % 2 == 0)
                break;
        }
        return {start, size_t(m_p - start)};
    }

    // A number, true, false or null.
    std::string_view scalar()
    {
        const char *start = m_p;
        while (m_p < m_end && *m_p != ',' && *m_p != '}' && *m_p != ']' && *m_p != ':' && !isJsonSpace(*m_p))
            ++m_p;
        if (m_p == start && m_p < m_end)
            ++m_p; // a stray structural character: never loop on it
        return {start, size_t(m_p - start)};
    }

    // Past the separator after a key or value (',' or ':'); false at the closing bracket or the end.
    bool nextItem(char close)
    {
        if (atEnd())
            return false;
        if (peek() == ',' || peek() == ':')
            skip();
        if (atEnd())
            return false;
        if (peek() == close) {
            skip();
            return false;
        }
        return true;
    }

    uint64_t hashValue(bool topLevel);

private:
    const char *m_p, *m_end;
};

// Members combine by a sum, which ignores their order; elements in order.
uint64_t Scanner::hashValue(bool topLevel)
{
    if (atEnd())
        return 0;
    if (peek() == '{') {
        skip();
        uint64_t sum = 0;
        while (nextItem('}')) {
            if (peek() != '"') {
                m_p = m_end;
                break;
            }
            const std::string_view key = string();
            nextItem('}');
            const uint64_t value = hashValue(false);
            if (!(topLevel && key == kOrigin))
                sum += memberHash(hashBytes(key, kKeyTag), value);
        }
        return mix(sum ^ kObjectTag);
    }
    if (peek() == '[') {
        skip();
        uint64_t h = kArrayTag;
        while (nextItem(']'))
            h = mix(h * kMul + hashValue(false));
        return h;
    }
    return hashBytes(peek() == '"' ? string() : scalar(), kScalarTag);
}

} // namespace

uint64_t parametersHash(std::string_view json)
{
    uint64_t h = 0;
    if (!flatHash(json, h)) {
        Scanner s(trimJsonSpace(json).empty() ? std::string_view("{}") : json);
        h = s.hashValue(true);
    }
    return h;
}

} // namespace oplens
