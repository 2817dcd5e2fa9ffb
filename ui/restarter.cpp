#include "restarter.h"

#include "agentclient.h"
#include "networkerror.h"
#include "restartdialog.h"
#include "timedisplay.h"
#include "workerpool.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

#include <QSettings>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>


namespace oplens::ui {

namespace {
const QString kCatalogKey = QStringLiteral("restart/actionsFile");

QString whatToDo(int status)
{
    switch (status) {
    case 401: return QStringLiteral("Give the console the agent's token again (File > Connect…).");
    case 403: return QStringLiteral("Restarting needs an operator token.");
    case 404: return QStringLiteral("The agent does not find it: reload the source.");
    case 409: return QStringLiteral("Wait until the running one ends, or check its status first.");
    case 422: return QStringLiteral("Add an action for it to the agent's catalog, or check its parameters.");
    case 503: return QStringLiteral("The agent cannot write its oplog: check its disk and permissions.");
    default: return {};
    }
}
} // namespace

QString Restarter::acceptedText(const QString &operationId)
{
    return tr("Restart accepted: new operation %1").arg(operationId);
}

QString Restarter::answerText(int status, const QString &error, const QString &duplicate)
{
    static const QRegularExpression code(QStringLiteral("^\\d{3}: *"));
    QString words = status == 409 && !duplicate.isEmpty() ? duplicate : QString(error).remove(code);
    while (words.endsWith(QLatin1Char('.')))
        words.chop(1);
    const QString what = whatToDo(status);
    return what.isEmpty() ? words : words + QStringLiteral(". ") + what;
}

QString Restarter::refusalText(int status, const QString &error, const QString &duplicate)
{
    return tr("Refused: %1").arg(answerText(status, error, duplicate));
}

Restarter::Restarter(Session *session, QObject *parent) : QObject(parent), m_session(session) {}

QString Restarter::catalogPath()
{
    return QSettings().value(kCatalogKey).toString();
}

void Restarter::setCatalogPath(const QString &path)
{
    QSettings().setValue(kCatalogKey, path);
}

QString Restarter::refusal(uint32_t op) const
{
    const auto data = m_session->data();
    if (!data || !data->exists(op))
        return tr("Select an operation first.");
    const QString why = restartRefusal(*data, op, restartSourceOf(*data, data->source(op)), TimeDisplay::instance().utc());
    if (why.isEmpty())
        return {};
    return why.left(1).toUpper() + why.mid(1) + QLatin1Char('.'); // a sentence in a tooltip or the status bar
}

QString Restarter::plan(uint32_t op) const
{
    const auto data = m_session->data();
    if (!refusal(op).isEmpty())
        return {};
    const SourceState &source = m_session->sources()[m_session->sourceIndex(data->events().sourceName(data->source(op)))];
    if (source.isAgent())
        return {};
    QString error;
    const auto catalog = ActionCatalog::load(catalogPath(), &error);
    if (!catalog)
        return tr("Nothing: the local action catalog cannot be used: %1").arg(error);
    const EventStore &s = data->events();
    const Action *action = catalog->find(s.string(data->module(op)), s.string(data->name(op)));
    if (!action)
        return tr("Nothing: the catalog %1 has no action for %2 %3").arg(catalogPath(), s.string(data->module(op)), s.string(data->name(op)));
    const auto argv = ActionCatalog::argvFor(*action, s.parameters(data->operation(op).latestRow), &error);
    if (!argv)
        return tr("Nothing: %1").arg(error);
    const QString limit = action->timeoutSeconds > 0 ? tr(", stopped after %1 s").arg(action->timeoutSeconds) : QString();
    return tr("%1 (from %2%3)").arg(argv->join(QLatin1Char(' ')), catalogPath(), limit);
}

namespace {
// The agent's catalog entry for module and name, in words: it never shows its argv to clients.
QString agentPlanText(const QByteArray &answer, const QString &module, const QString &name, const QString &agent)
{
    const QJsonDocument document = QJsonDocument::fromJson(answer);
    if (!document.isArray())
        return QObject::tr("Unknown: the agent at %1 did not list its actions").arg(agent);
    for (const QJsonValue &entry : document.array()) {
        const QJsonObject action = entry.toObject();
        if (action.value(QStringLiteral("module")).toString() != module || action.value(QStringLiteral("name")).toString() != name)
            continue;
        QStringList parameters;
        for (const QJsonValue &p : action.value(QStringLiteral("parameters")).toArray())
            parameters << p.toString();
        return parameters.isEmpty()
            ? QObject::tr("The agent's action for %1 %2 (its command stays on the server)").arg(module, name)
            : QObject::tr("The agent's action for %1 %2, given the parameters %3 (its command stays on the server)")
                  .arg(module, name, parameters.join(QStringLiteral(", ")));
    }
    return QObject::tr("Nothing: the agent at %1 has no action for %2 %3, and will refuse").arg(agent, module, name);
}
} // namespace

bool Restarter::askAgentPlan(uint32_t op, QObject *context, std::function<void(const QString &)> done)
{
    const auto data = m_session->data();
    if (!refusal(op).isEmpty())
        return false;
    const SourceState &source = m_session->sources()[m_session->sourceIndex(data->events().sourceName(data->source(op)))];
    if (!source.isAgent())
        return false;
    AgentClient agent(source.remote->spec(), &m_network);
    QNetworkReply *reply = agent.actions();
    const RemoteSpec spec = source.remote->spec();
    const QString module = data->events().string(data->module(op)), name = data->events().string(data->name(op));
    connect(reply, &QNetworkReply::finished, context, [reply, spec, module, name, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status != 200)
            done(tr("Unknown: could not ask the agent: %1").arg(describeNetworkFailure(reply, spec)));
        else
            done(agentPlanText(reply->read(1 << 20), module, name, spec.url.authority()));
    });
    connect(context, &QObject::destroyed, reply, [reply] { // the dialog closed first
        reply->abort();
        reply->deleteLater();
    });
    return true;
}

Runner *Restarter::localRunner(const QString &path, std::shared_ptr<OplogFollower> oplog, QString *error)
{
    if (const auto it = m_runners.find(path); it != m_runners.end())
        return it->second.get();
    const auto catalog = ActionCatalog::load(catalogPath(), error);
    if (!catalog)
        return nullptr;
    auto runner = std::make_unique<Runner>(std::move(oplog), 0, QStringLiteral("oplens"), *catalog, this);
    Runner *raw = runner.get();
    connect(raw, &Runner::operationEnded, this, [this](const QString &id, bool succeeded, const QString &error) {
        Q_EMIT localRestartEnded(id, succeeded, error);
    });
    m_runners[path] = std::move(runner);
    return raw;
}

// The runner of a local file reads it whole once: in a worker, not on the GUI thread (2 s for a 684 MB log). Later
// restarts through it read only what the file gained.
void Restarter::withLocalRunner(const QString &path, std::function<void(Runner *, const QString &)> use)
{
    if (const auto it = m_runners.find(path); it != m_runners.end()) {
        use(it->second.get(), {});
        return;
    }
    auto *reading = new QFutureWatcher<std::shared_ptr<OplogFollower>>(this);
    connect(reading, &QFutureWatcherBase::finished, this, [this, reading, path, use] {
        reading->deleteLater();
        QString error;
        Runner *runner = localRunner(path, reading->result(), &error);
        use(runner, error);
    });
    reading->setFuture(QtConcurrent::run(workerPool(), [path] {
        auto oplog = std::make_shared<OplogFollower>(QStringList{path});
        oplog->refresh();
        return oplog;
    }));
}

void Restarter::restart(uint32_t op, const QString &reason)
{
    const auto data = m_session->data();
    if (const QString why = refusal(op); !why.isEmpty()) {
        Q_EMIT finished(false, {}, {}, why);
        return;
    }
    const QString sourceName = data->events().sourceName(data->source(op));
    const SourceState source = *sourceNamed(sourceName); // refusal() found it
    const QString id = data->events().ids().qtext(op);
    if (!source.isAgent()) {
        withLocalRunner(source.path, [this, sourceName, id, reason](Runner *runner, const QString &error) {
            if (!runner) {
                Q_EMIT finished(false, sourceName, {}, tr("The local action catalog cannot be used: %1").arg(error));
                return;
            }
            RestartRequest request{id, reason, QUuid::createUuid().toString(QUuid::WithoutBraces), localIdentity()};
            const LaunchResult result = runner->restart(request);
            if (result.ok()) {
                Q_EMIT finished(true, sourceName, result.operationId, acceptedText(result.operationId));
                return;
            }
            const auto [duplicate, twinId] = runningTwin(sourceName, id, result.status);
            Q_EMIT finished(false, sourceName, {}, refusalText(result.status, result.error, duplicate), twinId);
        });
        return;
    }
    AgentClient agent(source.remote->spec(), &m_network);
    agent.restart(id, reason, QUuid::createUuid().toString(QUuid::WithoutBraces), this,
                  [this, sourceName, id](const RestartAnswer &answer) {
        if (answer.launched()) { // recorded in the agent's runner log, which is followed from now on
            const QString recordedIn = answer.log.isEmpty() ? QString() : followLog(sourceName, answer.log);
            Q_EMIT finished(true, recordedIn.isEmpty() ? sourceName : recordedIn, answer.operationId, acceptedText(answer.operationId));
            return;
        }
        const auto [duplicate, twinId] = runningTwin(sourceName, id, answer.status);
        Q_EMIT finished(false, sourceName, {}, refusalText(answer.status, answer.error, duplicate), twinId);
    });
}

// A twin refused the restart (409) though the data had none when it was asked: the data read since may know it.
std::pair<QString, QString> Restarter::runningTwin(const QString &sourceName, const QString &operationId, int status) const
{
    const auto data = m_session->data();
    const int slot = data && status == 409 ? int(data->events().sourceNames().indexOf(sourceName)) : -1;
    const uint32_t op = slot >= 0 ? data->findOperation(uint16_t(slot), operationId.toStdString()) : kNone;
    const uint32_t twin = op == kNone ? kNone : activeDuplicate(*data, op);
    if (twin == kNone)
        return {};
    return {duplicateText(*data, twin, QDateTime::currentMSecsSinceEpoch()), data->events().ids().qtext(twin)};
}

} // namespace oplens::ui
