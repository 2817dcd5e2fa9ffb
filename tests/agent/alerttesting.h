// The alert tests' helpers (header only, tests/agent/tst_alerts.cpp): oplog lines, calls to the agent, what it left in
// its audit and state file, the messages mail_stub received, and the alerts config of a test.
#pragma once

#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include "testoplog.h"
#include "testservers.h"
#include "webhookreceiver.h"

namespace alerttesting {

using namespace Qt::StringLiterals;
using testfiles::readAll;
using testoplog::Event;
using testservers::Agent;
using testservers::kOperatorToken;
using testservers::ReceivedRequest;

inline const QString kMailStub = QStringLiteral(MAIL_STUB);
inline const QString kStub = QStringLiteral(RECORDING_STUB);
inline const QString kA = u"aaaaaaaa-1111-4111-8111-111111111111"_s;
inline const QString kB = u"bbbbbbbb-2222-4222-8222-222222222222"_s;
inline const QString kOld = u"0ld00000-3333-4333-8333-333333333333"_s; // interrupted before the agent's first start
inline const QByteArray kHookToken = "hook-9e1d-do-not-log-me";
inline const QString kSlackSecret = u"/hooks/T0SECRET/B0SECRET"_s;

inline qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

inline QByteArray started(const QString &id, qint64 at, const QString &module = u"ZxBackup"_s, const QString &name = u"SmartScan"_s)
{
    return Event(id, u"Started", at).module(module).name(name)
        .parameters({{u"origin"_s, u"Cron"_s}, {u"dataPath"_s, u"/backup/"_s + id.left(4)}})
        .set(u"host", u"mail1.example.com"_s).line();
}

inline QByteArray interrupted(const QString &id, qint64 at)
{
    return Event(id, u"Interrupted", at).set(u"error", u"killed by the OOM killer"_s).line();
}

inline QByteArray serviceStarted(qint64 at) { return Event(QString(), u"ServiceStarted", at).module(u"mailboxd").name(u"ServiceStarted").line(); }

struct Answer {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

inline Answer call(const QByteArray &method, const QString &url, const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setRawHeader("Authorization", "Bearer " + kOperatorToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    delete reply;
    return answer;
}

inline QJsonObject alertStatus(const Agent &agent) { return call("GET", agent.url() + u"/v1/status"_s).json().value(u"alerts"_s).toObject(); }

inline QJsonObject stateOf(const Agent &agent) { return QJsonDocument::fromJson(readAll(agent.audit + u".alerts.json"_s)).object(); }

// The state file holds `id` among the operations already alerted (or recorded at the first start).
inline bool known(const Agent &agent, const QString &id) { return readAll(agent.audit + u".alerts.json"_s).contains(id.toUtf8()); }

inline QList<QJsonObject> auditAlerts(const Agent &agent)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : readAll(agent.audit).split('\n'))
        if (const QJsonObject o = QJsonDocument::fromJson(line).object(); o.contains(u"alert"_s))
            lines << o;
    return lines;
}

inline QStringList mails(const QString &dir)
{
    QStringList texts;
    for (const QString &name : QDir(dir).entryList({u"*.eml"_s}, QDir::Files, QDir::Name))
        texts << QString::fromUtf8(readAll(dir + u'/' + name));
    return texts;
}

inline QString header(const QString &mail, const QString &name)
{
    const QRegularExpression line(u"^"_s + name + u": (.*)$"_s, QRegularExpression::MultilineOption);
    return line.match(mail.left(mail.indexOf(u"\n\n"_s))).captured(1);
}

inline QJsonArray alertsOf(const ReceivedRequest &request) { return QJsonDocument::fromJson(request.body).object().value(u"alerts"_s).toArray(); }

inline QJsonObject emailChannel(const QString &mailDir, const QStringList &extra = {})
{
    return {{u"sendmail"_s, QJsonArray::fromStringList(QStringList{kMailStub, u"--dir"_s, mailDir} + extra + QStringList{u"-t"_s, u"-i"_s})},
            {u"from"_s, u"oplensd@mail1.example.com"_s},
            {u"to"_s, QJsonArray{u"admins@example.com"_s, u"oncall@example.com"_s}}};
}

inline QJsonObject hook(const QString &url, const QString &format) { return {{u"url"_s, url}, {u"format"_s, format}}; }


} // namespace alerttesting
