#include "httpserver.h"

#include "clientaddress.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace oplens::agent {

namespace {

// Per connection (MHD's socket context): the target of the request being read, as it was sent.
struct ConnectionState {
    QByteArray target;
};

// MHD's memory pool per connection: the request line and header block are read into it, with a record per header
// line, and the answer's header is written from it. 64 KiB holds the largest request the limits allow (an 8 KiB
// target and 16 KiB of header in ordinary lines); one that does not fit at all (such as a thousand tiny header
// lines) is refused by MHD itself, 414 or 431. At most 256 connections: 16 MiB, mapped as they are used.
constexpr size_t kConnectionMemory = 64 * 1024;

// TLS 1.2 and 1.3 only (GnuTLS priority string).
constexpr const char *kTlsPriorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

QString peerAddress(MHD_Connection *connection)
{
    const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr)
        return {};
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(address)->sin_addr, text, sizeof text);
    } else if (address->sa_family == AF_INET6) {
        const in6_addr &v6 = reinterpret_cast<const sockaddr_in6 *>(address)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&v6))
            ::inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text);
        else
            ::inet_ntop(AF_INET6, &v6, text, sizeof text);
    }
    return QString::fromLatin1(text);
}

struct HeaderCollector {
    HttpHeaders *headers;
    size_t bytes = 0;
};

MHD_Result collectHeader(void *cls, MHD_ValueKind, const char *key, size_t keySize, const char *value, size_t valueSize)
{
    auto *collector = static_cast<HeaderCollector *>(cls);
    collector->headers->append({QByteArray(key, qsizetype(keySize)), QByteArray(value ? value : "", qsizetype(valueSize))});
    collector->bytes += keySize + valueSize + 4; // "Name: value\r\n"
    return MHD_YES;
}

void freeBody(void *body) { delete static_cast<QByteArray *>(body); }

MHD_Result queue(MHD_Connection *connection, HttpResponse response)
{
    auto *body = new QByteArray(std::move(response.body));
    MHD_Response *answer = MHD_create_response_from_buffer_with_free_callback_cls(size_t(body->size()), body->data(),
                                                                                 &freeBody, body);
    if (!answer) {
        delete body;
        return MHD_NO;
    }
    for (const auto &[key, value] : response.headers)
        MHD_add_response_header(answer, key.constData(), value.constData());
    const MHD_Result queued = MHD_queue_response(connection, unsigned(response.status), answer);
    MHD_destroy_response(answer); // MHD keeps its own reference until the answer is sent
    return queued;
}

} // namespace

struct HttpServer::Exchange {
    // Reading (MHD's thread) -> Held (suspended, the main thread's) -> Answered or Dropped (by the main thread)
    // -> Done (MHD's thread queued the answer or closed; or the request ended).
    enum class State { Reading, Held, Answered, Dropped, Done };

    std::mutex mutex; // guards state and answer
    State state = State::Reading;
    std::optional<HttpResponse> answer;
    MHD_Connection *connection = nullptr; // valid while Held: MHD closes no suspended connection
    int fd = -1;
    HttpRequest request; // MHD's thread while Reading; moved to the main thread when delivered
};

struct HttpServer::Callbacks {
    static void log(void *cls, const char *format, va_list arguments)
    {
        auto *server = static_cast<HttpServer *>(cls);
        char text[512];
        std::vsnprintf(text, sizeof text, format, arguments);
        std::lock_guard lock(server->m_logMutex);
        if (!server->m_started) // once running, its messages are about single clients: not worth a line each
            server->m_lastLog = QString::fromLocal8Bit(text).trimmed();
    }

    static void connection(void *, MHD_Connection *, void **socketContext, MHD_ConnectionNotificationCode code)
    {
        if (code == MHD_CONNECTION_NOTIFY_STARTED) {
            *socketContext = new ConnectionState;
        } else {
            delete static_cast<ConnectionState *>(*socketContext);
            *socketContext = nullptr;
        }
    }

    // Called when a request line is read, before its headers: keeps the target as sent (the query string for the
    // audit, the length for the 414).
    static void *requestLine(void *, const char *uri, MHD_Connection *connection)
    {
        const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (info && info->socket_context)
            static_cast<ConnectionState *>(info->socket_context)->target = QByteArray(uri);
        return nullptr; // the first call of access() then finds *context empty
    }

    static MHD_Result access(void *cls, MHD_Connection *connection, const char *url, const char *method,
                             const char *, const char *upload, size_t *uploadSize, void **context)
    {
        auto *server = static_cast<HttpServer *>(cls);
        auto *&holder = *reinterpret_cast<std::shared_ptr<Exchange> **>(context);
        if (!holder) // the headers are complete; nothing of the body is read yet
            return screen(server, connection, url, method, holder);
        const std::shared_ptr<Exchange> exchange = *holder;
        if (*uploadSize > 0) {
            // Content-Length was checked; only a chunked body can grow past the limit: the connection is closed.
            if (exchange->request.body.size() + qsizetype(*uploadSize) > qsizetype(server->m_limits.maxBody))
                return MHD_NO;
            exchange->request.body.append(upload, qsizetype(*uploadSize));
            *uploadSize = 0;
            return MHD_YES;
        }
        std::unique_lock lock(exchange->mutex);
        switch (exchange->state) {
        case Exchange::State::Reading: // the request is whole: to the main thread
            lock.unlock();
            return server->hold(exchange) ? MHD_YES : MHD_NO;
        case Exchange::State::Answered: { // resumed with the main thread's answer
            HttpResponse answer = std::move(*exchange->answer);
            exchange->answer.reset();
            exchange->state = Exchange::State::Done;
            lock.unlock();
            return queue(connection, std::move(answer));
        }
        default: // dropped by the main thread (its client left, or the server stops)
            exchange->state = Exchange::State::Done;
            return MHD_NO;
        }
    }

    static MHD_Result screen(HttpServer *server, MHD_Connection *connection, const char *url, const char *method,
                             std::shared_ptr<Exchange> *&holder)
    {
        auto exchange = std::make_shared<Exchange>();
        holder = new std::shared_ptr<Exchange>(exchange);
        exchange->connection = connection;
        if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD))
            exchange->fd = info->connect_fd;
        HttpRequest &request = exchange->request;
        request.method = method;
        request.path = url;
        QByteArray target = request.path;
        if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
            info && info->socket_context)
            target = static_cast<ConnectionState *>(info->socket_context)->target;
        if (const qsizetype question = target.indexOf('?'); question >= 0)
            request.query = target.mid(question + 1);
        HeaderCollector collector{&request.headers};
        MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &collectHeader, &collector);
        request.remote = clientAddress(peerAddress(connection), request.headers, server->m_trustedProxies);

        const Limits &limits = server->m_limits;
        std::optional<HttpResponse> refusal;
        if (size_t(target.size()) > limits.maxRequestTarget) {
            refusal = errorResponse(414, QStringLiteral("the request line is longer than %1 KiB").arg(limits.maxRequestTarget / 1024));
        } else if (collector.bytes > limits.maxHeaderBytes) {
            refusal = errorResponse(431, QStringLiteral("the header is larger than %1 KiB").arg(limits.maxHeaderBytes / 1024));
        } else if ((refusal = server->m_screen(request))) {
        } else if (const QByteArray length = request.header("Content-Length"); !length.isEmpty()) {
            bool ok = false;
            const qulonglong bytes = length.trimmed().toULongLong(&ok);
            if (ok && bytes > limits.maxBody)
                refusal = errorResponse(413, QStringLiteral("the body is larger than %1 KiB").arg(limits.maxBody / 1024));
        }
        if (!refusal)
            return MHD_YES; // MHD reads the body (or sends 100 Continue first), then calls access() again
        exchange->state = Exchange::State::Done;
        const int status = refusal->status;
        const MHD_Result queued = queue(connection, std::move(*refusal)); // before the body: MHD then closes
        server->reportRefusal(std::move(request), status);
        return queued;
    }

    static void completed(void *, MHD_Connection *, void **context, MHD_RequestTerminationCode)
    {
        auto *&holder = *reinterpret_cast<std::shared_ptr<Exchange> **>(context);
        if (!holder)
            return;
        {
            std::lock_guard lock((*holder)->mutex);
            (*holder)->state = Exchange::State::Done;
        }
        delete holder;
        holder = nullptr;
    }
};

QByteArray HttpRequest::header(const char *name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

HttpServer::HttpServer(Limits limits, Screen screen, Handler handler, Refused refused, QObject *parent)
    : QObject(parent), m_limits(limits), m_screen(std::move(screen)), m_handler(std::move(handler)),
      m_refused(std::move(refused))
{
}

HttpServer::~HttpServer() { stop(); }

// MHD's thread: hands a refusal to the main thread for the audit, unless kMaxQueuedRefusals already wait there: then
// it is only counted, and the next one handed over says how many were not.
void HttpServer::reportRefusal(HttpRequest &&head, int status)
{
    if (m_refusalsQueued.fetch_add(1) >= kMaxQueuedRefusals) {
        m_refusalsQueued.fetch_sub(1);
        m_refusalsNotReported.fetch_add(1);
        return;
    }
    head.headers.clear(); // up to 16 KiB each: the audit needs none of them
    head.body.clear();
    head.path.truncate(1024);
    head.query.truncate(1024);
    QMetaObject::invokeMethod(this, [this, head = std::move(head), status] {
        m_refusalsQueued.fetch_sub(1);
        const int notReported = m_refusalsNotReported.exchange(0);
        if (m_refused)
            m_refused(head, status, notReported);
    }, Qt::QueuedConnection);
}

HttpResponse HttpServer::errorResponse(int status, const QString &message, const HttpHeaders &headers)
{
    HttpResponse response{status, {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}}, {}};
    response.headers += headers;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    return response;
}

namespace {
// A bound, listening TCP socket for `address`:`port` (IPv6 only for an IPv6 address), or -1 with `why`.
int listeningSocket(const QHostAddress &address, quint16 port, QString *why)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        length = sizeof *in6;
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in4;
    }
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *why = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (v6)
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 || ::listen(fd, 128) != 0) {
        *why = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        return -1;
    }
    return fd;
}
} // namespace

QString HttpServer::listen(const QHostAddress &address, quint16 port, const QByteArray &certificatePem,
                           const QByteArray &keyPem)
{
    if (m_daemon)
        return QStringLiteral("already listening");
    const bool tls = !certificatePem.isEmpty() && !keyPem.isEmpty();
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return QStringLiteral("tls: this libmicrohttpd was built without TLS support");
    const QString where = QStringLiteral("%1:%2").arg(address.protocol() == QAbstractSocket::IPv6Protocol
                                                          ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                                                          : address.toString())
                              .arg(port);

    // The listening socket is made here, so that a failure says why (MHD would only say that it failed).
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    QString why;
    const int fd = listeningSocket(address, port, &why);
    if (fd < 0)
        return QStringLiteral("cannot listen on %1: %2").arg(where, why);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    if (tls)
        flags |= MHD_USE_TLS;
    if (v6)
        flags |= MHD_USE_IPv6;
    // MHD keeps pointers to these until it stops.
    m_certificate = certificatePem;
    m_key = keyPem;
    std::vector<MHD_OptionItem> options{
        {MHD_OPTION_LISTEN_SOCKET, fd, nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, intptr_t(m_limits.maxConnections), nullptr},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, intptr_t(m_limits.perAddress), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, intptr_t(m_limits.idleSeconds), nullptr},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, intptr_t(kConnectionMemory), nullptr},
        {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Callbacks::connection), this},
        {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&Callbacks::requestLine), this},
        {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Callbacks::completed), this},
    };
    if (tls) {
        options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char *>(m_certificate.constData())});
        options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char *>(m_key.constData())});
        options.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char *>(kTlsPriorities)});
    }
    options.push_back({MHD_OPTION_END, 0, nullptr});

    // MHD's thread starts with SIGPIPE blocked (a client gone mid-answer is an error there, never a signal that
    // ends the agent); this thread, and the processes it starts, keep theirs.
    sigset_t pipe, previous;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous);
    m_daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Callbacks::access, this,
                                MHD_OPTION_EXTERNAL_LOGGER, &Callbacks::log, this,
                                MHD_OPTION_ARRAY, options.data(), MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    std::lock_guard lock(m_logMutex);
    if (!m_daemon) {
        ::close(fd);
        return QStringLiteral("cannot serve on %1%2%3").arg(where, m_lastLog.isEmpty() ? QString() : QStringLiteral(": "), m_lastLog);
    }
    m_started = true;
    return {};
}

void HttpServer::stop()
{
    if (!m_daemon)
        return;
    std::set<std::shared_ptr<Exchange>> held;
    {
        std::lock_guard lock(m_heldMutex);
        m_stopping = true; // hold() suspends nothing more
        held.swap(m_held);
    }
    for (const std::shared_ptr<Exchange> &exchange : held) {
        bool resume = false;
        {
            std::lock_guard lock(exchange->mutex);
            if (exchange->state == Exchange::State::Held) {
                exchange->state = Exchange::State::Dropped;
                resume = true;
            }
        }
        if (resume)
            MHD_resume_connection(exchange->connection);
    }
    MHD_stop_daemon(m_daemon); // joins MHD's thread, closes every connection (and the listening socket)
    m_daemon = nullptr;
}

bool HttpServer::hold(const std::shared_ptr<Exchange> &exchange)
{
    {
        std::lock_guard lock(m_heldMutex);
        if (m_stopping)
            return false;
        {
            std::lock_guard exchangeLock(exchange->mutex);
            exchange->state = Exchange::State::Held;
        }
        MHD_suspend_connection(exchange->connection);
        m_held.insert(exchange);
    }
    QMetaObject::invokeMethod(this, [this, exchange] { deliver(exchange); }, Qt::QueuedConnection);
    return true;
}

void HttpServer::deliver(const std::shared_ptr<Exchange> &exchange)
{
    HttpRequest request;
    {
        std::lock_guard lock(exchange->mutex);
        if (exchange->state != Exchange::State::Held)
            return;
        request = std::move(exchange->request);
    }
    m_handler(std::move(request), HttpReply(this, exchange));
}

void HttpServer::release(const std::shared_ptr<Exchange> &exchange)
{
    std::lock_guard lock(m_heldMutex);
    m_held.erase(exchange);
}

void HttpReply::send(HttpResponse response) const { finish(std::move(response)); }

void HttpReply::drop() const { finish(std::nullopt); }

void HttpReply::finish(std::optional<HttpResponse> response) const
{
    if (!m_exchange)
        return;
    {
        std::lock_guard lock(m_exchange->mutex);
        if (m_exchange->state != HttpServer::Exchange::State::Held)
            return; // answered already, or the server stopped
        m_exchange->state = response ? HttpServer::Exchange::State::Answered : HttpServer::Exchange::State::Dropped;
        m_exchange->answer = std::move(response);
    }
    // Held until now, so the server has not stopped (stop() drops every held request first) and the connection is
    // still there (suspended).
    m_server->release(m_exchange);
    MHD_resume_connection(m_exchange->connection);
}

bool HttpReply::isOpen() const
{
    if (!m_exchange)
        return false;
    std::lock_guard lock(m_exchange->mutex);
    return m_exchange->state == HttpServer::Exchange::State::Held;
}

bool HttpReply::clientGone() const
{
    if (!m_exchange)
        return true;
    std::lock_guard lock(m_exchange->mutex);
    if (m_exchange->state != HttpServer::Exchange::State::Held)
        return true;
    // Suspended: MHD does not touch the socket. POLLRDHUP: the client closed its side (a TLS close_notify is data
    // and does not count; the FIN after it does).
    pollfd p{m_exchange->fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

} // namespace oplens::agent
