#include "bench_restartplan.h"

#include "restartplan.h"

#include <chrono>
#include <cstdio>
#include <functional>

using namespace oplens;

namespace {

double secondsOf(const std::function<void()> &f)
{
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

void printRestartPlan(const Dataset &data)
{
    std::vector<uint32_t> all(data.operationCount());
    for (uint32_t op = 0; op < data.operationCount(); ++op)
        all[op] = op;
    std::vector<RestartSource> sources(size_t(data.events().sourceCount()));
    for (RestartSource &s : sources) {
        s.kind = RestartSource::Kind::Agent;
        s.server = QStringLiteral("mail1.example.com:8470");
    }
    std::vector<uint32_t> interrupted;
    std::vector<PlanItem> plan;
    const double chosen = secondsOf([&] { interrupted = interruptedToRestart(data, all); });
    const double planned = secondsOf([&] { plan = makeRestartPlan(data, interrupted, sources); });
    std::printf("restart plan all interrupted operations: %zu operations\n", plan.size());
    std::printf("restart plan all interrupted: %.3f s\n", chosen + planned);
    const std::vector<uint32_t> some(interrupted.begin(), interrupted.begin() + std::min<size_t>(50, interrupted.size()));
    const double fifty = secondsOf([&] { plan = makeRestartPlan(data, some, sources); });
    std::printf("restart plan 50 operations: %.1f ms\n", fifty * 1000);
    std::fflush(stdout);
}
