#include "sourcereading.h"

#include "fileidentity.h"

#include <QFileInfo>

namespace oplens {

bool readSources(std::vector<SourceRead> &sources, Dataset &data, const std::atomic_bool *cancel,
                 const std::function<void(int)> &progress)
{
    uint64_t total = 0, before = 0;
    for (const SourceRead &s : sources)
        if (!s.skip)
            total += uint64_t(std::max<qint64>(0, QFileInfo(s.path).size()));
    int lastPercent = -1;
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
        if (progress) {
            request.progress = [&](uint64_t done, uint64_t) {
                const int percent = total ? int((before + done) * 100 / total) : 0;
                if (percent != lastPercent)
                    progress(lastPercent = percent);
            };
        }
        s.fileId = fileIdentity(s.path);
        s.result = readOplog(request, data.events(), index);
        if (s.result.cancelled)
            return false;
        before += s.result.fileSize;
        if (s.serviceStartedAt != kNoTime)
            data.setServiceStartedAt(index, s.serviceStartedAt);
        if (s.assumeInterrupted)
            data.setAssumeInterrupted(index, true);
    }
    data.aggregate();
    return true;
}

} // namespace oplens
