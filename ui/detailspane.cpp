#include "detailspane.h"

#include "eventformat.h"
#include "statusstyle.h"
#include "timedisplay.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

namespace oplens::ui {

namespace {

constexpr int kOperationRole = Qt::UserRole + 1;


// A JSON value as tree items: objects and arrays open into children.
void addJson(QTreeWidgetItem *parent, const QString &key, const nlohmann::ordered_json &value)
{
    auto *item = new QTreeWidgetItem(parent, {key});
    if (value.is_object() || value.is_array()) {
        for (const auto &[k, v] : value.items())
            addJson(item, value.is_array() ? QStringLiteral("[%1]").arg(QString::fromStdString(k)) : QString::fromStdString(k), v);
        if (value.empty())
            item->setText(1, value.is_array() ? QStringLiteral("[]") : QStringLiteral("{}"));
    } else {
        item->setText(1, QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump()));
    }
}

// A field as a key and its value; none when the value is empty.
void addField(QTreeWidgetItem *parent, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        new QTreeWidgetItem(parent, {key, value});
}

} // namespace

void DetailsPane::setHiddenByFilter(bool hidden)
{
    m_hidden->setVisible(hidden);
}

DetailsPane::DetailsPane(QWidget *parent) : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_reason = new QLabel(this);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hidden = new QLabel(tr("The current filter hides this operation from the tables."), this);
    m_hidden->setObjectName(QStringLiteral("detailsHiddenByFilter"));
    m_hidden->setWordWrap(true);
    m_hidden->setStyleSheet(QStringLiteral("QLabel { color: #5F3B00; font-style: italic; }"));
    m_hidden->hide();
    m_copyId = new QPushButton(tr("Copy id"), this);
    m_copyJson = new QPushButton(tr("Copy JSON"), this);
    m_copyJson->setToolTip(tr("Its events as {\"operationList\": [...]}"));
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("detailsTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    m_tree->header()->resizeSection(0, 170);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copyId);
    buttons->addWidget(m_copyJson);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_reason);
    layout->addWidget(m_hidden);
    layout->addLayout(buttons);
    layout->addWidget(m_tree, 1);

    connect(m_copyId, &QPushButton::clicked, this, [this] {
        if (m_data && m_data->exists(m_op))
            QApplication::clipboard()->setText(m_data->events().ids().qtext(m_op));
    });
    connect(m_copyJson, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(operationJson()); });
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QVariant op = item->data(0, kOperationRole);
        if (op.isValid())
            Q_EMIT operationRequested(op.toUInt());
    });
    clear();
}

void DetailsPane::clear()
{
    m_tree->clear();
    m_title->setText(tr("<i>Select an operation to see everything about it.</i>"));
    m_reason->hide();
    m_hidden->hide(); // nothing shown, nothing hidden
    m_copyId->setEnabled(false);
    m_copyJson->setEnabled(false);
}

QTreeWidgetItem *DetailsPane::section(const QString &title)
{
    auto *item = new QTreeWidgetItem(m_tree, {title});
    QFont font = item->font(0);
    font.setBold(true);
    item->setFont(0, font);
    item->setFirstColumnSpanned(true);
    item->setExpanded(true);
    return item;
}

void DetailsPane::addChainLink(QTreeWidgetItem *parent, const QString &label, uint32_t op)
{
    const EventStore &s = m_data->events();
    const Operation &o = m_data->operation(op);
    auto *item = new QTreeWidgetItem(parent, {label, QStringLiteral("%1 — %2, %3")
                                                         .arg(s.ids().qtext(op), statusName(o.status),
                                                              TimeDisplay::instance().format(o.startedAt))});
    item->setIcon(1, statusIcon(o.status));
    item->setData(0, kOperationRole, op);
    item->setToolTip(1, tr("Double-click or press Enter to show it"));
}

void DetailsPane::show(std::shared_ptr<const Dataset> data, uint32_t op, int64_t now)
{
    m_data = std::move(data);
    m_op = op;
    if (!m_data || !m_data->exists(op)) {
        clear();
        return;
    }
    const Dataset &d = *m_data;
    const bool stale = d.isStale(op, now);
    const QString status = statusLabel(d.operation(op).status, stale, d.isRestarted(op));
    showHeading(op, status, stale);
    m_tree->clear();
    addSummary(op, status, now);
    addParameters(op);
    addRestartChain(op, stale);
    addEvents(op);
}

// The title (module, name, status) and, for an Interrupted operation, why it counts as one.
void DetailsPane::showHeading(uint32_t op, const QString &status, bool stale)
{
    const Dataset &d = *m_data;
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    m_title->setText(QStringLiteral("<b>%1 %2</b> &nbsp; <span style='color:%3'>%4</span>")
                         .arg(s.string(d.module(op)).toHtmlEscaped(), s.string(d.name(op)).toHtmlEscaped(),
                              statusColor(o.status, stale).name(), status.toHtmlEscaped()));
    const QString reason = o.status == Status::Interrupted
        ? tr("Why interrupted: %1").arg(d.interruptionReason(op, TimeDisplay::instance().utc()))
        : QString();
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    m_copyId->setEnabled(true);
    m_copyJson->setEnabled(true);
}

void DetailsPane::addSummary(uint32_t op, const QString &status, int64_t now)
{
    const Dataset &d = *m_data;
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    QTreeWidgetItem *summary = section(tr("Operation"));
    addField(summary, tr("status"), status);
    if (const QString acked = m_acknowledgement ? m_acknowledgement(op, now) : QString(); !acked.isEmpty()) {
        // Beside the status: what someone is doing about it. Its comment may be longer than the pane is wide.
        auto *item = new QTreeWidgetItem(summary, {tr("acknowledged"), acked});
        item->setToolTip(1, acked);
    }
    addField(summary, tr("operationId"), s.ids().qtext(op));
    addField(summary, tr("source"), s.sourceName(d.source(op)));
    addField(summary, tr("host"), s.string(d.host(op)));
    addField(summary, tr("module"), s.string(d.module(op)));
    addField(summary, tr("name"), s.string(d.name(op)));
    addField(summary, tr("requestedBy"), s.string(s.requestedBy(o.firstRow)));
    addField(summary, tr("origin"), s.string(s.origin(o.firstRow)));
    addField(summary, tr("started"), TimeDisplay::instance().format(o.startedAt));
    addField(summary, tr("ended"), TimeDisplay::instance().format(o.endedAt));
    addField(summary, tr("duration"), TimeDisplay::duration(d.duration(op, now)));
    addField(summary, tr("events"), QString::number(o.eventCount));
    if (o.status == Status::Running)
        addField(summary, tr("stale after"),
                 TimeDisplay::duration(d.staleLimit(d.source(op), d.module(op), d.name(op))));
}

// The parameters of its latest event, as a tree; no section when it has none.
void DetailsPane::addParameters(uint32_t op)
{
    const EventStore &s = m_data->events();
    const uint32_t latest = m_data->operation(op).latestRow;
    if (s.parameters(latest).empty())
        return;
    QTreeWidgetItem *parameters = section(tr("Parameters"));
    const auto json = nlohmann::ordered_json::parse(s.parameters(latest), nullptr, false);
    if (json.is_object())
        for (const auto &[k, v] : json.items())
            addJson(parameters, QString::fromStdString(k), v);
}

// The operations it restarts, back to the first, then itself, then its restarts (at most 100 each way).
void DetailsPane::addRestartChain(uint32_t op, bool stale)
{
    const Dataset &d = *m_data;
    const EventStore &s = d.events();
    const Operation &o = d.operation(op);
    QTreeWidgetItem *chain = section(tr("Restart chain"));
    std::vector<uint32_t> back;
    for (uint32_t at = o.restartOf; at != kNone && d.exists(at) && back.size() < 100; at = d.operation(at).restartOf)
        back.push_back(at);
    for (auto it = back.rbegin(); it != back.rend(); ++it)
        addChainLink(chain, tr("restart of"), *it);
    if (o.restartOf != kNone && !d.exists(o.restartOf))
        addField(chain, tr("restart of"), tr("%1 (not in the loaded data)").arg(s.ids().qtext(o.restartOf)));
    auto *self = new QTreeWidgetItem(chain, {tr("this operation"), s.ids().qtext(op)});
    self->setIcon(1, statusIcon(o.status, stale));
    int forward = 0;
    for (uint32_t at = o.restartedAs; at != kNone && d.exists(at) && forward < 100; at = d.operation(at).restartedAs, ++forward)
        addChainLink(chain, tr("restarted as"), at);
    if (back.empty() && o.restartedAs == kNone && o.restartOf == kNone) {
        delete self;
        addField(chain, tr("none"), tr("not a restart, not restarted"));
    }
}

// Its events in order, each with every field and where it was read; the latest one open.
void DetailsPane::addEvents(uint32_t op)
{
    const EventStore &s = m_data->events();
    const std::vector<uint32_t> rows = m_data->rowsOf(op);
    const uint32_t latest = m_data->operation(op).latestRow;
    QTreeWidgetItem *events = section(tr("Events (%1)").arg(rows.size()));
    for (const uint32_t r : rows) {
        auto *item = new QTreeWidgetItem(events, {TimeDisplay::instance().format(s.time(r)), s.string(s.type(r))});
        if (const auto kindStatus = statusForKind(s.kind(r)))
            item->setIcon(1, statusIcon(*kindStatus));
        std::string json;
        appendEventJson(json, s, r, {});
        const auto parsed = nlohmann::ordered_json::parse(json, nullptr, false);
        if (parsed.is_object())
            for (const auto &[k, v] : parsed.items())
                addJson(item, QString::fromStdString(k), v);
        item->addChild(new QTreeWidgetItem({tr("(read from)"), tr("%1, line %2").arg(s.sourceName(s.source(r))).arg(s.position(r))}));
        item->setExpanded(r == latest);
    }
}

QString DetailsPane::operationJson() const
{
    if (!m_data || !m_data->exists(m_op))
        return {};
    std::string out = "{\"operationList\": [\n";
    const std::vector<uint32_t> rows = m_data->rowsOf(m_op);
    for (size_t i = 0; i < rows.size(); ++i) {
        appendEventJson(out, m_data->events(), rows[i], {});
        out.append(i + 1 < rows.size() ? ",\n" : "\n");
    }
    out.append("]}\n");
    return QString::fromStdString(out);
}

} // namespace oplens::ui
