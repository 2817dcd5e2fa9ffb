// File > Connect to Agent…: an agent's URL, its token and, for a private CA, the CA file.
#pragma once

#include "agentclient.h"

#include <QDialog>

class QLineEdit;

namespace oplens::ui {

class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    // The endpoint asked for, or nullopt with `error` set.
    std::optional<AgentEndpoint> endpoint(QString *error) const;

private:
    QLineEdit *m_url, *m_log, *m_token, *m_ca;
};

} // namespace oplens::ui
