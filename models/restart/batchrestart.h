// A batch of restarts run from one plan (makeRestartPlan): one reason for all, each with its own idempotency key, at
// most `maxPerServer` launched and not ended per server, `staggerMs` between two starts on one server, servers side by
// side, and optionally no more starts once one fails. It never stops what it launched. How a restart is sent is the
// caller's (`Launch`: an agent, or a runner in this process); what became of it is read from the data the caller
// follows (observe()) or told by the runner (noteEnded()).
#pragma once

#include "restartplan.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <functional>
#include <map>

namespace oplens {

enum class RestartProgress : uint8_t { Waiting, Sending, Queued, Running, Finished, Failed, Refused, NotStarted };
QString progressName(RestartProgress progress); // "waiting", "sending", … "not started"

// What the agent or the runner answered to one restart.
struct LaunchAnswer {
    int status = 0;      // HTTP-like: 202 launched; 0 no answer (the network); 4xx refused; 503 cannot record
    QString operationId; // the new operation's, when launched
    QString error;       // one line, when not launched
    QString recordedIn;  // the source (its name in the followed data) the new operation is written to; empty: the
                         // restarted operation's own source
    bool reached = true; // status 0: whether the request may have reached the agent (RestartAnswer::reached)
    bool launched() const { return status == 202; }
};

// Sends the restart of `item`; calls `done` once, on `context`'s thread, never after `context` is gone.
using LaunchRestart = std::function<void(const PlanItem &item, const QString &reason, const QString &idempotencyKey,
                                         QObject *context, std::function<void(const LaunchAnswer &)> done)>;

struct BatchOptions {
    int maxPerServer = 1;       // launched and not ended yet, per server (1 to 100)
    int staggerMs = 0;          // at least this long between two starts on one server
    bool stopOnFailure = false; // once one fails, start no more (those running go on)
    int retries = 3;            // sent again with the same key after no answer, retryDelayMs, then twice, four times that
    int retryDelayMs = 1000;
};

struct BatchEntry {
    PlanItem item;
    RestartProgress progress = RestartProgress::Waiting;
    QString newId;        // once launched
    QString recordedIn;   // the source its events are read from
    QString message;      // why refused, failed or not started; how it ended
    QString idempotencyKey;
    int attempts = 0;
    bool launched() const { return !newId.isEmpty(); }
};

class BatchRestart : public QObject
{
    Q_OBJECT
public:
    BatchRestart(std::vector<PlanItem> plan, QString reason, BatchOptions options, LaunchRestart launch,
                 QObject *parent = nullptr);

    void start();
    // Starts no more: waiting entries become "not started". What was sent or launched goes on.
    void stopRemaining(const QString &why = {});
    // The followed data as read now: launched restarts move to Queued, Running, Finished or Failed as their events
    // appear. Call it after every change of the data.
    void observe(const Dataset &data);
    // A runner in this process says how a restart it ran ended.
    void noteEnded(const QString &newId, bool succeeded, const QString &why);

    const std::vector<BatchEntry> &entries() const { return m_entries; }
    const QString &reason() const { return m_reason; }
    const BatchOptions &options() const { return m_options; }
    int count(RestartProgress progress) const;
    bool isLaunching() const; // something still waits or is being sent
    bool isDone() const;      // nothing waits, is sent, queued or running
    // "4 launched: 2 finished, 1 failed, 1 running · 1 refused · 2 not started".
    QString summary() const;

Q_SIGNALS:
    void entryChanged(int index);
    // A restart was just launched: call observe() with the data as it is now, which may hold its events already (they
    // can be read before the answer comes, and nothing may be appended after them).
    void lookAgain();
    void allLaunched(); // nothing waits or is being sent any more (once)
    void finished();    // isDone() (once)

private:
    void pump();
    bool mayStart(const QString &server, qint64 *waitMs) const;
    void send(int index);
    void answered(int index, const LaunchAnswer &answer);
    void setProgress(int index, RestartProgress progress, const QString &message = {});
    void checkDone();
    int active(const QString &server) const;

    std::vector<BatchEntry> m_entries;
    QString m_reason;
    BatchOptions m_options;
    LaunchRestart m_launch;
    QElapsedTimer m_clock;
    std::map<QString, qint64> m_lastStart; // per server, on m_clock
    QTimer m_stagger;
    bool m_started = false, m_announcedLaunched = false, m_announcedDone = false;
    bool m_inLaunch = false; // within m_launch: an answer given at once is taken after it returns
};

} // namespace oplens
