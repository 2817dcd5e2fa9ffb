// Shared acknowledgements (docs/agent.md section 9): "I have seen this interruption; I am on it", kept by the agent
// for every console. An append-only JSON Lines file (one line per acknowledgement or withdrawal, one write() and
// fsync() each, before the API answers); read back at start, so they survive restarts. The oplogs are never written
// for them. Main thread only.
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <optional>

namespace oplens::agent {

struct SharedAcknowledgement {
    QString log, operationId, by, comment;
    qint64 at = 0; // epoch ms
};

class AcknowledgementStore : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxCommentLength = 2000; // characters

    explicit AcknowledgementStore(QString path, QObject *parent = nullptr);
    // Reads the file (a missing one is empty). Lines it cannot read are skipped and counted; returns an error line
    // only when the file exists and cannot be read at all.
    QString load();
    int skippedLines() const { return m_skipped; }
    QString path() const { return m_path; }

    // Each returns empty, or why the line could not be made durable (nothing changed then).
    QString acknowledge(const SharedAcknowledgement &acknowledgement);
    QString unacknowledge(const QString &log, const QString &operationId, const QString &by, qint64 at);

    std::optional<SharedAcknowledgement> find(const QString &log, const QString &operationId) const;
    bool isAcknowledged(const QString &log, const QString &operationId) const;
    QList<SharedAcknowledgement> ofLog(const QString &log) const; // oldest first

Q_SIGNALS:
    void changed(const QString &log, const QString &operationId, bool acknowledged);

private:
    static QString keyOf(const QString &log, const QString &operationId);
    void apply(const QByteArray &line);
    QString append(const QByteArray &line);

    QString m_path;
    QHash<QString, SharedAcknowledgement> m_current; // by keyOf(log, operationId)
    int m_skipped = 0;
    bool m_unfinishedLine = false; // the file ends without \n (a crash mid-write): the next line starts on its own
};

} // namespace oplens::agent
