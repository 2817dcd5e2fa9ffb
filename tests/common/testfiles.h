// File helpers every kind of test uses (header only, Qt Core): read a whole file, write, append, replace as a
// rotation does, list a folder. Each returns what a QVERIFY can check.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <cstdio>

namespace testfiles {

// The whole file; empty when it cannot be read.
inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Writes `data` whole (by default over what the file held); false when the file cannot be opened or written.
inline bool writeFile(const QString &path, const QByteArray &data,
                      QIODevice::OpenMode mode = QIODevice::WriteOnly | QIODevice::Truncate)
{
    QFile file(path);
    return file.open(mode) && file.write(data) == data.size();
}

// Appends `data` at the file's end (creating it when missing), as an oplog's writer does.
inline bool appendFile(const QString &path, const QByteArray &data)
{
    return writeFile(path, data, QIODevice::WriteOnly | QIODevice::Append);
}

// Replaces `path` as a log rotation does: a new file (another inode) renamed over the old one.
inline bool replaceFile(const QString &path, const QByteArray &data)
{
    const QString next = path + QStringLiteral(".next");
    QFile::remove(next);
    return writeFile(next, data)
        && std::rename(QFile::encodeName(next).constData(), QFile::encodeName(path).constData()) == 0;
}

// The files in `dir` (hidden ones too), without . and ..: what a failed or cancelled write must not leave behind.
inline QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace testfiles
