// What the panes show about a whole dataset, worked out in a worker after each change, so that no pane scans every
// operation on the GUI thread: counts by status and by source, the modules and names the filter offers, what needs
// attention (the Notifications pane) and what was interrupted since the previous summary (the tray message).
#pragma once

#include "dataset.h"

#include <QStringList>
#include <array>
#include <memory>
#include <vector>

namespace oplens {

// An operation the Notifications pane lists: Interrupted and neither restarted nor superseded, or Stale; and the
// superseded Interrupted ones, kept for "Show superseded".
struct Attention {
    uint32_t op;
    int64_t when; // since when it needs attention: its interruption, or its last event for a Stale one
    bool stale;
    bool superseded;
};

struct DatasetSummary {
    std::shared_ptr<const Dataset> data;
    int64_t now = 0;
    size_t operations = 0;
    std::array<size_t, 32> byStatusFlag{}; // operations by StatusFlag bit (viewfilter.h), as the status filter sees them
    std::vector<size_t> operationsBySource; // by dataset source
    QStringList modules, names;             // of the operations, sorted case-insensitively
    std::vector<Attention> attention;       // newest first
    std::vector<uint32_t> interrupted;      // Interrupted and not restarted, in operation order
    QStringList freshInterruptions;         // "title: reason" of those not in the previous summary of the same data

    // The operations with this StatusFlag (one bit).
    size_t countOf(uint32_t flag) const;
};

// One pass over the operations. `previous` (may be null) is the summary the fresh interruptions are counted against;
// only a summary of the same dataset counts (a dataset read again is not news), and nothing of the sources in
// `readWhole` (read from the start since `previous`: what they held was not news either).
std::shared_ptr<const DatasetSummary> summarize(std::shared_ptr<const Dataset> data, int64_t now,
                                                const DatasetSummary *previous,
                                                const std::vector<uint16_t> &readWhole = {});

} // namespace oplens
