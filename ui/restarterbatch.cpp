// What the restarter gives a batch of restarts (restarter.h): how each source restarts, what it can run, and the
// launch of one restart of the plan, looked up again in the data as it is when it is sent.
#include "restarter.h"

#include "agentclient.h"
#include "networkerror.h"
#include "timedisplay.h"
#include "workerpool.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace oplens::ui {

namespace {

using ActionSet = std::set<std::pair<QString, QString>>;

// Called later, never from inside the batch's own call: a batch is told its answers from the event loop.
void answerLater(QObject *context, std::function<void(const LaunchAnswer &)> done, const LaunchAnswer &answer)
{
    QTimer::singleShot(0, context, [done = std::move(done), answer] { done(answer); });
}

} // namespace

const SourceState *Restarter::sourceNamed(const QString &name) const
{
    const int index = m_session->sourceIndex(name);
    return index >= 0 ? &m_session->sources()[index] : nullptr;
}

RestartSource Restarter::restartSourceOf(const Dataset &data, uint16_t slot) const
{
    RestartSource restart;
    const SourceState *source = slot < data.events().sourceCount() ? sourceNamed(data.events().sourceName(slot)) : nullptr;
    if (!source) {
        restart.kind = RestartSource::Kind::Gone;
        restart.why = tr("its source is no longer open");
    } else if (source->isAgent()) {
        restart.kind = RestartSource::Kind::Agent;
        restart.server = source->remote->spec().url.authority();
        restart.actionsFrom = tr("the agent at %1").arg(restart.server);
    } else if (source->remote) { // running it here would run a server's operation on this workstation
        restart.kind = RestartSource::Kind::ReadOnly;
        restart.why = tr("an oplog read %1 is read-only: restart it through that server's agent "
                         "(File > Connect…, kind OpLens agent)")
                          .arg(source->remote->spec().kind == RemoteSpec::Kind::Ssh ? tr("over SSH") : tr("from a web server"));
    } else {
        restart.kind = RestartSource::Kind::Local;
        restart.server = tr("this computer");
        const QString catalog = catalogPath();
        restart.actionsFrom = tr("the local catalog %1").arg(catalog);
        if (catalog.isEmpty())
            restart.why = tr("a local file is restarted with a local action catalog, and none is chosen "
                             "(Operation > Local Action Catalog…)");
    }
    return restart;
}

std::vector<RestartSource> Restarter::restartSources(const Dataset &data) const
{
    std::vector<RestartSource> sources;
    for (int slot = 0; slot < data.events().sourceCount(); ++slot)
        sources.push_back(restartSourceOf(data, uint16_t(slot)));
    return sources;
}

bool Restarter::askActions(const QString &sourceName, const RestartSource &source, QObject *context,
                           std::function<void(const RestartSource &, const QString &)> done)
{
    const SourceState *state = sourceNamed(sourceName);
    if (source.kind == RestartSource::Kind::Agent && state && state->isAgent()) {
        const RemoteSpec spec = state->remote->spec();
        QNetworkReply *reply = AgentClient(spec, &m_network).actions();
        connect(reply, &QNetworkReply::finished, context, [reply, spec, source, done] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            RestartSource known = source;
            if (reply->error() != QNetworkReply::NoError || status != 200)
                done(source, tr("could not ask %1: %2").arg(source.actionsFrom, describeNetworkFailure(reply, spec)));
            else if (!parseActions(reply->read(1 << 20), &known.actions))
                done(source, tr("%1 did not list its actions").arg(source.actionsFrom));
            else {
                known.actionsKnown = true;
                done(known, {});
            }
        });
        connect(context, &QObject::destroyed, reply, [reply] { // the dialog closed first
            reply->abort();
            reply->deleteLater();
        });
        return true;
    }
    if (source.kind != RestartSource::Kind::Local || !source.why.isEmpty())
        return false;
    // The catalog is a file: read in a worker, as every file is.
    auto *reading = new QFutureWatcher<std::pair<ActionSet, QString>>(context);
    connect(reading, &QFutureWatcherBase::finished, context, [reading, source, done] {
        reading->deleteLater();
        const auto [actions, error] = reading->result();
        RestartSource known = source;
        if (error.isEmpty()) {
            known.actionsKnown = true;
            known.actions = actions;
        } else {
            known.why = tr("the local action catalog cannot be used: %1").arg(error);
        }
        done(known, {});
    });
    reading->setFuture(QtConcurrent::run(workerPool(), [path = catalogPath()] {
        QString error;
        ActionSet actions;
        if (const auto catalog = ActionCatalog::load(path, &error))
            for (const Action &action : catalog->actions())
                actions.emplace(action.module, action.name);
        return std::pair(actions, error);
    }));
    return true;
}

void Restarter::launch(const PlanItem &item, const QString &reason, const QString &idempotencyKey, QObject *context,
                       std::function<void(const LaunchAnswer &)> done)
{
    // The plan was made from the data of its dialog: its operations are found again by their source and id.
    const auto data = m_session->data();
    const int slot = data ? int(data->events().sourceNames().indexOf(item.source)) : -1;
    const uint32_t op = slot >= 0 ? data->findOperation(uint16_t(slot), item.operationId.toStdString()) : kNone;
    if (op == kNone) {
        answerLater(context, std::move(done), {404, {}, tr("no longer loaded: reload its source"), {}});
        return;
    }
    // Restarted by someone else meanwhile, a twin started since, its source removed: refused here, never sent.
    const RestartSource source = restartSourceOf(*data, uint16_t(slot));
    if (const QString why = restartRefusal(*data, op, source, TimeDisplay::instance().utc()); !why.isEmpty()) {
        answerLater(context, std::move(done), {409, {}, why, {}});
        return;
    }
    const SourceState *state = sourceNamed(item.source);
    if (state->isAgent()) {
        launchOnAgent(*state, item.operationId, reason, idempotencyKey, context, std::move(done));
        return;
    }
    QTimer::singleShot(0, context, [this, path = state->path, id = item.operationId, reason, idempotencyKey, context, done] {
        withLocalRunner(path, [context = QPointer<QObject>(context), id, reason, idempotencyKey, done](Runner *runner, const QString &error) {
            if (!context)
                return;
            if (!runner) {
                done({422, {}, tr("the local action catalog cannot be used: %1").arg(error), {}, true});
                return;
            }
            const LaunchResult result = runner->restart({id, reason, idempotencyKey, localIdentity()});
            done({result.status, result.operationId, result.ok() ? QString() : answerText(result.status, result.error), {}, true});
        });
    });
}

void Restarter::launchOnAgent(const SourceState &source, const QString &operationId, const QString &reason,
                              const QString &key, QObject *context, std::function<void(const LaunchAnswer &)> done)
{
    AgentClient agent(source.remote->spec(), &m_network);
    agent.restart(operationId, reason, key, context, [this, name = source.path, done](const RestartAnswer &answer) {
        LaunchAnswer launched{answer.status, answer.operationId, {}, {}, answer.reached};
        if (!answer.launched())
            launched.error = answerText(answer.status, answer.error);
        else if (!answer.log.isEmpty())
            launched.recordedIn = followLog(name, answer.log);
        done(launched);
    });
}

QString Restarter::followLog(const QString &sourceName, const QString &log)
{
    const SourceState *source = sourceNamed(sourceName);
    if (!source || !source->isAgent() || source->remote->spec().log == log)
        return {}; // its own source
    RemoteSpec spec = source->remote->spec(); // with the same token and CA
    spec.log = log;
    const QString name = spec.name();
    if (m_session->sourceIndex(name) < 0) {
        m_session->openRemote(spec);
        Q_EMIT logOpened(name);
    }
    return name;
}

} // namespace oplens::ui
