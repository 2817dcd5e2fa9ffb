// The body of POST /v1/operations/{operationId}/restart (docs/agent.md section 3): {"reason": "...",
// "idempotencyKey": "..."}. A pure function of its bytes, without Qt and without exceptions escaping, so that it can
// be fuzzed alone: a libFuzzer target only needs requestbody.cpp and nlohmann_json, e.g.
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
//   { oplens::agent::parseRestartBody({reinterpret_cast<const char *>(data), size}); return 0; }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace oplens::agent {

constexpr size_t kMaxIdempotencyKeyCharacters = 200;

struct RestartBody {
    std::string reason;         // UTF-8, ASCII white space trimmed from both ends; never empty
    std::string idempotencyKey; // UTF-8; empty when absent
};

// nullopt when `body` is not one JSON object (UTF-8), or its `reason` is missing, not a string or blank, or its
// `idempotencyKey` is present but not a string, or longer than kMaxIdempotencyKeyCharacters characters (code points).
// Other members are ignored; of a member given twice, the last counts. Any input is safe: the agent hands it at most
// 16 KiB (the HTTP layer's limit), but nothing here depends on that.
std::optional<RestartBody> parseRestartBody(std::string_view body);

} // namespace oplens::agent
