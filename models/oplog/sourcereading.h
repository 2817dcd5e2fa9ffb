// Reads several oplogs into one dataset, one source each, in order, then aggregates: the one way the console's
// session, oplensctl and the runner read their sources (a remote source is read from its local mirror).
#pragma once

#include "dataset.h"
#include "oplogreader.h"

#include <QString>
#include <atomic>
#include <functional>
#include <vector>

namespace oplens {

struct SourceRead {
    QString name;                       // the source's name in the dataset: its path, or a remote source's URL
    QString path;                       // the file read: the path, or a remote source's local mirror
    bool skip = false;                  // listed (it keeps its index) but not read, e.g. a remote not copied yet
    uint64_t offset = 0, firstLine = 1; // resume point, for a follow-up read
    bool following = false;             // a growing file: a last line without its ending waits for it
    int64_t serviceStartedAt = kNoTime; // an agent's report: evidence of a service restart
    bool assumeInterrupted = false;     // a crash snapshot
    // What reading found:
    ReadResult result;
    uint64_t fileId = 0;                // the file's identity when read (fileidentity.h): a replaced file has another
};

// Adds each source that `data` does not have yet (source i is index i), reads the ones not skipped, sets their
// evidence, and aggregates. `progress` gets percentages of the bytes to read, each source weighed by its size from
// its resume point (a 600 MB file counts 300 times a 2 MB agent's copy): they never go back and end at 100, even
// when a file grows while it is read. False when cancelled (the dataset is then incomplete and not aggregated).
bool readSources(std::vector<SourceRead> &sources, Dataset &data, const std::atomic_bool *cancel = nullptr,
                 const std::function<void(int percent)> &progress = {});

} // namespace oplens
