#include "remoteprobe.h"

#include "agentclient.h"
#include "eventstore.h"
#include "networkerror.h"
#include "oplogparser.h"
#include "sshread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>

#include <memory>

namespace oplens {

namespace {
constexpr int kProbeBytes = 64 * 1024;

QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

qint64 fileSize(QNetworkReply *reply, const QByteArray &body)
{
    const QByteArray range = reply->rawHeader("Content-Range");
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    return range.contains('/') ? range.mid(range.indexOf('/') + 1).toLongLong()
           : length.isValid()  ? length.toLongLong()
                               : body.size();
}

// The first bytes of a file of `total` bytes.
ProbeResult fileAnswer(qint64 total, const QByteArray &body)
{
    ProbeResult r;
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty()) {
        r.ok = true;
        r.message = QStringLiteral("Connected: the oplog is empty so far.");
        return r;
    }
    if (trimmed[0] != '{' && trimmed[0] != '[') {
        r.message = QStringLiteral("Not an oplog: the server sent \"%1…\" (an oplog starts with { or [).")
                        .arg(QString::fromUtf8(trimmed.left(40)).simplified());
        return r;
    }
    // Parse the complete lines received: enough to tell an oplog from another JSON file.
    EventStore store;
    store.addSource(QStringLiteral("probe"));
    const qsizetype end = body.lastIndexOf('\n');
    OplogParser parser(store, 0, trimmed[0] == '{' && end > 0 ? Container::Lines : Container::Unknown);
    parser.push(body.constData(), size_t(end > 0 && trimmed[0] == '{' ? end + 1 : body.size()));
    if (parser.container() == Container::Lines && parser.eventsRead() == 0 && !parser.problems().empty()) {
        r.message = QStringLiteral("Not an oplog: %1: %2").arg(parser.problems().front().place(), parser.problems().front().reason);
        return r;
    }
    r.ok = true;
    r.message = parser.container() == Container::Lines
                    ? QStringLiteral("Connected: an oplog of %1; its first %2 lines hold %3 events.")
                          .arg(sizeText(total)).arg(parser.nextLine() - 1).arg(parser.eventsRead())
                    : QStringLiteral("Connected: an oplog of %1.").arg(sizeText(total));
    return r;
}

ProbeResult agentAnswer(QNetworkReply *reply, const RemoteSpec &spec)
{
    ProbeResult r;
    const QJsonObject status = QJsonDocument::fromJson(reply->readAll()).object();
    QStringList logs;
    for (const QJsonValue &log : status.value(QStringLiteral("oplogs")).toArray())
        logs << log.toObject().value(QStringLiteral("id")).toString();
    if (!logs.contains(spec.log)) {
        r.message = QStringLiteral("The agent has no oplog \"%1\"; it serves: %2.").arg(spec.log, logs.join(QLatin1String(", ")));
        return r;
    }
    r.ok = true;
    r.message = QStringLiteral("Connected to the agent on %1; it serves %2.")
                    .arg(status.value(QStringLiteral("host")).toString(spec.url.host()), logs.join(QLatin1String(", ")));
    return r;
}

// The file's first bytes over SSH, with what ssh said when it could not.
void probeSsh(const RemoteSpec &spec, QObject *context, std::function<void(const ProbeResult &)> done)
{
    auto *read = new SshRead(spec.sshTarget(), context);
    auto body = std::make_shared<QByteArray>();
    QObject::connect(read, &SshRead::dataRead, context, [read, body] { *body += read->takeData(); });
    QObject::connect(read, &SshRead::finished, context, [read, body, done] {
        read->deleteLater();
        if (read->failure().problem != SshProblem::None) { // a sentence, as the web servers' answers are
            QString message = read->failure().message;
            message[0] = message[0].toUpper();
            done({false, message.endsWith(QLatin1Char('.')) ? message : message + QLatin1Char('.'), {}});
        }
        else
            done(fileAnswer(read->info().size, *body));
    });
    read->start(spec.sshPath(), 0, kProbeBytes);
}

} // namespace

void probeRemote(const RemoteSpec &spec, QNetworkAccessManager *network, QObject *context,
                 std::function<void(const ProbeResult &)> done)
{
    if (spec.kind == RemoteSpec::Kind::Ssh) {
        probeSsh(spec, context, std::move(done));
        return;
    }
    if (const QString why = spec.checkTransport(); !why.isEmpty()) {
        done({false, why, {}});
        return;
    }
    if (!spec.caFile.isEmpty() && QSslCertificate::fromPath(spec.caFile).isEmpty()) {
        done({false, QStringLiteral("The CA file %1 holds no PEM certificate.").arg(spec.caFile), {}});
        return;
    }
    const bool file = spec.kind == RemoteSpec::Kind::File;
    QNetworkReply *reply = nullptr;
    if (file) {
        QNetworkRequest request = remoteRequest(spec, spec.url);
        request.setTransferTimeout(15 * 1000);
        request.setRawHeader("Range", "bytes=0-" + QByteArray::number(kProbeBytes - 1));
        reply = sendRemote(network, request);
    } else {
        reply = AgentClient(spec, network).status();
    }
    reply->setReadBufferSize(kProbeBytes);
    // A server that ignores Range sends the whole file: the first kProbeBytes are enough, the rest is not fetched.
    auto body = std::make_shared<QByteArray>();
    auto enough = std::make_shared<bool>(false);
    if (file) {
        QObject::connect(reply, &QNetworkReply::readyRead, context, [reply, body, enough] {
            *body += reply->read(kProbeBytes - body->size());
            if (body->size() >= kProbeBytes && !*enough) {
                *enough = true;
                reply->abort();
            }
        });
    }
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, spec, done, file, body, enough] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        ProbeResult r;
        if ((reply->error() == QNetworkReply::NoError || *enough) && (status == 200 || status == 206))
        {
            const QByteArray start = *body + reply->read(kProbeBytes - body->size());
            r = file ? fileAnswer(fileSize(reply, start), start) : agentAnswer(reply, spec);
        }
        else if (file && status == 416)
            r = {true, QStringLiteral("Connected: the oplog is empty so far."), {}};
        else
            r = {false, describeNetworkFailure(reply, spec) + QLatin1Char('.'), certificateProblemOf(reply)};
        done(r);
    });
}

} // namespace oplens
