#include "workspaces.h"

#include "connectdialog.h"
#include "filterbar.h"
#include "recentmenu.h"
#include "secretstore.h"
#include "tablepane.h"

#include <QApplication>
#include <QFileDialog>
#include <QJsonArray>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace oplens::ui {

namespace {
const QString kFilter = QStringLiteral("OpLens workspaces (*.oplens.json *.json);;All files (*)");
constexpr char kChosenSshConfigs[] = "ssh/chosenConfigs"; // canonical paths the admin chose in File > Connect…
} // namespace

Workspaces::Workspaces(Session *session, FilterBar *filterBar, TablePane *operations, TablePane *events, QWidget *window)
    : QObject(window), m_session(session), m_filterBar(filterBar), m_operations(operations), m_events(events), m_window(window)
{
    connect(m_session, &Session::secretNeeded, this, &Workspaces::supplySecret);
    m_askLater.setSingleShot(true);
    m_askLater.setInterval(250);
    connect(&m_askLater, &QTimer::timeout, this, &Workspaces::askNextSecret);
    connect(m_session, &Session::sourcesChanged, this, [this] { // a source removed or given its secret meanwhile
        const qsizetype waiting = m_secretQueue.size();
        m_secretQueue.removeIf([this](const RemoteSpec &spec) { return !waitsForSecret(spec); });
        if (m_secretQueue.size() != waiting)
            updateSkipAllButton();
        if (m_secretDialog && !waitsForSecret(m_askingFor))
            m_secretDialog->reject();
    });
}

void Workspaces::addActions(QMenu *file)
{
    QAction *connectAction = file->addAction(tr("&Connect…"), this, &Workspaces::connectDialog);
    connectAction->setObjectName(QStringLiteral("connectAction"));
    connectAction->setToolTip(tr("Read an oplog from an OpLens agent, a web server or over SSH"));
    file->addSeparator();
    file->addAction(tr("Open &Workspace…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open a workspace"), m_path, kFilter);
        if (!path.isEmpty())
            openWorkspace(path);
    });
    m_recentMenu = new RecentMenu(tr("Recent W&orkspaces"), QStringLiteral("recent/workspaces"),
                                  [this](const QString &path) { openWorkspace(path); }, file);
    file->addMenu(m_recentMenu);
    file->addAction(tr("&Save Workspace As…"), this, [this] {
        QString path = QFileDialog::getSaveFileName(m_window, tr("Save the workspace"),
                                                    m_path.isEmpty() ? QStringLiteral("servers.oplens.json") : m_path, kFilter);
        if (path.isEmpty())
            return;
        if (!path.endsWith(QLatin1String(".json")))
            path += QStringLiteral(".oplens.json");
        saveWorkspace(path);
    });
}

// An ssh configuration the admin chose in the console: a workspace naming it later may use it (credentials.h).
void Workspaces::rememberChosenSshConfig(const QString &config)
{
    const QString real = QFileInfo(config).canonicalFilePath();
    QSettings settings;
    QStringList chosen = settings.value(QLatin1String(kChosenSshConfigs)).toStringList();
    if (!real.isEmpty() && !chosen.contains(real))
        settings.setValue(QLatin1String(kChosenSshConfigs), chosen << real);
}

void Workspaces::connectDialog()
{
    ConnectDialog dialog(m_window);
    dialog.setDefaultSshConfig(m_credentials.sshConfig);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QString error;
    const auto spec = dialog.spec(&error);
    if (!spec)
        return; // accept() refuses an invalid form
    if (spec->kind == RemoteSpec::Kind::Ssh && !spec->sshConfig.isEmpty())
        rememberChosenSshConfig(spec->sshConfig);
    if (dialog.rememberSecret() && spec->needsSecret()) {
        SecretStore::write(SecretStore::keyFor(*spec), spec->secret, this, [this](const QString &why) {
            if (!why.isEmpty())
                Q_EMIT message(tr("Not kept in the keychain (%1): the console will ask again next time.").arg(why));
        });
    }
    openRemote(*spec);
}

void Workspaces::setCommandLineCredentials(const CommandLineCredentials &credentials)
{
    m_credentials = credentials;
    m_fromCommandLine = true;
}

void Workspaces::openRemote(const RemoteSpec &given, const WorkspaceSource &source)
{
    RemoteSpec spec = given;
    if (spec.kind == RemoteSpec::Kind::Ssh) { // no secret to give: only --ssh-config, for one that names no ssh_config
        QString unused;
        m_credentials.complete(spec, {}, &unused);
    }
    if (const int open = m_session->sourceIndex(spec.name()); open >= 0 && m_session->sources()[open].remote) {
        const RemoteSpec &was = m_session->sources()[open].remote->spec();
        if (was.auth == spec.auth && was.user == spec.user && was.caFile == spec.caFile && was.sshConfig == spec.sshConfig
            && was.refused == spec.refused) {
            m_session->openRemote(spec); // open already: it only takes the secret given now
            return;
        }
        const WorkspaceSource settings = m_opened.value(spec.name());
        m_session->removeSource(open); // another identity or CA: opened again, with its settings
        m_opened.insert(spec.name(), settings);
        const int index = m_session->openRemote(spec);
        m_session->setFollow(index, settings.follow);
        m_session->setAssumeInterrupted(index, settings.assumeInterrupted);
        return;
    }
    m_opened.insert(spec.name(), source);
    if (m_fromCommandLine)
        m_commandLineSources.insert(spec.name());
    const int index = m_session->openRemote(spec); // shown at once; one without its secret asks for it (supplySecret)
    m_session->setFollow(index, source.follow);
    m_session->setAssumeInterrupted(index, source.assumeInterrupted);
    m_session->setPaused(index, source.paused);
}

QByteArray Workspaces::commandLineSecret(const RemoteSpec &spec) const
{
    return m_commandLineSources.contains(spec.name()) ? m_credentials.secretFor(spec) : QByteArray();
}

void Workspaces::supplySecret(const QString &source)
{
    const int index = m_session->sourceIndex(source);
    if (index < 0 || !m_session->sources()[index].remote)
        return;
    const RemoteSpec spec = m_session->sources()[index].remote->spec();
    if (const QByteArray given = commandLineSecret(spec); !given.isEmpty()) {
        m_session->setSecret(index, given);
        return;
    }
    SecretStore::read(SecretStore::keyFor(spec), this, [this, spec](const QByteArray &secret, const QString &why) {
        if (!waitsForSecret(spec))
            return; // closed, given its secret or changed meanwhile
        if (!secret.isEmpty()) {
            m_session->setSecret(m_session->sourceIndex(spec.name()), secret);
            return;
        }
        const QString reason = why.isEmpty() ? tr("the keychain holds no secret for it") : why;
        if (m_interactive)
            askForSecret(spec, reason);
        else
            noSecret(spec, reason);
    });
}

// Still open with this identity, and still waiting for its secret.
bool Workspaces::waitsForSecret(const RemoteSpec &spec) const
{
    const int index = m_session->sourceIndex(spec.name());
    const SourceState *source = index >= 0 ? &m_session->sources()[index] : nullptr;
    return source && source->remote && source->remote->state().phase == RemoteSource::Phase::NeedsSecret
        && source->remote->spec().auth == spec.auth && source->remote->spec().user == spec.user;
}

void Workspaces::noSecret(const RemoteSpec &spec, const QString &why)
{
    m_session->giveUp(m_session->sourceIndex(spec.name()),
                      tr("no %1: %2").arg(spec.auth == RemoteSpec::Auth::Basic ? tr("password") : tr("token"), why));
}

// Queued: ten agents without their tokens are asked in turn, each once the previous dialog was answered.
void Workspaces::askForSecret(const RemoteSpec &spec, const QString &why)
{
    const auto same = [&](const RemoteSpec &other) { return other.name() == spec.name(); };
    if ((m_secretDialog && same(m_askingFor))
        || std::any_of(m_secretQueue.cbegin(), m_secretQueue.cend(), same))
        return;
    Q_EMIT message(tr("%1 needs its secret: %2.").arg(spec.name(), why));
    m_secretQueue.append(spec);
    updateSkipAllButton();
    askNextSecret();
}

// Not exec(): its nested event loop is where the next source's request arrived and opened a dialog over this one.
void Workspaces::askNextSecret()
{
    if (QWidget *modal = QApplication::activeModalWidget(); modal && modal != m_secretDialog && !m_secretQueue.isEmpty()) {
        m_askLater.start(); // after the admin's own dialog (Connect, Restart, Export…) closes: never one over it
        return;
    }
    while (!m_secretDialog && !m_secretQueue.isEmpty()) {
        const RemoteSpec spec = m_secretQueue.takeFirst();
        if (!waitsForSecret(spec))
            continue; // removed, or given its secret, while it waited
        auto *dialog = new ConnectDialog(m_window);
        dialog->setWindowTitle(tr("Credentials for %1").arg(spec.name()));
        dialog->setSpec(spec);
        m_secretDialog = dialog;
        m_askingFor = spec;
        m_skipAll = false;
        m_skipAllButton = dialog->addActionButton(QString());
        connect(m_skipAllButton, &QPushButton::clicked, dialog, [this, dialog] {
            m_skipAll = true;
            dialog->reject();
        });
        updateSkipAllButton();
        connect(dialog, &QDialog::finished, this, [this, dialog, spec](int result) {
            secretAnswered(dialog, spec, result == QDialog::Accepted);
        });
        dialog->open();
    }
}

void Workspaces::updateSkipAllButton()
{
    if (!m_skipAllButton)
        return;
    const qsizetype others = m_secretQueue.size();
    m_skipAllButton->setText(tr("Skip All (%1)").arg(others + 1));
    m_skipAllButton->setToolTip(tr("Give no secret now to this source and the %1 others waiting; Retry now asks again").arg(others));
    m_skipAllButton->setVisible(others > 0);
}

void Workspaces::secretAnswered(ConnectDialog *dialog, const RemoteSpec &spec, bool accepted)
{
    dialog->deleteLater();
    m_secretDialog = nullptr;
    QString error;
    const auto given = accepted ? dialog->spec(&error) : std::nullopt;
    if (m_skipAll) {
        for (const RemoteSpec &waiting : std::exchange(m_secretQueue, {}))
            if (waitsForSecret(waiting))
                noSecret(waiting, tr("skipped"));
    }
    if (given && dialog->rememberSecret())
        SecretStore::write(SecretStore::keyFor(*given), given->secret, this, [](const QString &) {});
    if (!waitsForSecret(spec)) {
        askNextSecret(); // removed or given its secret while the dialog was up
        return;
    }
    const int index = m_session->sourceIndex(spec.name());
    if (!given) {
        noSecret(spec, m_skipAll ? tr("skipped") : tr("none given"));
    } else if (given->name() == spec.name() && given->auth == spec.auth && given->user == spec.user && given->caFile == spec.caFile) {
        m_session->setSecret(index, given->secret);
    } else {
        const WorkspaceSource settings = m_opened.value(spec.name());
        m_session->removeSource(index); // the admin changed more than the secret
        openRemote(*given, settings);
    }
    askNextSecret();
}

Workspace Workspaces::current() const
{
    Workspace w;
    for (const SourceState &s : m_session->sources()) {
        WorkspaceSource source = m_opened.value(s.path);
        source.follow = s.follow;
        source.assumeInterrupted = s.assumeInterrupted;
        if (s.remote) {
            const RemoteSpec &spec = s.remote->spec();
            source.location = spec.name();
            source.auth = spec.auth;
            source.user = spec.user;
            source.caFile = spec.kind == RemoteSpec::Kind::Ssh ? QString() : spec.caFile; // ssh checks host keys, not CAs
            source.sshConfig = spec.sshConfig;
            source.paused = s.remote->state().phase == RemoteSource::Phase::Paused;
        } else {
            source.location = s.path;
        }
        w.sources << source;
    }
    w.filter = m_filterBar->filter();
    w.console = {{QStringLiteral("filterBar"), m_filterBar->state()},
                 {QStringLiteral("operationsColumns"), QString::fromLatin1(m_operations->headerState().toBase64())},
                 {QStringLiteral("eventsColumns"), QString::fromLatin1(m_events->headerState().toBase64())}};
    return w;
}

bool Workspaces::saveWorkspace(const QString &path)
{
    QString error;
    if (!writeWorkspace(path, current(), &error)) {
        QMessageBox::warning(m_window, tr("Save the workspace"), error);
        return false;
    }
    m_path = path;
    m_recentMenu->add({path});
    Q_EMIT message(tr("Workspace saved: %1").arg(path));
    return true;
}

bool Workspaces::openWorkspace(const QString &path)
{
    QString error;
    const auto workspace = readWorkspace(path, &error);
    if (!workspace) {
        QMessageBox::warning(m_window, tr("Open a workspace"), error);
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_recentMenu->add({m_path});
    m_session->removeAll();
    m_opened.clear();
    QStringList files;
    for (const WorkspaceSource &source : workspace->sources)
        if (!source.isRemote())
            files << source.location;
    m_session->openFiles(files);
    for (const WorkspaceSource &source : workspace->sources) {
        if (!source.isRemote()) {
            const int index = m_session->sourceIndex(source.location);
            m_session->setFollow(index, source.follow);
            m_session->setAssumeInterrupted(index, source.assumeInterrupted);
            continue;
        }
        QString why;
        auto spec = source.remoteSpec(&why);
        if (!spec) {
            Q_EMIT message(why);
            continue;
        }
        // An ssh_config can run commands: one that came with a workspace is not used unseen. The source stays listed
        // (and saved) with why it is not read.
        if (spec->kind == RemoteSpec::Kind::Ssh) {
            spec->refused = consoleSshConfigRefusal(spec->sshConfig, m_credentials.sshConfig,
                                                    QSettings().value(QLatin1String(kChosenSshConfigs)).toStringList());
            if (spec->refused.isEmpty() && !spec->sshConfig.isEmpty())
                spec->sshConfig = QFileInfo(spec->sshConfig).canonicalFilePath(); // the file checked, not a link swapped later
        }
        openRemote(*spec, source);
    }
    const QJsonObject console = workspace->console;
    m_operations->setHeaderState(QByteArray::fromBase64(console.value(QStringLiteral("operationsColumns")).toString().toLatin1()));
    m_events->setHeaderState(QByteArray::fromBase64(console.value(QStringLiteral("eventsColumns")).toString().toLatin1()));
    if (console.contains(QStringLiteral("filterBar"))) {
        m_filterBar->setState(console.value(QStringLiteral("filterBar")).toObject());
    } else { // written by hand or by another tool: the engine's filter
        QJsonObject state{{QStringLiteral("text"), workspace->filter.text},
                          {QStringLiteral("regex"), workspace->filter.regex},
                          {QStringLiteral("modules"), QJsonArray::fromStringList(workspace->filter.modules)},
                          {QStringLiteral("names"), QJsonArray::fromStringList(workspace->filter.names)}};
        QJsonArray statuses;
        for (const QString &name : statusFlagNames())
            if (workspace->filter.statuses & statusFlagFromName(name))
                statuses.append(name);
        state.insert(QStringLiteral("statuses"), statuses);
        if (workspace->filter.since != kNoTime || workspace->filter.until != kNoTime) {
            state.insert(QStringLiteral("range"), FilterBar::customRangeIndex());
            state.insert(QStringLiteral("customSince"), qint64(workspace->filter.since));
            state.insert(QStringLiteral("customUntil"), qint64(workspace->filter.until));
        }
        m_filterBar->setState(state);
    }
    Q_EMIT message(tr("Workspace %1: %2 sources").arg(QFileInfo(path).fileName()).arg(workspace->sources.size()));
    return true;
}

} // namespace oplens::ui
