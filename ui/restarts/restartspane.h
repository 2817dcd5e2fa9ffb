// The Restarts pane: a batch of restarts as it runs (issue 16), one row per operation with its progress (waiting,
// sending, queued, running, finished, failed, refused, not started) and why; Stop remaining, which never stops what
// was launched; the summary at the end with what failed or was refused and why. It stays open while the admin works elsewhere.
#pragma once

#include "batchrestart.h"

#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QTableWidget;

namespace oplens::ui {

class RestartsPane : public QWidget
{
    Q_OBJECT
public:
    // Progress and message first: the dock is narrow, and they are what changes.
    enum Column { OperationColumn, ProgressColumn, MessageColumn, ServerColumn, OldIdColumn, NewIdColumn, ColumnCount };

    explicit RestartsPane(QWidget *parent = nullptr);
    ~RestartsPane() override;

    // Runs `plan` as a new batch in place of the last one; false (nothing started) while the last one still waits to
    // launch some.
    bool start(std::vector<PlanItem> plan, const QString &reason, const BatchOptions &options, LaunchRestart launch);
    BatchRestart *batch() const { return m_batch.get(); }
    bool isLaunching() const { return m_batch && m_batch->isLaunching(); }
    // What the batch follows: the session's data after each change, and the local runner's ends.
    void observe(const Dataset &data);
    void noteEnded(const QString &operationId, bool succeeded, const QString &why);
    // The console opened `source` to see the restarts the agent records there.
    void noteOpened(const QString &source);

    QTableWidget *table() const { return m_table; }
    QPushButton *stopButton() const { return m_stop; }
    QLabel *summaryLabel() const { return m_summary; }

Q_SIGNALS:
    // A restart was just launched: observe() the data as it is now (BatchRestart::lookAgain).
    void lookAgain();
    // A row was chosen: its new operation (`source`, `id`), or the old one when there is no new one yet.
    void operationChosen(const QString &source, const QString &id, const QString &oldSource, const QString &oldId);
    void finished(const QString &summary); // all ended: "3 of 3 launched: 3 finished"

private:
    void fillRow(int row);
    void updateSummary();
    QString endedText(RestartProgress progress) const; // the failed or refused ones, and why

    std::unique_ptr<BatchRestart> m_batch;
    QLabel *m_header, *m_summary;
    QTableWidget *m_table;
    QPushButton *m_stop;
    QStringList m_notes;
};

} // namespace oplens::ui
