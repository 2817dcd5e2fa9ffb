// libFuzzer target: any bytes as the body of the agent's restart request, parsed by the agent's own
// parseRestartBody() (app/agent/requestbody.cpp, linked in). Besides never crashing, an accepted body must keep the
// header's promises: a reason never blank nor padded with ASCII white space, a key of at most 200 code points.
#include "requestbody.h"

#include <cstdint>

namespace {

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

size_t codePoints(const std::string &utf8)
{
    size_t n = 0;
    for (const char c : utf8)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace oplens::agent;
    const auto body = parseRestartBody({reinterpret_cast<const char *>(data), size});
    if (!body)
        return 0;
    if (body->reason.empty() || isAsciiSpace(body->reason.front()) || isAsciiSpace(body->reason.back())
        || codePoints(body->idempotencyKey) > kMaxIdempotencyKeyCharacters)
        __builtin_trap();
    return 0;
}
