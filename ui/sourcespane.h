// The Sources pane: each open oplog with its events, operations, skipped lines and their reasons, follow state.
#pragma once

#include "session.h"

#include <QWidget>

class QToolButton;
class QTreeWidget;

namespace oplens::ui {

class SourcesPane : public QWidget
{
    Q_OBJECT
public:
    explicit SourcesPane(Session *session, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }
    void refresh();

private:
    int currentSource() const;
    void updateButtons();

    const std::vector<size_t> &operationCounts(); // per source, counted again only when the data changed

    Session *m_session;
    QTreeWidget *m_tree;
    std::vector<size_t> m_operations;
    std::weak_ptr<const Dataset> m_counted; // what m_operations were counted on, and its size then
    size_t m_countedEvents = 0;
    QToolButton *m_follow, *m_assume, *m_remove;
};

} // namespace oplens::ui
