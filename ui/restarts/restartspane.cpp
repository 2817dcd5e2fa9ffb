#include "restartspane.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {

// What the Message column says: nothing when it only repeats the progress ("Finished" beside "finished"), the
// error alone when it starts with it ("Failed: disk full" beside "failed").
QString messageBeside(const BatchEntry &entry)
{
    const QString progress = progressName(entry.progress);
    if (entry.message.compare(progress, Qt::CaseInsensitive) == 0)
        return {};
    const QString prefix = progress + QStringLiteral(": ");
    return entry.message.startsWith(prefix, Qt::CaseInsensitive) ? entry.message.mid(prefix.size()) : entry.message;
}

QColor progressColor(RestartProgress progress)
{
    switch (progress) {
    case RestartProgress::Finished: return QColor(0x1B, 0x5E, 0x20);
    case RestartProgress::Failed:
    case RestartProgress::Refused: return QColor(0xB7, 0x1C, 0x1C);
    case RestartProgress::Queued:
    case RestartProgress::Running:
    case RestartProgress::Sending: return QColor(0x0D, 0x47, 0xA1);
    case RestartProgress::Waiting:
    case RestartProgress::NotStarted: break;
    }
    return QColor(0x61, 0x61, 0x61);
}

} // namespace

RestartsPane::RestartsPane(QWidget *parent) : QWidget(parent)
{
    m_header = new QLabel(tr("No restarts yet: select several notifications or operations, then Operation > Restart."), this);
    m_header->setObjectName(QStringLiteral("restartsHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("restartsTable"));
    m_table->setHorizontalHeaderLabels({tr("Operation"), tr("Progress"), tr("Message"), tr("Server"), tr("Id"), tr("New operation")});
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8); // as dense as the tables
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setToolTip(tr("Select a row to show its new operation (or the old one, before it is launched)"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QList<int> widths{260, 85, 300, 200, 130}; // the operation with its parameters, which tell runs apart
    for (int c = 0; c < widths.size(); ++c)
        m_table->horizontalHeader()->resizeSection(c, widths[c]);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("restartsSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stop = new QPushButton(tr("Stop remaining"), this);
    m_stop->setObjectName(QStringLiteral("stopRemaining"));
    m_stop->setToolTip(tr("Start no more of them; what was already launched goes on"));
    m_stop->setEnabled(false);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_batch)
            m_batch->stopRemaining(tr("not started: stopped by the admin"));
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (!m_batch || row < 0 || row >= int(m_batch->entries().size()))
            return;
        const BatchEntry &entry = m_batch->entries()[size_t(row)];
        Q_EMIT operationChosen(entry.recordedIn, entry.newId, entry.item.source, entry.item.operationId);
    });

    // The end's failures and refusals can be long: a few lines, then it scrolls, and the table keeps its room.
    auto *summaryArea = new QScrollArea(this);
    summaryArea->setObjectName(QStringLiteral("restartsSummaryArea"));
    summaryArea->setWidget(m_summary);
    summaryArea->setWidgetResizable(true);
    summaryArea->setFrameShape(QFrame::NoFrame);
    summaryArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    summaryArea->setMaximumHeight(5 * fontMetrics().lineSpacing() + 4);
    summaryArea->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(summaryArea, 1);
    bottom->addWidget(m_stop, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);
}

RestartsPane::~RestartsPane() = default;

bool RestartsPane::start(std::vector<PlanItem> plan, const QString &reason, const BatchOptions &options, LaunchRestart launch)
{
    if (isLaunching())
        return false;
    m_notes.clear();
    m_batch = std::make_unique<BatchRestart>(std::move(plan), reason, options, std::move(launch));
    connect(m_batch.get(), &BatchRestart::entryChanged, this, [this](int row) {
        fillRow(row);
        updateSummary();
    });
    connect(m_batch.get(), &BatchRestart::lookAgain, this, &RestartsPane::lookAgain);
    connect(m_batch.get(), &BatchRestart::allLaunched, this, &RestartsPane::updateSummary);
    connect(m_batch.get(), &BatchRestart::finished, this, [this] {
        updateSummary();
        Q_EMIT finished(m_batch->summary());
    });
    const QString pace = options.staggerMs > 0 ? tr("%1 at once per server, %2 s between starts").arg(options.maxPerServer).arg(options.staggerMs / 1000)
                                               : tr("%1 at once per server").arg(options.maxPerServer);
    m_header->setText(tr("<b>Reason:</b> %1 · %2%3")
                          .arg(reason.toHtmlEscaped(), pace, options.stopOnFailure ? tr(" · stops if one fails") : QString()));
    m_table->setRowCount(int(m_batch->entries().size()));
    for (int row = 0; row < m_table->rowCount(); ++row)
        fillRow(row);
    m_batch->start();
    updateSummary();
    return true;
}

void RestartsPane::observe(const Dataset &data)
{
    if (m_batch)
        m_batch->observe(data);
}

void RestartsPane::noteEnded(const QString &operationId, bool succeeded, const QString &why)
{
    if (m_batch)
        m_batch->noteEnded(operationId, succeeded, why);
}

void RestartsPane::noteOpened(const QString &source)
{
    m_notes << tr("Opened %1: the agent records its restarts there.").arg(source);
    updateSummary();
}

// "ZxPowerstore MoveBlobs · volume=/opt/store2": four runs of one action are told apart by their parameters.
void RestartsPane::fillRow(int row)
{
    const BatchEntry &entry = m_batch->entries()[size_t(row)];
    QString operation = entry.item.module + QLatin1Char(' ') + entry.item.name;
    if (const QString parameters = parametersText(entry.item.parameters); !parameters.isEmpty())
        operation += QStringLiteral(" · ") + parameters;
    const QStringList cells{operation, progressName(entry.progress), messageBeside(entry), serverText(entry.item),
                            entry.item.operationId, entry.newId};
    for (int column = 0; column < ColumnCount; ++column) {
        QTableWidgetItem *cell = m_table->item(row, column);
        if (!cell) {
            cell = new QTableWidgetItem;
            m_table->setItem(row, column, cell);
        }
        cell->setText(cells[column]);
        cell->setToolTip(cells[column]); // the whole of what the narrow dock elides
    }
    m_table->item(row, OperationColumn)->setToolTip(
        tr("%1 %2\nParameters: %3").arg(entry.item.module, entry.item.name,
                                        entry.item.parameters.isEmpty() ? tr("none") : entry.item.parameters));
    m_table->item(row, ProgressColumn)->setForeground(progressColor(entry.progress));
}

// "Refused: ZxGone Nothing (id): no action for …" and "Failed: ZxBackup SmartScan (old → new): why", one line each;
// the first few of each only, the table keeps its room.
QString RestartsPane::endedText(RestartProgress progress) const
{
    constexpr int kShown = 3;
    QStringList lines;
    int count = 0;
    for (const BatchEntry &entry : m_batch->entries()) {
        if (entry.progress != progress || ++count > kShown)
            continue;
        const QString what = entry.item.module + QLatin1Char(' ') + entry.item.name;
        const QString ids = entry.launched() ? tr("%1 → %2").arg(entry.item.operationId, entry.newId) : entry.item.operationId;
        const QString why = messageBeside(entry);
        const QString line = progress == RestartProgress::Failed ? tr("Failed: %1 (%2)").arg(what, ids)
                                                                 : tr("Refused: %1 (%2)").arg(what, ids);
        lines << (why.isEmpty() ? line : line + QStringLiteral(": ") + why);
    }
    if (count > kShown)
        lines << (progress == RestartProgress::Failed ? tr("and %1 more failed: their rows say why")
                                                      : tr("and %1 more refused: their rows say why")).arg(count - kShown);
    return lines.join(QLatin1Char('\n'));
}

void RestartsPane::updateSummary()
{
    m_stop->setEnabled(m_batch && m_batch->isLaunching());
    if (!m_batch)
        return;
    QStringList lines{(m_batch->isDone() ? tr("Done: %1") : tr("Restarts: %1")).arg(m_batch->summary())};
    if (m_batch->isDone())
        for (const RestartProgress ended : {RestartProgress::Failed, RestartProgress::Refused})
            if (const QString text = endedText(ended); !text.isEmpty())
                lines << text;
    lines << m_notes;
    m_summary->setText(lines.join(QLatin1Char('\n')));
}

} // namespace oplens::ui
