#include "filterbar.h"

#include <QComboBox>

#include <array>
#include <bit>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace oplens::ui {

namespace {
enum Range { AllTime, Last24h, Last7d, Last30d, Custom };
constexpr int64_t kHour = 3600 * 1000;
// Qt 6.4's palette has no error role: the red the export dialog's problems use, readable on light and dark themes.
const QColor kErrorColor(0xC6, 0x28, 0x28);

QToolButton *pickerButton(const QString &text, QMenu *menu, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setMenu(menu);
    button->setPopupMode(QToolButton::InstantPopup);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}
} // namespace

FilterBar::FilterBar(QWidget *parent) : QWidget(parent)
{
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search module, name, id, user, parameters (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    // Room for a module and a name even on a 1024-pixel screen: the buttons beside it give way first.
    m_search->setMinimumWidth(std::max(220, m_search->fontMetrics().averageCharWidth() * 30));
    m_regex = new QToolButton(this);
    m_regex->setText(QStringLiteral(".*"));
    m_regex->setCheckable(true);
    m_regex->setToolTip(tr("Search with a regular expression"));
    m_moduleMenu = new QMenu(this);
    m_nameMenu = new QMenu(this);
    m_statusMenu = new QMenu(this);
    m_modules = pickerButton(tr("Modules"), m_moduleMenu, this);
    m_names = pickerButton(tr("Names"), m_nameMenu, this);
    m_statuses = pickerButton(tr("Status"), m_statusMenu, this);
    fillStatusMenu({});
    // The pickers stay open while several choices are ticked; Escape in the search field clears it.
    for (QMenu *menu : {m_moduleMenu, m_nameMenu, m_statusMenu})
        menu->installEventFilter(this);
    m_search->installEventFilter(this);
    m_sourcesButton = new QToolButton(this);
    m_sourcesButton->setObjectName(QStringLiteral("sourcesFilter"));
    m_sourcesButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_sourcesButton->hide();
    m_range = new QComboBox(this);
    m_range->addItems({tr("All time"), tr("Last 24 hours"), tr("Last 7 days"), tr("Last 30 days"), tr("Custom…")});

    m_patternError = new QLabel(this);
    m_patternError->setObjectName(QStringLiteral("patternError"));
    m_patternError->setContentsMargins(6, 0, 4, 4);
    m_patternError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_patternError->palette();
    errorPalette.setColor(QPalette::WindowText, kErrorColor);
    m_patternError->setPalette(errorPalette);
    m_patternError->hide();

    auto *rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(0);
    auto *layout = new QHBoxLayout;
    rows->addLayout(layout);
    rows->addWidget(m_patternError);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_modules);
    layout->addWidget(m_names);
    layout->addWidget(m_sourcesButton);
    layout->addWidget(m_statuses);
    layout->addWidget(m_range);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::emitChanged);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] { m_debounce.stop(); emitChanged(); });
    connect(m_regex, &QToolButton::toggled, this, &FilterBar::emitChanged);
    connect(m_sourcesButton, &QToolButton::clicked, this, [this] {
        setSources({}, {});
        emitChanged();
    });
    for (QMenu *menu : {m_moduleMenu, m_nameMenu, m_statusMenu})
        connect(menu, &QMenu::triggered, this, [this] { updateButtons(); emitChanged(); });
    connect(m_range, &QComboBox::activated, this, [this](int index) {
        if (index == Custom)
            chooseCustomRange();
        emitChanged();
    });
}

// Each choice's action holds its value in data(): the text may carry a count.
void FilterBar::fillMenu(QMenu *menu, const QStringList &items, const QStringList &checked)
{
    menu->clear();
    for (const QString &item : items) {
        QAction *action = menu->addAction(item);
        action->setData(item);
        action->setCheckable(true);
        action->setChecked(checked.contains(item));
    }
    if (items.isEmpty())
        menu->addAction(tr("(nothing loaded)"))->setEnabled(false);
}

// The statuses with their counts, after All and None.
void FilterBar::fillStatusMenu(const QStringList &checked)
{
    fillMenu(m_statusMenu, statusFlagNames(), checked);
    QAction *first = m_statusMenu->actions().value(0);
    QAction *all = new QAction(tr("All"), m_statusMenu);
    QAction *none = new QAction(tr("None"), m_statusMenu);
    all->setObjectName(QStringLiteral("statusAll"));
    none->setObjectName(QStringLiteral("statusNone"));
    connect(all, &QAction::triggered, this, [this] { checkAllStatuses(true); });
    connect(none, &QAction::triggered, this, [this] { checkAllStatuses(false); });
    m_statusMenu->insertActions(first, {all, none});
    m_statusMenu->insertSeparator(first);
    for (QAction *action : m_statusMenu->actions())
        if (action->isCheckable() && m_statusCounts.contains(action->data().toString()))
            action->setText(QStringLiteral("%1 (%2)").arg(action->data().toString()).arg(m_statusCounts.value(action->data().toString())));
}

void FilterBar::checkAllStatuses(bool on)
{
    for (QAction *action : m_statusMenu->actions())
        if (action->isCheckable())
            action->setChecked(on);
}

QStringList FilterBar::checkedIn(const QMenu *menu) const
{
    QStringList checked;
    for (const QAction *action : menu->actions())
        if (action->isCheckable() && action->isChecked())
            checked << action->data().toString();
    return checked;
}

void FilterBar::setStatusCounts(const DatasetSummary &summary)
{
    m_statusCounts.clear();
    for (const QString &name : statusFlagNames())
        m_statusCounts.insert(name, summary.countOf(statusFlagFromName(name)));
    fillStatusMenu(checkedIn(m_statusMenu));
}

bool FilterBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape && !m_search->text().isEmpty()) {
        m_search->clear();
        m_debounce.stop();
        emitChanged();
        return true;
    }
    auto *menu = qobject_cast<QMenu *>(watched);
    if (menu && event->type() == QEvent::MouseButtonRelease) {
        QAction *action = menu->actionAt(static_cast<QMouseEvent *>(event)->position().toPoint());
        if (action && action->isEnabled()) { // toggled or All/None in place: the menu stays open
            action->trigger(); // the menu's triggered() filters
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FilterBar::setChoices(const QStringList &modules, const QStringList &names)
{
    const QStringList wantedModules = m_pendingModules.isEmpty() ? checkedIn(m_moduleMenu) : m_pendingModules;
    const QStringList wantedNames = m_pendingNames.isEmpty() ? checkedIn(m_nameMenu) : m_pendingNames;
    m_pendingModules.clear();
    m_pendingNames.clear();
    fillMenu(m_moduleMenu, modules, wantedModules);
    fillMenu(m_nameMenu, names, wantedNames);
    updateButtons();
}

void FilterBar::updateButtons()
{
    const auto label = [](const QString &what, const QStringList &checked) {
        return checked.isEmpty() ? what : checked.size() == 1 ? checked.first() : QStringLiteral("%1 (%2)").arg(what).arg(checked.size());
    };
    m_modules->setText(label(tr("Modules"), checkedIn(m_moduleMenu)));
    m_names->setText(label(tr("Names"), checkedIn(m_nameMenu)));
    m_statuses->setText(label(tr("Status"), checkedIn(m_statusMenu)));
}

ViewFilter FilterBar::filter() const
{
    ViewFilter f;
    f.text = m_search->text();
    f.regex = m_regex->isChecked();
    if (!f.regexProblem().isEmpty()) { // an invalid pattern would match nothing: the last valid search stays
        f.text = m_appliedText;
        f.regex = m_appliedRegex;
    }
    f.sources = m_sources;
    f.modules = m_pendingModules.isEmpty() ? checkedIn(m_moduleMenu) : m_pendingModules;
    f.names = m_pendingNames.isEmpty() ? checkedIn(m_nameMenu) : m_pendingNames;
    for (const QString &status : checkedIn(m_statusMenu))
        f.statuses |= statusFlagFromName(status);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    switch (m_range->currentIndex()) {
    case Last24h: f.since = now - 24 * kHour; break;
    case Last7d: f.since = now - 7 * 24 * kHour; break;
    case Last30d: f.since = now - 30 * 24 * kHour; break;
    case Custom:
        f.since = m_customSince;
        f.until = m_customUntil;
        break;
    default: break;
    }
    return f;
}

void FilterBar::emitChanged()
{
    checkPattern();
    Q_EMIT changed(filter());
}

// Says under the bar why the regex typed is invalid and marks the field, or takes the search as the one applied.
void FilterBar::checkPattern()
{
    ViewFilter typed;
    typed.text = m_search->text();
    typed.regex = m_regex->isChecked();
    const QString problem = typed.regexProblem();
    if (problem.isEmpty()) {
        m_appliedText = typed.text;
        m_appliedRegex = typed.regex;
    }
    const QString text = problem.isEmpty() ? QString() : tr("Invalid regular expression: %1").arg(problem);
    m_patternError->setText(text);
    m_patternError->setVisible(!problem.isEmpty());
    m_search->setToolTip(text);
    m_search->setStyleSheet(problem.isEmpty() ? QString()
                                              : QStringLiteral("QLineEdit { border: 1px solid %1; border-radius: 2px; padding: 1px; }")
                                                    .arg(kErrorColor.name()));
}

void FilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FilterBar::clear()
{
    {
        const QSignalBlocker block(this);
        m_search->clear();
        m_regex->setChecked(false);
        m_pendingModules.clear();
        m_pendingNames.clear();
        for (QMenu *menu : {m_moduleMenu, m_nameMenu, m_statusMenu})
            for (QAction *action : menu->actions())
                action->setChecked(false);
        m_range->setCurrentIndex(AllTime);
        setSources({}, {});
        m_debounce.stop();
        updateButtons();
    }
    emitChanged();
}

void FilterBar::setSources(const QStringList &paths, const QString &label)
{
    m_sources = paths;
    m_sourcesLabel = paths.isEmpty() ? QString() : label;
    QStringList names;
    for (const QString &path : paths)
        names << path.section(QLatin1Char('/'), -1);
    m_sourcesButton->setText(tr("Server: %1 ✕").arg(label.isEmpty() ? names.join(QLatin1String(", ")) : label));
    m_sourcesButton->setToolTip(tr("Only the operations of %1; click to show every server's").arg(paths.join(QLatin1String(", "))));
    m_sourcesButton->setVisible(!paths.isEmpty());
}

void FilterBar::setFilter(const ViewFilter &filter, const QString &sourcesLabel)
{
    QJsonObject state{{QStringLiteral("text"), filter.text},
                      {QStringLiteral("regex"), filter.regex},
                      {QStringLiteral("modules"), QJsonArray::fromStringList(filter.modules)},
                      {QStringLiteral("names"), QJsonArray::fromStringList(filter.names)},
                      {QStringLiteral("sources"), QJsonArray::fromStringList(filter.sources)},
                      {QStringLiteral("sourcesLabel"), sourcesLabel}};
    QJsonArray statuses;
    for (const QString &name : statusFlagNames())
        if (filter.statuses & statusFlagFromName(name))
            statuses.append(name);
    state.insert(QStringLiteral("statuses"), statuses);
    if (filter.since != kNoTime || filter.until != kNoTime) {
        state.insert(QStringLiteral("range"), Custom);
        state.insert(QStringLiteral("customSince"), qint64(filter.since));
        state.insert(QStringLiteral("customUntil"), qint64(filter.until));
    }
    setState(state);
}

void FilterBar::setTimeRange(int64_t since, int64_t until)
{
    QJsonObject s = state();
    s.insert(QStringLiteral("range"), Custom);
    s.insert(QStringLiteral("customSince"), qint64(since));
    s.insert(QStringLiteral("customUntil"), qint64(until));
    setState(s);
}

void FilterBar::filterBy(const QString &field, const QString &value)
{
    QMenu *menu = field == QLatin1String("module") ? m_moduleMenu
                : field == QLatin1String("name")   ? m_nameMenu
                : field == QLatin1String("status") ? m_statusMenu
                                                   : nullptr;
    if (menu) {
        for (QAction *action : menu->actions())
            if (action->isCheckable())
                action->setChecked(action->data().toString() == value);
        if (menu == m_moduleMenu)
            m_pendingModules.clear();
        else if (menu == m_nameMenu)
            m_pendingNames.clear();
    } else {
        const QSignalBlocker block(m_search);
        m_search->setText(value);
        m_regex->setChecked(false);
    }
    m_debounce.stop();
    updateButtons();
    emitChanged();
}

void FilterBar::chooseCustomRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Time range"));
    auto *form = new QFormLayout(&dialog);
    const QDateTime now = QDateTime::currentDateTime();
    auto *from = new QDateTimeEdit(m_customSince != kNoTime ? QDateTime::fromMSecsSinceEpoch(m_customSince) : now.addDays(-1), &dialog);
    auto *to = new QDateTimeEdit(m_customUntil != kNoTime ? QDateTime::fromMSecsSinceEpoch(m_customUntil) : now, &dialog);
    for (QDateTimeEdit *edit : {from, to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    form->addRow(tr("From"), from);
    form->addRow(tr("To"), to);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted) {
        m_customSince = from->dateTime().toMSecsSinceEpoch();
        m_customUntil = to->dateTime().toMSecsSinceEpoch();
        m_range->setItemText(Custom, QStringLiteral("%1 – %2").arg(from->text(), to->text()));
    } else if (m_customSince == kNoTime) {
        m_range->setCurrentIndex(AllTime);
    }
}

void FilterBar::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("filter/state"), QJsonDocument(state()).toJson(QJsonDocument::Compact));
}

void FilterBar::restoreState(const QSettings &settings)
{
    setState(QJsonDocument::fromJson(settings.value(QStringLiteral("filter/state")).toByteArray()).object(), false);
}

int FilterBar::customRangeIndex() { return Custom; }

QJsonObject FilterBar::state() const
{
    return {{QStringLiteral("text"), m_search->text()},
            {QStringLiteral("regex"), m_regex->isChecked()},
            {QStringLiteral("modules"), QJsonArray::fromStringList(checkedIn(m_moduleMenu))},
            {QStringLiteral("names"), QJsonArray::fromStringList(checkedIn(m_nameMenu))},
            {QStringLiteral("statuses"), QJsonArray::fromStringList(checkedIn(m_statusMenu))},
            {QStringLiteral("range"), m_range->currentIndex()},
            {QStringLiteral("customSince"), qint64(m_customSince)},
            {QStringLiteral("customUntil"), qint64(m_customUntil)},
            {QStringLiteral("sources"), QJsonArray::fromStringList(m_sources)},
            {QStringLiteral("sourcesLabel"), m_sourcesLabel}};
}

void FilterBar::setState(const QJsonObject &state, bool notify)
{
    const auto strings = [&](const char *key) {
        QStringList list;
        for (const QJsonValue &v : state.value(QLatin1String(key)).toArray())
            list << v.toString();
        return list;
    };
    {
        const QSignalBlocker block(this);
        m_search->setText(state.value(QStringLiteral("text")).toString());
        m_regex->setChecked(state.value(QStringLiteral("regex")).toBool());
        m_pendingModules = strings("modules");
        m_pendingNames = strings("names");
        setSources(strings("sources"), state.value(QStringLiteral("sourcesLabel")).toString());
        const auto items = [](const QMenu *menu) {
            QStringList list;
            for (const QAction *action : menu->actions())
                if (action->isCheckable())
                    list << action->data().toString();
            return list;
        };
        fillMenu(m_moduleMenu, items(m_moduleMenu), m_pendingModules); // until setChoices() offers what is loaded
        fillMenu(m_nameMenu, items(m_nameMenu), m_pendingNames);
        fillStatusMenu(strings("statuses"));
        m_customSince = state.value(QStringLiteral("customSince")).toInteger(kNoTime);
        m_customUntil = state.value(QStringLiteral("customUntil")).toInteger(kNoTime);
        int range = state.value(QStringLiteral("range")).toInt(int(AllTime));
        if (range < 0 || range >= m_range->count() || (range == Custom && m_customSince == kNoTime))
            range = AllTime;
        m_range->setCurrentIndex(range);
        if (range == Custom) {
            const auto text = [](int64_t t) {
                return t == kNoTime ? QStringLiteral("…") : QDateTime::fromMSecsSinceEpoch(t).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
            };
            m_range->setItemText(Custom, QStringLiteral("%1 – %2").arg(text(m_customSince), text(m_customUntil)));
        }
        m_debounce.stop();
        updateButtons();
        m_appliedText.clear(); // a restored pattern that does not compile searches nothing, not the previous text
        m_appliedRegex = false;
        checkPattern();
    }
    if (notify)
        emitChanged();
}

} // namespace oplens::ui
