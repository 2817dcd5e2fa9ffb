#include "sourcespane.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QMenu>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {
constexpr int kSourceRole = Qt::UserRole + 1;
constexpr size_t kProblemsShown = 1000;

QToolButton *toggle(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    return button;
}
} // namespace

SourcesPane::SourcesPane(Session *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("sourcesTree"));
    m_tree->setColumnCount(4);
    m_tree->setHeaderLabels({tr("Source"), tr("Events"), tr("Operations"), tr("State")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->resizeSection(1, 60);
    m_tree->header()->resizeSection(2, 80);
    m_tree->header()->resizeSection(3, 90);
    m_tree->setRootIsDecorated(true);
    m_follow = toggle(tr("Follow"), tr("Read lines appended to the file as they arrive"), this);
    m_assume = toggle(tr("Crash snapshot"),
                      tr("This log was copied after a crash: every unfinished operation counts as Interrupted"), this);
    m_remove = new QToolButton(this);
    m_remove->setText(tr("Remove"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_follow);
    buttons->addWidget(m_assume);
    buttons->addStretch(1);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tree, 1);
    layout->addLayout(buttons);

    connect(m_session, &Session::sourcesChanged, this, &SourcesPane::refresh);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &SourcesPane::updateButtons);
    connect(m_follow, &QToolButton::clicked, this, [this](bool on) { m_session->setFollow(currentSource(), on); });
    connect(m_assume, &QToolButton::clicked, this, [this](bool on) { m_session->setAssumeInterrupted(currentSource(), on); });
    connect(m_remove, &QToolButton::clicked, this, [this] { m_session->removeSource(currentSource()); });
    refresh();
}

int SourcesPane::currentSource() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    while (item && item->parent())
        item = item->parent();
    return item ? item->data(0, kSourceRole).toInt() : -1;
}

// A scan of every operation: 5-20 ms on the GUI thread with a million of them, and refresh() runs twice per load.
const std::vector<size_t> &SourcesPane::operationCounts()
{
    const auto &sources = m_session->sources();
    const auto data = m_session->data();
    if (!data || data->events().sourceCount() != sources.size()) {
        m_operations.assign(size_t(sources.size()), 0);
        m_counted.reset();
    } else if (m_counted.lock() != data || m_countedEvents != data->events().size()) {
        m_operations.assign(size_t(sources.size()), 0);
        for (uint32_t op = 0; op < data->operationCount(); ++op)
            if (data->exists(op))
                ++m_operations[data->source(op)];
        m_counted = data;
        m_countedEvents = data->events().size();
    }
    return m_operations;
}

void SourcesPane::refresh()
{
    const int keep = currentSource();
    m_tree->clear();
    const QLocale locale;
    const auto &sources = m_session->sources();
    const std::vector<size_t> &operations = operationCounts();
    for (int i = 0; i < sources.size(); ++i) {
        const SourceState &s = sources[i];
        QString state;
        if (!s.error.isEmpty())
            state = tr("Error: %1").arg(s.error);
        else if (s.lastRead.isNull())
            state = tr("Loading…");
        else
            state = s.follow ? tr("Following") : tr("Loaded");
        if (s.assumeInterrupted)
            state += tr(", crash snapshot");
        const QString label = s.agent ? QStringLiteral("%1 (%2)").arg(s.agent->base.authority(), s.agent->log)
                                      : QFileInfo(s.path).fileName();
        auto *item = new QTreeWidgetItem(m_tree, {label, locale.toString(qulonglong(s.events)),
                                                  locale.toString(qulonglong(operations[size_t(i)])), state});
        item->setData(0, kSourceRole, i);
        item->setToolTip(0, s.path);
        item->setToolTip(3, state);
        item->setIcon(0, style()->standardIcon(!s.error.isEmpty() ? QStyle::SP_MessageBoxCritical
                                               : s.agent          ? QStyle::SP_DriveNetIcon
                                                                  : QStyle::SP_FileIcon));
        if (!s.notice.isEmpty())
            new QTreeWidgetItem(item, {tr("Note"), QString(), QString(), s.notice});
        if (!s.problems.empty()) {
            auto *problems = new QTreeWidgetItem(item, {tr("Skipped"), locale.toString(qulonglong(s.problems.size())),
                                                        QString(), tr("lines that could not be read")});
            problems->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
            for (size_t p = 0; p < std::min(s.problems.size(), kProblemsShown); ++p) {
                auto *line = new QTreeWidgetItem(problems, {s.problems[p].place(), QString(), QString(), s.problems[p].reason});
                line->setToolTip(3, s.problems[p].reason);
            }
            if (s.problems.size() > kProblemsShown)
                new QTreeWidgetItem(problems, {tr("… and %1 more").arg(s.problems.size() - kProblemsShown)});
        }
        item->setExpanded(!s.notice.isEmpty());
        if (i == keep)
            m_tree->setCurrentItem(item);
    }
    updateButtons();
}

void SourcesPane::updateButtons()
{
    const int i = currentSource();
    const bool valid = i >= 0 && i < m_session->sources().size();
    for (QToolButton *b : {m_follow, m_assume, m_remove})
        b->setEnabled(valid);
    m_follow->setChecked(valid && m_session->sources()[i].follow);
    m_assume->setChecked(valid && m_session->sources()[i].assumeInterrupted);
}

} // namespace oplens::ui
