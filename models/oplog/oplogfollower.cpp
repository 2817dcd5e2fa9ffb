#include "oplogfollower.h"

#include "fileidentity.h"

#include <QFileInfo>

namespace oplens {

OplogFollower::OplogFollower(const QStringList &paths) : m_paths(paths) {}

void OplogFollower::setServiceStartedAt(int64_t epochMs)
{
    m_serviceStartedAt = epochMs;
    for (int i = 0; i < m_paths.size() && size_t(i) < m_reads.size(); ++i)
        m_data.setServiceStartedAt(uint16_t(i), epochMs);
}

bool OplogFollower::needsFullRead() const
{
    if (m_reads.size() != size_t(m_paths.size()))
        return true;
    for (size_t i = 0; i < m_reads.size(); ++i) {
        const QString &path = m_paths[int(i)];
        if (fileIdentity(path) != m_reads[i].fileId
            || uint64_t(std::max<qint64>(0, QFileInfo(path).size())) < m_reads[i].offset)
            return true;
    }
    return false;
}

bool OplogFollower::refresh()
{
    const bool full = needsFullRead();
    if (full) { // first read, or a log was rotated or truncated
        m_data = Dataset();
        m_reads.assign(size_t(m_paths.size()), SourceRead());
        m_skipped.assign(size_t(m_paths.size()), 0);
        for (int i = 0; i < m_paths.size(); ++i)
            m_reads[size_t(i)].name = m_reads[size_t(i)].path = m_paths[i];
        ++m_generation;
    }
    for (SourceRead &read : m_reads) {
        read.following = true; // a line still being written waits for its ending
        read.serviceStartedAt = m_serviceStartedAt;
    }
    readSources(m_reads, m_data);
    for (size_t i = 0; i < m_reads.size(); ++i) { // the next refresh reads what was appended since
        SourceRead &read = m_reads[i];
        if (read.result.error.isEmpty()) {
            read.offset = read.result.nextOffset;
            read.firstLine = read.result.nextLine;
            m_skipped[i] += read.result.problems.size();
        }
    }
    return full;
}

} // namespace oplens
