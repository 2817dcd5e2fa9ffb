#include "sharedacknowledgements.h"

#include "agentclient.h"

#include <QDateTime>
#include <memory>

namespace oplens::ui {

namespace {
// A source whose agent is worth asking now: not paused, not waiting for its token, not known to be down.
bool askable(const SourceState &source)
{
    if (!source.isAgent())
        return false;
    switch (source.remote->state().phase) {
    case RemoteSource::Phase::Paused:
    case RemoteSource::Phase::NeedsSecret:
    case RemoteSource::Phase::Failed:
    case RemoteSource::Phase::Retrying: return false;
    default: return true;
    }
}
} // namespace

SharedAcknowledgements::SharedAcknowledgements(Session *session, NotificationsModel *model, QObject *parent)
    : QObject(parent), m_session(session), m_model(model)
{
    connect(m_session, &Session::sourcesChanged, this, &SharedAcknowledgements::sourcesChanged);
    connect(&m_timer, &QTimer::timeout, this, &SharedAcknowledgements::poll);
    m_timer.start(m_session->remotePollInterval());
    sourcesChanged();
}

// Which sources' acknowledgements are their agent's; a source that just became askable and was never answered is
// asked at once, the others at the next poll.
void SharedAcknowledgements::sourcesChanged()
{
    QSet<QString> agents;
    for (const SourceState &s : m_session->sources())
        if (s.isAgent())
            agents.insert(s.path);
    m_model->setSharedSources(agents);
    for (auto it = m_problem.begin(); it != m_problem.end();)
        it = agents.contains(it.key()) ? std::next(it) : m_problem.erase(it);
    m_answered.intersect(agents);
    for (const SourceState &s : m_session->sources()) // said often (each state change): only new ones are asked now
        if (askable(s) && !m_answered.contains(s.path) && !m_fetching.contains(s.path))
            fetch(s);
}

bool SharedAcknowledgements::settled() const
{
    for (const SourceState &s : m_session->sources())
        if (askable(s) && !m_answered.contains(s.path))
            return false;
    return true;
}

void SharedAcknowledgements::pollNow()
{
    poll();
}

void SharedAcknowledgements::poll()
{
    if (m_timer.interval() != m_session->remotePollInterval())
        m_timer.setInterval(m_session->remotePollInterval()); // the session's own pace for remote sources
    for (const SourceState &s : m_session->sources())
        if (askable(s) && !m_fetching.contains(s.path))
            fetch(s);
}

void SharedAcknowledgements::fetch(const SourceState &source)
{
    const QString path = source.path;
    const int changesBefore = m_changes.value(path);
    m_fetching.insert(path);
    AgentClient agent(source.remote->spec(), &m_network);
    agent.acknowledgements(source.remote->spec().log, this, [this, path, changesBefore](const AcknowledgementAnswer &answer) {
        m_fetching.remove(path);
        if (m_session->sourceIndex(path) < 0)
            return; // removed meanwhile
        const bool first = !m_answered.contains(path);
        m_answered.insert(path);
        if (m_changes.value(path) != changesBefore) {
            poll(); // asked before this console's own change was answered: ask again
            if (first)
                Q_EMIT fetched();
            return;
        }
        const QString problem = answer.ok() ? QString() : answer.error;
        if (problem != m_problem.value(path)) {
            m_problem.insert(path, problem);
            Q_EMIT fetchProblem(path, problem);
        }
        if (answer.ok())
            m_model->setSharedAcknowledgements(path, answer.acknowledgements);
        if (first)
            Q_EMIT fetched();
    });
}

void SharedAcknowledgements::send(const QList<NotificationsModel::Key> &keys, bool acknowledged, const QString &comment)
{
    if (keys.isEmpty())
        return;
    auto batch = std::make_shared<Batch>();
    batch->acknowledged = acknowledged;
    batch->left = int(keys.size());
    const QString what = keys.size() == 1 ? tr("1 notification") : tr("%1 notifications").arg(keys.size());
    Q_EMIT progress(acknowledged ? tr("Acknowledging %1 on the agent…").arg(what) : tr("Unacknowledging %1 on the agent…").arg(what));
    for (const auto &[path, operationId] : keys) {
        const int index = m_session->sourceIndex(path);
        if (index < 0 || !m_session->sources()[index].isAgent()) {
            batch->failures << tr("%1: its source %2 is no longer open").arg(operationId, path);
            answered(batch);
            continue;
        }
        sendOne(m_session->sources()[index], operationId, comment, batch);
    }
}

void SharedAcknowledgements::sendOne(const SourceState &source, const QString &operationId, const QString &comment,
                                     const std::shared_ptr<Batch> &batch)
{
    const QString path = source.path, agentName = source.remote->spec().name();
    const bool acknowledging = batch->acknowledged;
    ++m_sending;
    auto done = [this, path, agentName, operationId, acknowledging, batch](const AcknowledgementAnswer &answer) {
        --m_sending;
        // Taking back what the agent no longer holds (another console did) leaves the same result: not a failure.
        const bool alreadyGone = !acknowledging && answer.status == 404;
        if (answer.ok() || alreadyGone) {
            ++batch->done;
            m_changes[path] += 1;
            if (acknowledging && !answer.acknowledgements.empty())
                m_model->putSharedAcknowledgement(path, answer.acknowledgements.front());
            else if (!acknowledging)
                m_model->removeSharedAcknowledgement(path, operationId);
        } else {
            batch->failures << tr("%1 on %2: %3").arg(operationId, agentName, answer.error);
        }
        answered(batch);
    };
    AgentClient agent(source.remote->spec(), &m_network);
    if (acknowledging)
        agent.acknowledge(operationId, source.remote->spec().log, comment, this, done);
    else
        agent.unacknowledge(operationId, source.remote->spec().log, this, done);
}

void SharedAcknowledgements::answered(const std::shared_ptr<Batch> &batch)
{
    if (--batch->left > 0)
        return;
    const int failed = int(batch->failures.size());
    const int total = batch->done + failed;
    QString message;
    const QString what = total == 1 ? tr("1 notification") : tr("%1 notifications").arg(total);
    if (failed == 0)
        message = batch->acknowledged ? tr("Acknowledged %1 on the agent: every console that follows it sees who and when").arg(what)
                                      : tr("Unacknowledged %1 on the agent: listed again in every console").arg(what);
    else
        message = batch->acknowledged ? tr("%1 of %2 acknowledgements failed: still listed").arg(failed).arg(total)
                                      : tr("%1 of %2 withdrawals failed: still acknowledged").arg(failed).arg(total);
    Q_EMIT sent(message, batch->failures);
    poll(); // what the agents hold now, with other consoles' changes
}

} // namespace oplens::ui
