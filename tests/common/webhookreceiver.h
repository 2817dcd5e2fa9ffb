// A webhook receiver for the alert tests and the agent's benchmark (header only): an HTTP/1.1 server on 127.0.0.1
// (QTcpServer, this thread's event loop) that records each request (method, path, headers, body) and answers it with
// the next status of `statuses` (200 when none is left), or holds it unanswered while `hold` is set. Given a TLS
// configuration (a certificate and key), it serves HTTPS (QSslServer) and its url() says https.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslServer>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace testservers {

struct ReceivedRequest {
    QByteArray method, path, body;
    QMap<QByteArray, QByteArray> headers; // names in lower case
};

class WebhookReceiver : public QObject
{
public:
    explicit WebhookReceiver(quint16 port = 0, const std::optional<QSslConfiguration> &tls = std::nullopt)
    {
        if (tls) {
            auto server = std::make_unique<QSslServer>();
            server->setSslConfiguration(*tls);
            m_server = std::move(server);
        } else {
            m_server = std::make_unique<QTcpServer>();
        }
        QTcpServer *server = m_server.get();
        QObject::connect(server, &QTcpServer::pendingConnectionAvailable, server, [this, server] {
            while (QTcpSocket *socket = server->nextPendingConnection())
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { readFrom(socket); });
        });
        server->listen(QHostAddress::LocalHost, port);
        m_scheme = tls ? QStringLiteral("https") : QStringLiteral("http");
    }

    quint16 port() const { return m_server->serverPort(); }
    QString url(const QString &path) const { return QStringLiteral("%1://127.0.0.1:%2%3").arg(m_scheme).arg(port()).arg(path); }

    QList<ReceivedRequest> received;
    QList<int> statuses; // answered in turn; 200 once empty
    bool hold = false;   // requests are recorded but not answered

private:
    void readFrom(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        ReceivedRequest request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = buffer.mid(headerEnd + 4, length);
        m_buffers.remove(socket);
        received.append(request);
        if (hold)
            return; // the socket stays open, unanswered
        const int status = statuses.isEmpty() ? 200 : statuses.takeFirst();
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        socket->disconnectFromHost();
    }

    std::unique_ptr<QTcpServer> m_server;
    QString m_scheme;
    QMap<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace testservers
