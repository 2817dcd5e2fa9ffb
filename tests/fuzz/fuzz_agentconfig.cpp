// libFuzzer target: any bytes as oplensd's configuration file, read by the agent's own loadConfig()
// (app/agent/agentconfig.cpp, linked in). It must answer a Config or an error naming the key, never crash or throw.
#include "fuzzinput.h"

#include "agentconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzzinput::MemoryFile file(data, size);
    QString error;
    const std::optional<oplens::agent::Config> config = oplens::agent::loadConfig(file.path(), &error);
    if (!config && error.isEmpty())
        __builtin_trap(); // refused without saying why
    return 0;
}
