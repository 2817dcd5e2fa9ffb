#include "sourcereading.h"

#include "fileidentity.h"

#include <QFileInfo>

namespace oplens {

namespace {
// The bytes a source will read: from its resume point to its end as it is now.
uint64_t bytesToRead(const SourceRead &s)
{
    const uint64_t size = uint64_t(std::max<qint64>(0, QFileInfo(s.path).size()));
    return s.skip || size < s.offset ? 0 : size - s.offset;
}
} // namespace

bool readSources(std::vector<SourceRead> &sources, Dataset &data, const std::atomic_bool *cancel,
                 const std::function<void(int)> &progress)
{
    std::vector<uint64_t> weights;
    uint64_t total = 0, before = 0;
    for (const SourceRead &s : sources)
        total += weights.emplace_back(bytesToRead(s));
    int lastPercent = -1;
    // A file that grew since it was weighed counts no more than its weight: the bar neither passes 100 nor goes back.
    const auto report = [&](uint64_t done) {
        const int percent = total ? int(std::min(done, total) * 100 / total) : 100;
        if (percent > lastPercent)
            progress(lastPercent = percent);
    };
    for (size_t i = 0; i < sources.size(); ++i) {
        SourceRead &s = sources[i];
        const uint16_t index = int(i) < data.events().sourceCount() ? uint16_t(i) : data.addSource(s.name);
        if (s.skip)
            continue;
        ReadRequest request;
        request.path = s.path;
        request.offset = s.offset;
        request.firstLine = s.firstLine;
        request.following = s.following;
        request.cancel = cancel;
        if (progress)
            request.progress = [&, weight = weights[i]](uint64_t done, uint64_t) { report(before + std::min(done, weight)); };
        s.fileId = fileIdentity(s.path);
        s.result = readOplog(request, data.events(), index);
        if (s.result.cancelled)
            return false;
        before += weights[i];
        if (s.serviceStartedAt != kNoTime)
            data.setServiceStartedAt(index, s.serviceStartedAt);
        if (s.assumeInterrupted)
            data.setAssumeInterrupted(index, true);
    }
    if (progress)
        report(total); // also when nothing was there to read
    data.aggregate();
    return true;
}

} // namespace oplens
