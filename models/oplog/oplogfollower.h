// Several oplogs followed as they grow: the first refresh reads them whole, each later one reads only what they
// gained; a file replaced or shrunk (rotation, truncation) makes it read everything again. oplensd's runner, API,
// metrics and alerts share one; oplensctl's runner has its own.
#pragma once

#include "dataset.h"
#include "sourcereading.h"

#include <QStringList>
#include <vector>

namespace oplens {

class OplogFollower
{
public:
    explicit OplogFollower(const QStringList &paths); // source i of data() is paths[i]

    // The agent's report of the service's start (docs/oplog.md section 3), for every source.
    void setServiceStartedAt(int64_t epochMs);
    // Reads what the files gained since the last call. True when everything was read again (the first call, a
    // rotation or truncation): operation indexes of the dataset changed.
    bool refresh();

    const Dataset &data() const { return m_data; }
    const QStringList &paths() const { return m_paths; }
    // What reading source i found (its problems, skipped lines) since the last full read.
    const SourceRead &read(int i) const { return m_reads[size_t(i)]; }
    // Lines skipped in source i since the last full read.
    uint64_t skippedLines(int i) const { return m_skipped[size_t(i)]; }
    // Bumped at each full read.
    uint64_t generation() const { return m_generation; }

private:
    bool needsFullRead() const;

    QStringList m_paths;
    Dataset m_data;
    std::vector<SourceRead> m_reads; // where each oplog was read up to, and which file it was
    std::vector<uint64_t> m_skipped;
    int64_t m_serviceStartedAt = kNoTime;
    uint64_t m_generation = 0;
};

} // namespace oplens
