// The local copies (mirrors) of remote oplogs: a private file per source in the user's cache, named after the process
// that owns it, so that copies a killed process left behind are removed by the next one.
#pragma once

#include <QString>
#include <QTemporaryFile>
#include <memory>

namespace oplens {

QString mirrorFolder();
// A new, open mirror (check isOpen(): the disk may be full); the first call removes the copies of dead processes.
std::unique_ptr<QTemporaryFile> newMirror();

} // namespace oplens
