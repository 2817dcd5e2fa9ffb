#include "workspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace oplens {

namespace {
constexpr int kVersion = 1;

QString authName(RemoteSpec::Auth auth)
{
    switch (auth) {
    case RemoteSpec::Auth::Bearer: return QStringLiteral("bearer");
    case RemoteSpec::Auth::Basic: return QStringLiteral("basic");
    case RemoteSpec::Auth::None: break;
    }
    return QStringLiteral("none");
}

QJsonValue timeValue(int64_t t)
{
    return t == kNoTime ? QJsonValue() : QJsonValue(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODateWithMs));
}

QJsonObject filterObject(const ViewFilter &f)
{
    QJsonArray statuses;
    for (const QString &name : statusFlagNames())
        if (f.statuses & statusFlagFromName(name))
            statuses.append(name);
    return {{QStringLiteral("text"), f.text},
            {QStringLiteral("regex"), f.regex},
            {QStringLiteral("modules"), QJsonArray::fromStringList(f.modules)},
            {QStringLiteral("names"), QJsonArray::fromStringList(f.names)},
            {QStringLiteral("statuses"), statuses},
            {QStringLiteral("since"), timeValue(f.since)},
            {QStringLiteral("until"), timeValue(f.until)},
            {QStringLiteral("sources"), QJsonArray::fromStringList(f.sources)}};
}

QStringList strings(const QJsonValue &value, const QString &key, QString *error)
{
    QStringList list;
    if (value.isUndefined() || value.isNull())
        return list;
    if (!value.isArray()) {
        *error = QStringLiteral("filter.%1: a list of strings").arg(key);
        return list;
    }
    for (const QJsonValue &v : value.toArray()) {
        if (!v.isString()) {
            *error = QStringLiteral("filter.%1: a list of strings").arg(key);
            return {};
        }
        list << v.toString();
    }
    return list;
}

bool readFilter(const QJsonObject &o, ViewFilter *f, QString *error)
{
    f->text = o.value(QStringLiteral("text")).toString();
    f->regex = o.value(QStringLiteral("regex")).toBool();
    f->modules = strings(o.value(QStringLiteral("modules")), QStringLiteral("modules"), error);
    f->names = strings(o.value(QStringLiteral("names")), QStringLiteral("names"), error);
    f->sources = strings(o.value(QStringLiteral("sources")), QStringLiteral("sources"), error);
    for (const QString &name : strings(o.value(QStringLiteral("statuses")), QStringLiteral("statuses"), error)) {
        const uint32_t flag = statusFlagFromName(name);
        if (!flag) {
            *error = QStringLiteral("filter.statuses: unknown status \"%1\"").arg(name);
            return false;
        }
        f->statuses |= flag;
    }
    for (const char *key : {"since", "until"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            continue;
        const auto t = v.isDouble() ? std::optional<int64_t>(int64_t(v.toDouble())) : parseTimeArgument(v.toString());
        if (!t) {
            *error = QStringLiteral("filter.%1: neither ISO 8601 nor epoch milliseconds").arg(QLatin1String(key));
            return false;
        }
        (qstrcmp(key, "since") == 0 ? f->since : f->until) = *t;
    }
    return error->isEmpty();
}

QString resolved(const QDir &base, const QString &path)
{
    return path.isEmpty() ? path : QDir::cleanPath(base.absoluteFilePath(path));
}
} // namespace

std::optional<RemoteSpec> WorkspaceSource::remoteSpec(QString *error) const
{
    auto spec = RemoteSpec::fromUrl(location, error);
    if (!spec)
        return std::nullopt;
    if (spec->kind == RemoteSpec::Kind::File) {
        if (auth != RemoteSpec::Auth::None) // else what the URL says (a user in it means Basic)
            spec->auth = auth;
        if (!user.isEmpty())
            spec->user = user;
        if (spec->auth == RemoteSpec::Auth::Basic && spec->user.isEmpty()) {
            *error = QStringLiteral("%1: basic authentication needs a user").arg(location);
            return std::nullopt;
        }
    }
    if (spec->kind == RemoteSpec::Kind::Ssh && auth != RemoteSpec::Auth::None) {
        *error = QStringLiteral("%1: an ssh:// source takes no auth: ssh logs in with its own keys").arg(location);
        return std::nullopt;
    }
    spec->caFile = caFile;
    spec->sshConfig = sshConfig;
    return spec;
}

std::optional<Workspace> readWorkspace(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(4 << 20), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("%1: not a workspace (JSON: %2 at byte %3)")
                     .arg(path, parseError.error != QJsonParseError::NoError ? parseError.errorString() : QStringLiteral("not an object"))
                     .arg(parseError.offset);
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("oplensWorkspace")).toInt() != kVersion) {
        *error = QStringLiteral("%1: not an OpLens workspace (\"oplensWorkspace\": %2 is missing)").arg(path).arg(kVersion);
        return std::nullopt;
    }
    const QDir base = QFileInfo(path).absoluteDir();
    Workspace w;
    const QJsonArray sources = root.value(QStringLiteral("sources")).toArray();
    for (int i = 0; i < sources.size(); ++i) {
        const QJsonObject o = sources[i].toObject();
        WorkspaceSource s;
        const QString where = QStringLiteral("%1: sources[%2]").arg(path).arg(i);
        s.location = o.value(QStringLiteral("url")).toString();
        if (s.location.isEmpty()) {
            *error = QStringLiteral("%1.url: missing").arg(where);
            return std::nullopt;
        }
        if (s.location.startsWith(QLatin1String("file://")))
            s.location = QUrl(s.location).toLocalFile();
        if (!s.isRemote())
            s.location = resolved(base, s.location);
        const QString auth = o.value(QStringLiteral("auth")).toString(QStringLiteral("none"));
        if (auth == QLatin1String("bearer"))
            s.auth = RemoteSpec::Auth::Bearer;
        else if (auth == QLatin1String("basic"))
            s.auth = RemoteSpec::Auth::Basic;
        else if (auth != QLatin1String("none")) {
            *error = QStringLiteral("%1.auth: \"%2\" is none of none, bearer, basic").arg(where, auth);
            return std::nullopt;
        }
        if (s.location.startsWith(QLatin1String("agent+")))
            s.auth = RemoteSpec::Auth::Bearer;
        s.user = o.value(QStringLiteral("user")).toString();
        s.caFile = resolved(base, o.value(QStringLiteral("caFile")).toString());
        s.tokenFile = resolved(base, o.value(QStringLiteral("tokenFile")).toString());
        s.passwordFile = resolved(base, o.value(QStringLiteral("passwordFile")).toString());
        s.sshConfig = o.value(QStringLiteral("sshConfig")).toString();
        s.sshConfig = resolved(base, s.sshConfig.startsWith(QLatin1String("~/")) ? QDir::homePath() + s.sshConfig.mid(1) : s.sshConfig);
        s.follow = o.value(QStringLiteral("follow")).toBool(true);
        s.paused = o.value(QStringLiteral("paused")).toBool(false);
        s.assumeInterrupted = o.value(QStringLiteral("assumeInterrupted")).toBool(false);
        if (s.isRemote()) {
            QString why;
            if (!s.remoteSpec(&why)) {
                *error = QStringLiteral("%1.url: %2").arg(where, why);
                return std::nullopt;
            }
        }
        w.sources << s;
    }
    QString filterError;
    if (!readFilter(root.value(QStringLiteral("filter")).toObject(), &w.filter, &filterError)) {
        *error = QStringLiteral("%1: %2").arg(path, filterError);
        return std::nullopt;
    }
    w.console = root.value(QStringLiteral("console")).toObject();
    return w;
}

bool writeWorkspace(const QString &path, const Workspace &w, QString *error)
{
    QJsonArray sources;
    for (const WorkspaceSource &s : w.sources) {
        QJsonObject o{{QStringLiteral("url"), s.location}};
        if (s.isRemote()) {
            if (s.auth != RemoteSpec::Auth::None || !s.location.startsWith(QLatin1String("ssh://")))
                o.insert(QStringLiteral("auth"), authName(s.auth));
            if (!s.sshConfig.isEmpty())
                o.insert(QStringLiteral("sshConfig"), s.sshConfig);
            if (!s.user.isEmpty())
                o.insert(QStringLiteral("user"), s.user);
            if (!s.caFile.isEmpty())
                o.insert(QStringLiteral("caFile"), s.caFile);
            if (!s.tokenFile.isEmpty())
                o.insert(QStringLiteral("tokenFile"), s.tokenFile);
            if (!s.passwordFile.isEmpty())
                o.insert(QStringLiteral("passwordFile"), s.passwordFile);
            o.insert(QStringLiteral("paused"), s.paused);
        }
        o.insert(QStringLiteral("follow"), s.follow);
        o.insert(QStringLiteral("assumeInterrupted"), s.assumeInterrupted);
        sources.append(o);
    }
    const QJsonObject root{{QStringLiteral("oplensWorkspace"), kVersion},
                           {QStringLiteral("sources"), sources},
                           {QStringLiteral("filter"), filterObject(w.filter)},
                           {QStringLiteral("console"), w.console}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0
        || !file.commit()) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace oplens
