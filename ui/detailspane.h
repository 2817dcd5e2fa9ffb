// Everything about the selected operation: its fields, parameters, events and restart chain.
#pragma once

#include "dataset.h"

#include <QWidget>
#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace oplens::ui {

class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPane(QWidget *parent = nullptr);
    void show(std::shared_ptr<const Dataset> data, uint32_t op, int64_t now);
    uint32_t operation() const { return m_op; }
    // The current filter hides it from the tables: say so, so that an empty selection there does not puzzle.
    void setHiddenByFilter(bool hidden);
    QTreeWidget *tree() const { return m_tree; }
    QString operationJson() const; // {"operationList": [its events]}
    // Says an operation's acknowledgement ("acked by ops@example.com 10 min ago: …", or empty) in its summary.
    void setAcknowledgementText(std::function<QString(uint32_t op, int64_t now)> text) { m_acknowledgement = std::move(text); }

Q_SIGNALS:
    void operationRequested(uint32_t op); // a click on the restart chain

private:
    void clear();
    QTreeWidgetItem *section(const QString &title);
    void addChainLink(QTreeWidgetItem *parent, const QString &label, uint32_t op);
    // The sections of show(), in order.
    void showHeading(uint32_t op, const QString &status, bool stale);
    void addSummary(uint32_t op, const QString &status, int64_t now);
    void addParameters(uint32_t op);
    void addRestartChain(uint32_t op, bool stale);
    void addEvents(uint32_t op);

    std::shared_ptr<const Dataset> m_data;
    uint32_t m_op = 0xFFFFFFFFu;
    QLabel *m_title, *m_reason, *m_hidden;
    QPushButton *m_copyId, *m_copyJson;
    QTreeWidget *m_tree;
    std::function<QString(uint32_t, int64_t)> m_acknowledgement;
};

} // namespace oplens::ui
