// The text filter's match of one text (internal to models/view), and a cache that decides each shared text once.
#pragma once

#include <QRegularExpression>
#include <QString>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace oplens::filtermatch {

inline unsigned char foldAscii(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Case-insensitive (ASCII letters folded; the needle is lower-cased fully) substring or regex match.
class TextMatcher
{
public:
    TextMatcher(const QString &text, bool regex)
        : m_regex(regex ? QRegularExpression(text, QRegularExpression::CaseInsensitiveOption) : QRegularExpression()),
          m_isRegex(regex), m_needle(text.toLower().toStdString())
    {
    }
    bool valid() const { return !m_isRegex || m_regex.isValid(); }
    bool matches(std::string_view haystack) const
    {
        if (m_isRegex)
            return m_regex.match(QString::fromUtf8(haystack.data(), qsizetype(haystack.size()))).hasMatch();
        return contains(reinterpret_cast<const unsigned char *>(haystack.data()), haystack.size());
    }

private:
    bool equalAt(const unsigned char *h) const
    {
        for (size_t j = 0; j < m_needle.size(); ++j)
            if (foldAscii(h[j]) != static_cast<unsigned char>(m_needle[j]))
                return false;
        return true;
    }

    bool contains(const unsigned char *h, size_t n) const
    {
        const size_t m = m_needle.size();
        if (m == 0)
            return true;
        size_t i = 0;
#if defined(__SSE2__)
        // 16 places at a time: those whose first and last bytes are the needle's (a letter in either case) are
        // compared whole. A needle's letters are lower case: `byte | 0x20` folds only the matching upper case one.
        const auto byteOf = [](unsigned char c) { return _mm_set1_epi8(static_cast<char>(c)); };
        const auto foldOf = [](unsigned char c) { return _mm_set1_epi8(c >= 'a' && c <= 'z' ? 0x20 : 0); };
        const auto first = static_cast<unsigned char>(m_needle.front());
        const auto last = static_cast<unsigned char>(m_needle.back());
        const __m128i firstByte = byteOf(first), firstFold = foldOf(first);
        const __m128i lastByte = byteOf(last), lastFold = foldOf(last);
        for (; i + m - 1 + 16 <= n; i += 16) {
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(h + i));
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(h + i + m - 1));
            const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, firstFold), firstByte),
                                               _mm_cmpeq_epi8(_mm_or_si128(b, lastFold), lastByte));
            for (unsigned mask = unsigned(_mm_movemask_epi8(both)); mask != 0; mask &= mask - 1)
                if (equalAt(h + i + unsigned(__builtin_ctz(mask))))
                    return true;
        }
#endif
        for (; i + m <= n; ++i)
            if (equalAt(h + i))
                return true;
        return false;
    }

    QRegularExpression m_regex;
    bool m_isRegex;
    std::string m_needle;
};

// What a matcher said of the texts seen last, by their address: the events of one operation share one stored
// parameters text, so that a text is searched once however many events show it. One per thread.
class MatchCache
{
public:
    template <typename Decide>
    bool matches(std::string_view text, Decide decide)
    {
        const auto address = reinterpret_cast<uintptr_t>(text.data());
        Entry &e = m_entries[(address * 0x9E3779B97F4A7C15ull) >> (64 - kBits)];
        if (e.result < 0 || e.data != text.data() || e.size != text.size())
            e = {text.data(), text.size(), decide(text) ? int8_t(1) : int8_t(0)};
        return e.result != 0;
    }

private:
    static constexpr int kBits = 12;
    struct Entry {
        const char *data = nullptr;
        size_t size = 0;
        int8_t result = -1; // not known
    };
    std::vector<Entry> m_entries = std::vector<Entry>(size_t(1) << kBits);
};

} // namespace oplens::filtermatch
