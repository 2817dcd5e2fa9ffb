#include "restartplandialog.h"

#include "restarter.h"
#include "statusstyle.h"
#include "timedisplay.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QScreen>
#include <QShowEvent>
#include <QStyle>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

namespace oplens::ui {

namespace {
const QColor kRefusedColor(0xB7, 0x1C, 0x1C);
const QColor kWillRestartColor(0x1B, 0x5E, 0x20);
constexpr int kMostLines = 3; // a row's height at most: a long refusal does not push the others away
} // namespace

RestartPlanDialog::RestartPlanDialog(std::shared_ptr<const Dataset> data, std::vector<uint32_t> ops, Restarter *restarter,
                                     QWidget *parent)
    : QDialog(parent), m_data(std::move(data)), m_ops(std::move(ops)), m_sources(restarter->restartSources(*m_data))
{
    setObjectName(QStringLiteral("restartPlanDialog"));
    setWindowTitle(tr("Restart %1 operations").arg(m_ops.size()));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("planSummary"));
    m_askingLabel = new QLabel(this);
    m_askingLabel->setObjectName(QStringLiteral("planAsking"));
    m_askingLabel->setWordWrap(true);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("planTable"));
    m_table->setHorizontalHeaderLabels({tr("Operation"), tr("Verdict"), tr("Parameters"), tr("Server"), tr("Evidence"), tr("Id")});
    m_table->horizontalHeaderItem(EvidenceColumn)->setToolTip(tr("Why it counts as Interrupted, or the error it failed or was aborted with"));
    m_table->horizontalHeaderItem(ParametersColumn)->setToolTip(tr("What it runs with, without origin; the tooltip shows them as JSON"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true); // a refusal is why nothing runs: up to kMostLines lines, then its tooltip
    m_table->setTextElideMode(Qt::ElideMiddle); // paths and ids differ at their ends
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setMinimumSectionSize(60);
    auto *warning = new QLabel(tr("<b>Check why the service went down first</b> (its logs, disk, memory). Each runs "
                                  "again as a new operation with the same module, name and parameters; the old ones "
                                  "stay as they are."),
                               this);
    warning->setObjectName(QStringLiteral("planWarning"));
    styleAsWarning(warning);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_run = buttons->addButton(tr("Restart"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runPlan"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_askingLabel);
    layout->addWidget(m_table, 1);
    layout->addWidget(warning);
    layout->addWidget(createOptions());
    layout->addWidget(buttons);
    fitToScreen();
    updatePlan();
    askForActions(restarter);
    fillTable(); // the verdicts that wait for an answer say so
    updateButton();
    m_reason->setFocus(); // the one thing the admin must type
}

// As wide as the columns like (1280) and tall enough for a dozen rows, never beyond the screen: the README promises
// 1024×700. The table takes what the other parts leave.
void RestartPlanDialog::fitToScreen()
{
    const QWidget *over = parentWidget() ? parentWidget()->window() : this;
    const QRect room = over->screen()->availableGeometry();
    const QSize frame(16, 40); // the window manager's frame and title bar: not known before it is shown
    QSize want(std::min(1280, room.width() * 92 / 100), std::min(640, room.height() * 9 / 10));
    if (over != this) // not wider than the main window needs, when it is smaller than the screen
        want.setWidth(std::min(want.width(), std::max(over->width(), 900)));
    resize(want.expandedTo(minimumSizeHint()).boundedTo(room.size() - frame));
}

// Operation, Verdict, Parameters, Server, Evidence share the table's width in proportion; the Id has the rest, and
// a vertical scroll bar room of its own, so that no horizontal one is needed.
void RestartPlanDialog::fitColumns()
{
    const int width = m_table->viewport()->width() - (m_table->verticalScrollBar()->isVisible()
                                                          ? 0 : style()->pixelMetric(QStyle::PM_ScrollBarExtent));
    const QList<int> percent{17, 27, 19, 15, 14};
    int left = width;
    for (int c = 0; c < percent.size(); ++c) {
        m_table->horizontalHeader()->resizeSection(c, width * percent[c] / 100);
        left -= width * percent[c] / 100;
    }
    // The last section is only ever stretched wider by Qt, never narrower: its share is set here.
    m_table->horizontalHeader()->resizeSection(IdColumn, std::max(left, m_table->horizontalHeader()->minimumSectionSize()));
    fitRows();
}

// Each row as tall as its text, up to kMostLines lines: the tooltip has the rest.
void RestartPlanDialog::fitRows()
{
    m_table->resizeRowsToContents();
    const int most = kMostLines * m_table->fontMetrics().lineSpacing() + 6;
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->rowHeight(row) > most)
            m_table->setRowHeight(row, most);
}

// Centred on a main window larger than the screen, it would start off the screen: it is moved back onto it.
void RestartPlanDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (!event->spontaneous())
        fitColumns(); // the table's width is known once laid out
    const QRect room = screen()->availableGeometry();
    const QRect frame = frameGeometry();
    const QPoint at(std::clamp(frame.left(), room.left(), std::max(room.left(), room.right() + 1 - frame.width())),
                    std::clamp(frame.top(), room.top(), std::max(room.top(), room.bottom() + 1 - frame.height())));
    if (at != frame.topLeft())
        move(at);
}

// One reason for all; how many at once per server, how long between two starts, stop after a failure.
QWidget *RestartPlanDialog::createOptions()
{
    auto *box = new QWidget(this);
    m_reason = new QLineEdit(box);
    m_reason->setObjectName(QStringLiteral("restartReason"));
    m_reason->setPlaceholderText(tr("Required: why it is safe to run them again (recorded with each restart)"));
    connect(m_reason, &QLineEdit::textChanged, this, &RestartPlanDialog::updateButton);
    m_maxAtOnce = new QSpinBox(box);
    m_maxAtOnce->setObjectName(QStringLiteral("maxAtOnce"));
    m_maxAtOnce->setRange(1, 100);
    m_maxAtOnce->setValue(1);
    const QString maxTip = tr("How many restarts may be launched and not ended yet on one server; the next one starts "
                              "when one of them ends. Servers run side by side.");
    m_maxAtOnce->setToolTip(maxTip);
    m_wait = new QSpinBox(box);
    m_wait->setObjectName(QStringLiteral("waitBetweenStarts"));
    m_wait->setRange(0, 3600);
    m_wait->setSuffix(tr(" s"));
    const QString waitTip = tr("At least this long between two starts on one server, to let the service settle");
    m_wait->setToolTip(waitTip);
    m_stopOnFailure = new QCheckBox(tr("Stop if one fails (those already running go on)"), box);
    m_stopOnFailure->setObjectName(QStringLiteral("stopOnFailure"));
    auto *maxLabel = new QLabel(tr("Max at once per server"), box);
    maxLabel->setObjectName(QStringLiteral("maxAtOnceLabel"));
    maxLabel->setToolTip(maxTip);
    maxLabel->setBuddy(m_maxAtOnce);
    auto *waitLabel = new QLabel(tr("Wait between starts"), box);
    waitLabel->setObjectName(QStringLiteral("waitLabel"));
    waitLabel->setToolTip(waitTip);
    waitLabel->setBuddy(m_wait);
    auto *pace = new QHBoxLayout;
    pace->addWidget(m_maxAtOnce);
    pace->addSpacing(24);
    pace->addWidget(waitLabel);
    pace->addWidget(m_wait);
    pace->addStretch(1);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Reason"), m_reason);
    form->addRow(maxLabel, pace);
    form->addRow(QString(), m_stopOnFailure); // a row of its own: the dialog fits a 1024-pixel screen
    return box;
}

// Each agent once (its sources share its catalog), and the local catalog once.
void RestartPlanDialog::askForActions(Restarter *restarter)
{
    std::set<uint16_t> slots;
    for (const uint32_t op : m_ops)
        if (op < m_data->operationCount() && m_data->exists(op))
            slots.insert(m_data->source(op));
    std::set<std::pair<RestartSource::Kind, QString>> asked;
    for (const uint16_t slot : slots) {
        const RestartSource &source = m_sources[slot];
        if (!asked.emplace(source.kind, source.server).second)
            continue;
        const bool asking = restarter->askActions(m_data->events().sourceName(slot), source, this,
                                                  [this](const RestartSource &known, const QString &problem) {
            takeActions(known, problem);
        });
        if (asking) {
            ++m_asking;
            m_askingWhom << source.actionsFrom;
            m_askingServers << source.server;
        }
    }
    updateAskingLabel();
    updateButton();
}

void RestartPlanDialog::takeActions(const RestartSource &known, const QString &problem)
{
    --m_asking;
    m_askingWhom.removeOne(known.actionsFrom);
    m_askingServers.removeOne(known.server);
    if (!problem.isEmpty())
        m_problems << problem;
    for (RestartSource &source : m_sources) {
        if (source.kind != known.kind || source.server != known.server)
            continue;
        source.actionsKnown = known.actionsKnown;
        source.actions = known.actions;
        source.why = known.why;
    }
    updateAskingLabel();
    updatePlan();
}

void RestartPlanDialog::updateAskingLabel()
{
    QStringList lines;
    if (!m_askingWhom.isEmpty())
        lines << tr("<i>Reading what %1 can run…</i>").arg(m_askingWhom.join(tr(", ")).toHtmlEscaped());
    for (const QString &problem : std::as_const(m_problems))
        lines << QStringLiteral("<span style='color:%1'>%2. The agent checks each restart again when it is sent.</span>")
                     .arg(kRefusedColor.name(), problem.toHtmlEscaped());
    m_askingLabel->setText(lines.join(QStringLiteral("<br>")));
    m_askingLabel->setVisible(!lines.isEmpty());
}

void RestartPlanDialog::updatePlan()
{
    m_plan = makeRestartPlan(*m_data, m_ops, m_sources, TimeDisplay::instance().utc());
    fillTable();
    updateButton();
}

void RestartPlanDialog::fillTable()
{
    const QString summary = isAsking() ? tr("%1 so far").arg(planSummary(m_plan)) : planSummary(m_plan);
    m_summary->setText(QStringLiteral("<b>%1</b>").arg(summary.toHtmlEscaped()));
    m_table->setRowCount(int(m_plan.size()));
    for (int row = 0; row < int(m_plan.size()); ++row) {
        const PlanItem &item = m_plan[size_t(row)];
        const bool waiting = item.canRestart() && m_askingServers.contains(item.server);
        const QString verdict = waiting ? tr("waiting for its actions…") : item.canRestart() ? tr("will restart") : item.refusal;
        const QStringList cells{item.module + QLatin1Char(' ') + item.name, verdict, parametersText(item.parameters),
                                serverText(item), item.evidence, item.operationId};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *cell = new QTableWidgetItem(cells[column]);
            cell->setToolTip(cells[column]); // the whole text of what the column elides
            m_table->setItem(row, column, cell);
        }
        m_table->item(row, ParametersColumn)->setToolTip(item.parameters); // as they are sent, `origin` included
        m_table->item(row, OperationColumn)->setIcon(statusIcon(item.status));
        m_table->item(row, VerdictColumn)->setForeground(waiting ? palette().color(QPalette::PlaceholderText)
                                                         : item.canRestart() ? kWillRestartColor : kRefusedColor);
    }
    fitRows();
}

int RestartPlanDialog::toRestart() const
{
    return int(std::count_if(m_plan.begin(), m_plan.end(), [](const PlanItem &i) { return i.canRestart(); }));
}

// Run once every verdict is known: what an agent cannot run is said before, not after.
void RestartPlanDialog::updateButton()
{
    const int n = toRestart();
    m_run->setText(tr("Restart %1").arg(n));
    m_run->setEnabled(n > 0 && !reason().isEmpty() && !isAsking());
    m_run->setToolTip(n == 0 ? tr("None of them can be restarted from here")
                      : isAsking() ? tr("Waiting for what the agents can run")
                      : reason().isEmpty() ? tr("Type a reason first") : QString());
}

QString RestartPlanDialog::reason() const
{
    return m_reason->text().trimmed();
}

BatchOptions RestartPlanDialog::options() const
{
    BatchOptions options;
    options.maxPerServer = m_maxAtOnce->value();
    options.staggerMs = m_wait->value() * 1000;
    options.stopOnFailure = m_stopOnFailure->isChecked();
    return options;
}

} // namespace oplens::ui
