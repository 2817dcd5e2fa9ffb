#include "sourcespane.h"

#include "agentalerts.h"
#include "sourcetexts.h"
#include "trustprompt.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {
constexpr int kSourceRole = Qt::UserRole + 1;
constexpr int kAlertsRole = Qt::UserRole + 2; // the child row that says whether an agent alerts
constexpr size_t kProblemsShown = 1000;
constexpr int kSourceWidth = 215, kMaxSourceWidth = 400; // px: longer names are cut in the middle, whole in their tooltips
constexpr int kStateWidth = 220; // px: "Connected, following", "Retrying in 8 s (2 attempts failed)"

// An error or a note under its source: across the columns (the State column alone cuts it short), whole in its tooltip.
void addTextRow(QTreeWidgetItem *source, const QString &text, const QString &tip)
{
    auto *row = new QTreeWidgetItem(source, {text});
    row->setFirstColumnSpanned(true);
    row->setToolTip(0, tip);
}

QToolButton *button(const QString &text, const QString &tip, bool checkable, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setCheckable(checkable);
    return b;
}

} // namespace

SourcesPane::SourcesPane(Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_alerts(new AgentAlerts(session, this))
{
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("sourcesTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Source"), tr("Events"), tr("Operations"), tr("Last update"), tr("Lag"), tr("State")});
    m_tree->headerItem()->setToolTip(LastUpdate, tr("When new events last arrived"));
    m_tree->headerItem()->setToolTip(Lag, tr("How old the shown copy may be: the time since the server last answered"));
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(Name, kSourceWidth);
    m_tree->header()->resizeSection(Events, 55);
    m_tree->header()->resizeSection(Operations, 72);
    m_tree->header()->setMinimumSectionSize(40);
    m_tree->header()->resizeSection(LastUpdate, 75);
    m_tree->header()->resizeSection(Lag, 50);
    m_tree->setRootIsDecorated(true);
    m_tree->setTextElideMode(Qt::ElideMiddle); // a server and its file: both ends matter
    m_follow = button(tr("Follow"), tr("Read lines appended to the oplog as they arrive"), true, this);
    m_assume = button(tr("Crash snapshot"),
                      tr("This log was copied after a crash: every unfinished operation counts as Interrupted"), true, this);
    m_pause = button(tr("Pause"), tr("Stop asking this server until resumed; what was read stays shown"), true, this);
    m_retry = button(tr("Retry now"), tr("Try the server again without waiting"), false, this);
    m_trust = button(tr("Trust certificate…"), tr("See the server's certificate and trust it for this server only"), false, this);
    m_remove = button(tr("Remove"), tr("Close this source"), false, this);
    m_pause->setObjectName(QStringLiteral("pauseSource"));
    m_retry->setObjectName(QStringLiteral("retrySource"));
    m_remove->setObjectName(QStringLiteral("removeSource"));
    auto *buttons = new QHBoxLayout;
    for (QToolButton *b : {m_follow, m_assume, m_pause, m_retry, m_trust})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tree, 1);
    layout->addLayout(buttons);

    // Once per turn of the event loop: a workspace of fifty agents says "sources changed" fifty times in a row.
    m_refreshSoon.setSingleShot(true);
    m_refreshSoon.setInterval(0);
    connect(&m_refreshSoon, &QTimer::timeout, this, &SourcesPane::refresh);
    for (auto signal : {&Session::sourcesChanged, &Session::summaryChanged})
        connect(m_session, signal, &m_refreshSoon, qOverload<>(&QTimer::start));
    connect(m_alerts, &AgentAlerts::changed, &m_refreshSoon, qOverload<>(&QTimer::start));
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &SourcesPane::updateButtons);
    connect(m_follow, &QToolButton::clicked, this, [this](bool on) { m_session->setFollow(currentSource(), on); });
    connect(m_assume, &QToolButton::clicked, this, [this](bool on) { m_session->setAssumeInterrupted(currentSource(), on); });
    connect(m_pause, &QToolButton::clicked, this, [this](bool on) { m_session->setPaused(currentSource(), on); });
    connect(m_retry, &QToolButton::clicked, this, [this] { m_session->retryNow(currentSource()); });
    connect(m_trust, &QToolButton::clicked, this, &SourcesPane::trustCertificate);
    connect(m_remove, &QToolButton::clicked, this, [this] { m_session->removeSource(currentSource()); });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
            updateRow(m_tree->topLevelItem(i), i);
    });
    m_clock.start();
    refresh();
}

int SourcesPane::currentSource() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    while (item && item->parent())
        item = item->parent();
    return item ? item->data(0, kSourceRole).toInt() : -1;
}

// Per open source, from the session's summary (counted in a worker): what the data held when it was last summarized.
std::vector<size_t> SourcesPane::operationCounts() const
{
    const auto &sources = m_session->sources();
    std::vector<size_t> counts(size_t(sources.size()), 0);
    const auto summary = m_session->summary();
    if (!summary)
        return counts;
    for (int i = 0; i < sources.size(); ++i)
        if (sources[i].slot < summary->operationsBySource.size())
            counts[size_t(i)] = summary->operationsBySource[sources[i].slot];
    return counts;
}

QString SourcesPane::stateText(int index) const
{
    const auto &sources = m_session->sources();
    return index < 0 || index >= sources.size() ? QString() : sourceStateText(sources[index]);
}

QString SourcesPane::alertsText(int index) const
{
    const auto &sources = m_session->sources();
    if (index < 0 || index >= sources.size())
        return {};
    const AlertStatus alerts = m_alerts->of(sources[index].path);
    return alerts.known ? alerts.text(QDateTime::currentMSecsSinceEpoch()) : QString();
}

void SourcesPane::updateAlertsRow(QTreeWidgetItem *item, int index)
{
    for (int c = 0; c < item->childCount(); ++c) {
        QTreeWidgetItem *row = item->child(c);
        if (!row->data(0, kAlertsRole).toBool())
            continue;
        const QString text = alertsText(index);
        const AlertStatus alerts = m_alerts->of(m_session->sources()[index].path);
        row->setText(Name, text); // across the columns: the State column alone cuts it to nothing
        row->setToolTip(Name, alerts.channels.isEmpty() ? text : text + QLatin1Char('\n') + alerts.channels.join(QLatin1Char('\n')));
        row->setIcon(0, style()->standardIcon(alerts.failing() || !alerts.configured ? QStyle::SP_MessageBoxWarning
                                                                                     : QStyle::SP_MessageBoxInformation));
    }
}

void SourcesPane::updateRow(QTreeWidgetItem *item, int i)
{
    const auto &sources = m_session->sources();
    if (i >= sources.size())
        return;
    const SourceState &s = sources[i];
    const QLocale locale;
    const QString state = stateText(i);
    item->setText(Events, locale.toString(qulonglong(s.events)));
    item->setText(State, state);
    item->setToolTip(State, s.remote && !s.remote->state().certificate.isNull()
                                ? state + QLatin1Char('\n') + s.remote->state().certificate.describe()
                                : state);
    const QDateTime last = sourceLastUpdate(s);
    const QString lag = sourceLagText(s, QDateTime::currentMSecsSinceEpoch());
    item->setText(LastUpdate, last.isValid() ? last.toString(QStringLiteral("HH:mm:ss")) : QStringLiteral("–"));
    item->setToolTip(LastUpdate, last.isValid() ? last.toString(Qt::ISODate) : QString());
    item->setText(Lag, lag);
    const bool failing = sourceHealth(s).trouble() || (s.remote && !s.remote->state().error.isEmpty());
    const QStyle::StandardPixmap icon =
        failing ? QStyle::SP_MessageBoxCritical
        : s.remote && s.remote->state().phase == RemoteSource::Phase::Paused ? QStyle::SP_MediaPause
        : s.remote ? QStyle::SP_DriveNetIcon
                   : QStyle::SP_FileIcon;
    item->setIcon(Name, style()->standardIcon(icon));
    updateAlertsRow(item, i);
}

QString SourcesPane::structure() const
{
    QString key;
    for (const SourceState &s : m_session->sources())
        key += QStringLiteral("%1|%2|%3|%4|%5|%6;").arg(s.path).arg(s.problems.size()).arg(s.notice,
                   s.remote ? s.remote->state().certificate.fingerprint : QString(), s.remote ? s.remote->state().error : s.error)
                   .arg(m_alerts->of(s.path).known);
    return key;
}

void SourcesPane::refresh()
{
    const auto &sources = m_session->sources();
    const std::vector<size_t> operations = operationCounts();
    const QLocale locale;
    const QString structure = this->structure();
    if (structure == m_structure && m_tree->topLevelItemCount() == sources.size()) {
        for (int i = 0; i < sources.size(); ++i) {
            updateRow(m_tree->topLevelItem(i), i);
            m_tree->topLevelItem(i)->setText(Operations, locale.toString(qulonglong(operations[size_t(i)])));
        }
        updateButtons();
        return;
    }
    m_structure = structure;
    const int keep = currentSource();
    m_tree->clear();
    for (int i = 0; i < sources.size(); ++i) {
        const SourceState &s = sources[i];
        const QString label = !s.remote ? QFileInfo(s.path).fileName()
                              : s.remote->spec().kind == RemoteSpec::Kind::Agent
                                  ? tr("%1 · agent, %2").arg(s.remote->spec().url.authority(), s.remote->spec().log)
                              : s.remote->spec().kind == RemoteSpec::Kind::Ssh
                                  ? tr("%1 · %2 (ssh)").arg(s.remote->spec().url.adjusted(QUrl::RemoveUserInfo).authority(), s.remote->spec().url.fileName())
                                  : QStringLiteral("%1 · %2").arg(s.remote->spec().url.authority(), s.remote->spec().url.fileName());
        auto *item = new QTreeWidgetItem(m_tree, {label, QString(), locale.toString(qulonglong(operations[size_t(i)]))});
        item->setData(0, kSourceRole, i);
        item->setToolTip(0, s.path);
        updateRow(item, i);
        const QString error = s.remote ? s.remote->state().error : s.error;
        if (!error.isEmpty())
            addTextRow(item, tr("Error: %1").arg(error), error);
        if (!s.notice.isEmpty())
            addTextRow(item, tr("Note: %1").arg(s.notice), s.notice);
        const bool alerts = m_alerts->of(s.path).known;
        if (alerts) {
            auto *row = new QTreeWidgetItem(item);
            row->setData(0, kAlertsRole, true);
            row->setFirstColumnSpanned(true);
            updateAlertsRow(item, i);
        }
        if (s.remote && !s.remote->state().certificate.isNull()) {
            auto *certificate = new QTreeWidgetItem(item, {tr("Certificate"), QString(), QString(), QString(), QString(),
                                                           s.remote->state().certificate.fingerprint});
            certificate->setToolTip(State, s.remote->state().certificate.describe());
            for (const QString &line : s.remote->state().certificate.describe().split(QLatin1Char('\n')))
                new QTreeWidgetItem(certificate, {QString(), QString(), QString(), QString(), QString(), line});
            certificate->setExpanded(true);
        }
        if (!s.problems.empty()) {
            auto *problems = new QTreeWidgetItem(item, {tr("Skipped"), locale.toString(qulonglong(s.problems.size())),
                                                        QString(), QString(), QString(), tr("lines that could not be read")});
            problems->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
            problems->setExpanded(sourceHealth(s).notAnOplog); // the reasons are the news: not folded away
            for (size_t p = 0; p < std::min(s.problems.size(), kProblemsShown); ++p) {
                auto *line = new QTreeWidgetItem(problems, {s.problems[p].place(), QString(), QString(), QString(), QString(), s.problems[p].reason});
                line->setToolTip(State, s.problems[p].reason);
            }
            if (s.problems.notDetailed() > 0) // past the first ones kept, counted by reason
                new QTreeWidgetItem(problems, {s.problems.notDetailedSummary()});
            else if (s.problems.size() > kProblemsShown)
                new QTreeWidgetItem(problems, {tr("… and %1 more").arg(s.problems.size() - kProblemsShown)});
        }
        item->setExpanded(!s.notice.isEmpty() || !error.isEmpty() || sourceHealth(s).notAnOplog || alerts);
        if (i == keep)
            m_tree->setCurrentItem(item);
    }
    fitSourceColumn();
    updateButtons();
}

// Wide enough for the sources' names (a server, its kind and its file), as room allows beside the state; unless
// the admin set its width.
void SourcesPane::fitSourceColumn()
{
    QHeaderView *header = m_tree->header();
    if (m_fittedWidth > 0 && header->sectionSize(Name) != m_fittedWidth)
        return;
    const QFontMetrics metrics(m_tree->font());
    int text = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        text = std::max(text, metrics.horizontalAdvance(m_tree->topLevelItem(i)->text(Name)));
    const int padding = m_tree->indentation() + style()->pixelMetric(QStyle::PM_SmallIconSize) + 16; // arrow, icon, margins
    int others = 0;
    for (int c = Events; c < State; ++c)
        others += header->sectionSize(c);
    const int room = std::min(kMaxSourceWidth, m_tree->viewport()->width() - others - kStateWidth);
    m_fittedWidth = std::clamp(text + padding, kSourceWidth, std::max(kSourceWidth, room));
    header->resizeSection(Name, m_fittedWidth);
}

void SourcesPane::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitSourceColumn();
}

void SourcesPane::updateButtons()
{
    const int i = currentSource();
    const auto &sources = m_session->sources();
    const bool valid = i >= 0 && i < sources.size();
    const RemoteSource *remote = valid ? sources[i].remote.data() : nullptr;
    for (QToolButton *b : {m_follow, m_assume, m_remove})
        b->setEnabled(valid);
    m_follow->setChecked(valid && sources[i].follow);
    m_assume->setChecked(valid && sources[i].assumeInterrupted);
    m_pause->setVisible(remote);
    m_pause->setChecked(remote && remote->state().phase == RemoteSource::Phase::Paused);
    m_pause->setText(m_pause->isChecked() ? tr("Resume") : tr("Pause"));
    m_retry->setVisible(remote && (remote->state().phase == RemoteSource::Phase::Retrying
                                   || remote->state().phase == RemoteSource::Phase::Failed));
    m_trust->setVisible(remote && !remote->state().certificate.isNull());
}

void SourcesPane::trustCertificate()
{
    const int i = currentSource();
    if (i >= 0 && i < m_session->sources().size() && m_session->sources()[i].remote
        && confirmTrust(m_session->sources()[i].remote->state().certificate, this))
        m_session->retryNow(i);
}

} // namespace oplens::ui
