// What tests/agent's recording_stub recorded (header only): the program the agent's and the runner's tests run as an
// action appends its whole argv, as one JSON array on one line, to its record file. The record proves the exact argv
// that was run, and that it ran at all.
#pragma once

#include "testfiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QStringList>

namespace recordingstub {

// Each run of the stub recorded in `path`: its argv (argv[0] first), in the order they ran.
inline QList<QStringList> records(const QString &path)
{
    QList<QStringList> runs;
    for (const QByteArray &text : testfiles::readAll(path).split('\n')) {
        if (text.isEmpty())
            continue;
        QStringList argv;
        for (const QJsonValue &v : QJsonDocument::fromJson(text).array())
            argv << v.toString();
        runs << argv;
    }
    return runs;
}

} // namespace recordingstub
