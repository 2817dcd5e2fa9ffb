// Asks before restarting several operations at once (issue 16): each with its server, parameters, verdict (it will
// restart, or why not) and the evidence of its interruption; what to check first; one reason for all; how fast (at
// most so many at once per server, a wait between two starts, stop once one fails). The agents' actions are asked for
// while it is open, and the verdicts follow their answers.
#pragma once

#include "batchrestart.h"
#include "restartplan.h"

#include <QDialog>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace oplens::ui {

class Restarter;

class RestartPlanDialog : public QDialog
{
    Q_OBJECT
public:
    // What the admin reads first on the left: what (its parameters tell runs apart), whether; then where, why it
    // ended, and the id, which only a tooltip needs to show whole.
    enum Column { OperationColumn, VerdictColumn, ParametersColumn, ServerColumn, EvidenceColumn, IdColumn, ColumnCount };

    // `ops` of `data` (a dataset kept as it is while the dialog is open).
    RestartPlanDialog(std::shared_ptr<const Dataset> data, std::vector<uint32_t> ops, Restarter *restarter,
                      QWidget *parent = nullptr);

    const std::vector<PlanItem> &plan() const { return m_plan; }
    int toRestart() const;
    bool isAsking() const { return m_asking > 0; }
    QString reason() const;
    BatchOptions options() const;

    QTableWidget *table() const { return m_table; }
    QLineEdit *reasonField() const { return m_reason; }
    QSpinBox *maxAtOnceField() const { return m_maxAtOnce; }
    QSpinBox *waitField() const { return m_wait; }
    QCheckBox *stopOnFailureField() const { return m_stopOnFailure; }
    QPushButton *runButton() const { return m_run; }
    QLabel *askingLabel() const { return m_askingLabel; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *createOptions();
    void fitToScreen();
    void fitColumns();
    void fitRows();
    void askForActions(Restarter *restarter);
    void takeActions(const RestartSource &known, const QString &problem);
    void updatePlan();
    void fillTable();
    void updateButton();
    void updateAskingLabel();

    std::shared_ptr<const Dataset> m_data;
    std::vector<uint32_t> m_ops;
    std::vector<RestartSource> m_sources; // by the dataset's source
    std::vector<PlanItem> m_plan;
    int m_asking = 0;
    QStringList m_askingWhom, m_problems;
    QStringList m_askingServers; // whose actions are not known yet: their verdicts wait
    QLabel *m_summary, *m_askingLabel;
    QTableWidget *m_table;
    QLineEdit *m_reason;
    QSpinBox *m_maxAtOnce, *m_wait;
    QCheckBox *m_stopOnFailure;
    QPushButton *m_run;
};

} // namespace oplens::ui
