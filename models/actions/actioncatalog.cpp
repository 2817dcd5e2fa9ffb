#include "actioncatalog.h"

#include <QFile>
#include <nlohmann/json.hpp>

namespace oplens {

namespace {

using json = nlohmann::json;

QString placeholder(const QString &element)
{
    if (element.size() > 2 && element.startsWith(QLatin1Char('{')) && element.endsWith(QLatin1Char('}')))
        return element.mid(1, element.size() - 2);
    return {};
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool parseAction(const json &item, const QString &where, Action &action, QString *error)
{
    if (!item.is_object())
        return fail(error, QStringLiteral("%1: must be an object").arg(where));
    for (const auto &[key, value] : item.items()) {
        static const QStringList known{QStringLiteral("module"), QStringLiteral("name"), QStringLiteral("argv"),
                                       QStringLiteral("parameters"), QStringLiteral("timeoutSeconds"),
                                       QStringLiteral("maxConcurrent"), QStringLiteral("allowLeadingDash")};
        if (!known.contains(QString::fromStdString(key)))
            return fail(error, QStringLiteral("%1.%2: unknown key").arg(where, QString::fromStdString(key)));
    }
    for (const char *key : {"module", "name"}) {
        const auto it = item.find(key);
        if (it == item.end() || !it->is_string() || it->get<std::string>().empty())
            return fail(error, QStringLiteral("%1.%2: required, a non-empty string").arg(where, QLatin1String(key)));
    }
    action.module = QString::fromStdString(item["module"].get<std::string>());
    action.name = QString::fromStdString(item["name"].get<std::string>());
    const auto argv = item.find("argv");
    if (argv == item.end() || !argv->is_array() || argv->empty())
        return fail(error, QStringLiteral("%1.argv: required, a non-empty array of strings").arg(where));
    for (size_t i = 0; i < argv->size(); ++i) {
        if (!(*argv)[i].is_string() || (*argv)[i].get<std::string>().empty())
            return fail(error, QStringLiteral("%1.argv[%2]: must be a non-empty string").arg(where).arg(i));
        action.argv << QString::fromStdString((*argv)[i].get<std::string>());
    }
    if (!placeholder(action.argv.first()).isEmpty())
        return fail(error, QStringLiteral("%1.argv[0]: the program cannot be a parameter").arg(where));
    if (!action.argv.first().startsWith(QLatin1Char('/')))
        return fail(error, QStringLiteral("%1.argv[0]: must be an absolute path (no PATH lookup)").arg(where));
    if (const auto parameters = item.find("parameters"); parameters != item.end()) {
        if (!parameters->is_object())
            return fail(error, QStringLiteral("%1.parameters: must be an object of name: pattern").arg(where));
        for (const auto &[name, pattern] : parameters->items()) {
            const QString key = QStringLiteral("%1.parameters.%2").arg(where, QString::fromStdString(name));
            if (!pattern.is_string())
                return fail(error, QStringLiteral("%1: the pattern must be a string").arg(key));
            QRegularExpression re(QRegularExpression::anchoredPattern(QString::fromStdString(pattern.get<std::string>())));
            if (!re.isValid())
                return fail(error, QStringLiteral("%1: not a valid pattern: %2").arg(key, re.errorString()));
            action.parameters.append({QString::fromStdString(name), re});
        }
    }
    for (int i = 1; i < action.argv.size(); ++i) {
        const QString name = placeholder(action.argv[i]);
        if (name.isEmpty())
            continue;
        const bool declared = std::any_of(action.parameters.begin(), action.parameters.end(),
                                          [&](const auto &p) { return p.first == name; });
        if (!declared)
            return fail(error, QStringLiteral("%1.argv[%2]: {%3} has no pattern in parameters").arg(where).arg(i).arg(name));
    }
    for (const auto &[key, target] : {std::pair{"timeoutSeconds", &action.timeoutSeconds}, std::pair{"maxConcurrent", &action.maxConcurrent}}) {
        const auto it = item.find(key);
        if (it == item.end())
            continue;
        if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 10'000'000)
            return fail(error, QStringLiteral("%1.%2: must be a positive integer").arg(where, QLatin1String(key)));
        *target = int(it->get<int64_t>());
    }
    if (const auto it = item.find("allowLeadingDash"); it != item.end()) {
        if (!it->is_boolean())
            return fail(error, QStringLiteral("%1.allowLeadingDash: must be true or false").arg(where));
        action.allowLeadingDash = it->get<bool>();
    }
    return true;
}

} // namespace

std::optional<ActionCatalog> ActionCatalog::parse(std::string_view text, QString *error, const QString &where)
{
    const json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
        fail(error, QStringLiteral("%1: not valid JSON").arg(where));
        return std::nullopt;
    }
    const json *list = &parsed;
    if (parsed.is_object()) {
        const auto it = parsed.find("actions");
        if (it == parsed.end()) {
            fail(error, QStringLiteral("%1: no \"actions\" array").arg(where));
            return std::nullopt;
        }
        list = &*it;
    }
    if (!list->is_array()) {
        fail(error, QStringLiteral("%1: must be an array of actions").arg(where));
        return std::nullopt;
    }
    ActionCatalog catalog;
    for (size_t i = 0; i < list->size(); ++i) {
        Action action;
        if (!parseAction((*list)[i], QStringLiteral("%1[%2]").arg(where).arg(i), action, error))
            return std::nullopt;
        if (catalog.find(action.module, action.name)) {
            fail(error, QStringLiteral("%1[%2]: a second action for %3 %4").arg(where).arg(i).arg(action.module, action.name));
            return std::nullopt;
        }
        catalog.m_actions.append(action);
    }
    return catalog;
}

std::optional<ActionCatalog> ActionCatalog::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    const QByteArray text = file.readAll();
    return parse(std::string_view(text.constData(), size_t(text.size())), error, path);
}

const Action *ActionCatalog::find(const QString &module, const QString &name) const
{
    for (const Action &a : m_actions)
        if (a.module == module && a.name == name)
            return &a;
    return nullptr;
}

std::optional<QStringList> ActionCatalog::argvFor(const Action &action, std::string_view parameters, QString *error)
{
    const json values = parameters.empty() ? json::object() : json::parse(parameters, nullptr, false);
    if (!values.is_object()) {
        fail(error, QStringLiteral("the operation's parameters are not an object"));
        return std::nullopt;
    }
    QStringList argv;
    argv.reserve(action.argv.size());
    for (int i = 0; i < action.argv.size(); ++i) {
        const QString name = i == 0 ? QString() : placeholder(action.argv[i]);
        if (name.isEmpty()) {
            argv << action.argv[i];
            continue;
        }
        const auto it = values.find(name.toStdString());
        if (it == values.end() || !it->is_string()) {
            fail(error, QStringLiteral("parameter \"%1\" is missing or not a string").arg(name));
            return std::nullopt;
        }
        const QString value = QString::fromStdString(it->get<std::string>());
        const auto pattern = std::find_if(action.parameters.begin(), action.parameters.end(),
                                          [&](const auto &p) { return p.first == name; });
        if (pattern == action.parameters.end() || !pattern->second.match(value).hasMatch()) {
            fail(error, QStringLiteral("parameter \"%1\" does not match its pattern").arg(name));
            return std::nullopt;
        }
        // A program would take it as an option ("--delete-all"): refused unless the action says its argv ends the
        // options first (a "--" before the parameter) and sets allowLeadingDash.
        if (value.startsWith(QLatin1Char('-')) && !action.allowLeadingDash) {
            fail(error, QStringLiteral("parameter %1 begins with '-': it could be taken as an option (the action allows "
                                       "it with \"allowLeadingDash\": true)").arg(name));
            return std::nullopt;
        }
        argv << value; // one argument, whatever it holds: no shell ever sees it
    }
    return argv;
}

} // namespace oplens
