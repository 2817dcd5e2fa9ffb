// Internal to the export library (exporter.cpp and exportinfo.cpp): what both of its files use.
#pragma once

#include <QString>
#include <atomic>
#include <cstddef>
#include <string>

namespace oplens::exportcommon {

constexpr size_t kChunk = 1u << 20; // written to the device, and read from sources to hash, in pieces of about this size

inline std::string utf8(const QString &s) { return s.toStdString(); }

inline bool cancelled(const std::atomic_bool *cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

} // namespace oplens::exportcommon
