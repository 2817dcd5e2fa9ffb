// The actions that may be run (docs/agent.md sections 1 and 4): a whitelist of argv templates per module and name.
#pragma once

#include <QList>
#include <QPair>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <string_view>

namespace oplens {

struct Action {
    QString module, name;
    QStringList argv; // an element that is exactly `{param}` is replaced by that parameter, as one argument
    QList<QPair<QString, QRegularExpression>> parameters; // name -> pattern the whole value must match
    int timeoutSeconds = 0; // 0: no limit
    int maxConcurrent = 0;  // 0: no limit
    bool allowLeadingDash = false; // a parameter value may begin with '-' (the program must not take it as an option)
};

class ActionCatalog
{
public:
    // `json` is the actions array, or an object with an "actions" array; `where` names it in errors
    // ("actions" in a config file). Every error names the bad key: `actions[1].argv[0]: ...`.
    static std::optional<ActionCatalog> parse(std::string_view json, QString *error, const QString &where = QStringLiteral("actions"));
    static std::optional<ActionCatalog> load(const QString &path, QString *error);

    const QList<Action> &actions() const { return m_actions; }
    const Action *find(const QString &module, const QString &name) const;

    // The argv to run `action` with these parameters (a JSON object's text), or why not.
    static std::optional<QStringList> argvFor(const Action &action, std::string_view parameters, QString *error);

private:
    QList<Action> m_actions;
};

} // namespace oplens
