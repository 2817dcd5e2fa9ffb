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

    Session *m_session;
    QTreeWidget *m_tree;
    QToolButton *m_follow, *m_assume, *m_remove;
};

} // namespace oplens::ui
