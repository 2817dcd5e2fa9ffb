// The filter bar over the Operations and Events tabs: text, modules, names, statuses, time range.
#pragma once

#include "datasetsummary.h"

#include "viewfilter.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QJsonObject;
class QLabel;
class QLineEdit;
class QMenu;
class QSettings;
class QToolButton;

namespace oplens::ui {

class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    ViewFilter filter() const;
    void setChoices(const QStringList &modules, const QStringList &names); // what the pickers offer
    void focusSearch();
    void clear(); // shows everything
    // Only what `value` is: field "module", "name" or "status" picks it alone; "text" searches for it.
    void filterBy(const QString &field, const QString &value);
    // Exactly `filter`, e.g. one server's Interrupted operations from the Servers view; its sources are shown as a
    // button named `sourcesLabel` that clears them. A time range becomes a custom one.
    void setFilter(const ViewFilter &filter, const QString &sourcesLabel = {});
    // The time range alone becomes [since, until] (a custom one; kNoTime for both: all time); the rest of the filter
    // stays (the timeline's brush and its All time button).
    void setTimeRange(int64_t since, int64_t until);
    void saveState(QSettings &settings) const;
    void restoreState(const QSettings &settings);
    // The same state for a workspace: relative time ranges stay relative.
    QJsonObject state() const;
    void setState(const QJsonObject &state, bool notify = true);
    static int customRangeIndex(); // the state's "range" for customSince and customUntil
    QLineEdit *searchField() const { return m_search; }
    QMenu *statusMenu() const { return m_statusMenu; }
    QToolButton *regexButton() const { return m_regex; }
    QLabel *patternError() const { return m_patternError; } // under the bar while the regex typed is invalid
    // How many operations of `data` each status choice holds, shown in the status menu.
    void setStatusCounts(const DatasetSummary &summary); // counted in a worker (Session::summary())

Q_SIGNALS:
    void changed(const oplens::ViewFilter &filter);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void emitChanged();
    void fillMenu(QMenu *menu, const QStringList &items, const QStringList &checked);
    void fillStatusMenu(const QStringList &checked);
    void checkAllStatuses(bool on);
    QStringList checkedIn(const QMenu *menu) const;
    void updateButtons();
    void chooseCustomRange();
    void checkPattern();

    QLineEdit *m_search;
    QToolButton *m_regex, *m_modules, *m_names, *m_statuses;
    QMenu *m_moduleMenu, *m_nameMenu, *m_statusMenu;
    QComboBox *m_range;
    QTimer m_debounce;
    int64_t m_customSince = kNoTime, m_customUntil = kNoTime;
    QStringList m_pendingModules, m_pendingNames; // restored before the pickers have choices
    QStringList m_sources;     // source paths (ViewFilter::sources); empty = all
    QString m_sourcesLabel;    // what the admin knows them as ("mail3")
    QToolButton *m_sourcesButton; // "Server: mail3 ✕" while m_sources is set
    void setSources(const QStringList &paths, const QString &label);
    QHash<QString, size_t> m_statusCounts;         // by status choice, for the menu's texts
    // An invalid regex is said under the bar and not applied: the last valid search stays in force.
    QLabel *m_patternError;
    QString m_appliedText;
    bool m_appliedRegex = false;
};

} // namespace oplens::ui
