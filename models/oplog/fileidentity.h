// Which file a path names now: a replaced (rotated) file has another identity than the one read before.
#pragma once

#include <QString>
#include <cstdint>

namespace oplens {

// Device and inode of `path`, folded into one number; 0 when it cannot be looked at.
uint64_t fileIdentity(const QString &path);

} // namespace oplens
