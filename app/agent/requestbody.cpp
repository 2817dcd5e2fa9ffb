#include "requestbody.h"

#include <nlohmann/json.hpp>

namespace oplens::agent {

namespace {

std::string_view trimmed(std::string_view text)
{
    constexpr std::string_view space = " \t\n\r\f\v";
    const size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// Code points of valid UTF-8 (the parser has checked it): every byte that does not continue a sequence.
size_t characters(std::string_view utf8)
{
    size_t count = 0;
    for (const char c : utf8)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

} // namespace

std::optional<RestartBody> parseRestartBody(std::string_view body)
{
    // A raw NUL is never valid JSON (inside a string it must be escaped), but nlohmann's lexer takes it for the end of
    // the input: {"reason": "r"}\0anything would pass.
    if (body.find('\0') != std::string_view::npos)
        return std::nullopt;
    // No exceptions: a body that is not JSON (or not UTF-8) comes back discarded.
    const nlohmann::json document = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return std::nullopt;
    const auto reason = document.find("reason");
    if (reason == document.end() || !reason->is_string())
        return std::nullopt;
    RestartBody parsed;
    parsed.reason = std::string(trimmed(reason->get_ref<const std::string &>()));
    if (parsed.reason.empty())
        return std::nullopt;
    if (const auto key = document.find("idempotencyKey"); key != document.end()) {
        if (!key->is_string())
            return std::nullopt;
        parsed.idempotencyKey = key->get<std::string>();
        if (characters(parsed.idempotencyKey) > kMaxIdempotencyKeyCharacters)
            return std::nullopt;
    }
    return parsed;
}

} // namespace oplens::agent
