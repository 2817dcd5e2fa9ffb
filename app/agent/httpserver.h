// oplensd's HTTP(S) listener: GNU libmicrohttpd (MHD) behind a small Qt-facing class. It knows nothing of the API:
// it enforces the limits (docs/agent.md section 1, "Limits"), asks a screen about each request as soon as its headers
// are complete, and hands whole requests to the Qt main thread.
//
// THREADS (the only place they are described; docs/agent.md points here)
//  1. MHD runs one internal thread (MHD_USE_INTERNAL_POLLING_THREAD, epoll). It accepts, reads, times out idle
//     connections, refuses what breaks the limits, and calls the access handler (httpserver.cpp).
//  2. When a request's headers are complete, before any byte of its body is read, that thread calls the Screen. The
//     screen runs on MHD's thread: it may use only what is safe there (the immutable config, state under its own
//     mutex). Returning a response refuses the request with it: a body is then never read (the connection closes).
//  3. An admitted request is read whole (its body at most Limits::maxBody), its connection is suspended
//     (MHD_suspend_connection) and the request is posted to the thread that owns the HttpServer (the Qt main thread,
//     where the Runner and the agent's state live) with QMetaObject::invokeMethod(Qt::QueuedConnection).
//  4. The Handler runs there and answers through its HttpReply, at once or later (a long-poll keeps the HttpReply).
//     HttpReply::send() stores the response in the request's Exchange under the Exchange's mutex and resumes the
//     connection (MHD_resume_connection, safe from any thread); MHD's thread then queues the response.
//  Why the resume is safe: a connection stays suspended from the moment its request is posted until the main thread
//  stores the answer, and MHD neither times out nor closes a suspended connection, so the main thread never resumes a
//  connection that is gone. Only the main thread moves an Exchange out of Suspended (send, drop, stop).
//  5. Refused (the screen's answer, 413, 414, 431) is posted to the main thread the same way, after the answer is
//     queued, for the audit.
//  6. stop() (main thread, also from the destructor) refuses new suspensions, closes every suspended request
//     (MHD forbids stopping with suspended connections), then stops MHD and joins its thread.
//  Locks: the set of suspended Exchanges has one mutex (MHD's thread adds under it, the main thread removes); each
//  Exchange has one. Neither is held while the main thread calls into MHD, nor while a callback of the owner runs.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <any>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

struct MHD_Daemon;

namespace oplens::agent {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method;  // as sent: GET, HEAD, POST, ...
    QByteArray path;    // percent-decoded, without the query
    QByteArray query;   // the query string as sent, without '?'
    HttpHeaders headers;
    QByteArray body;
    QString remote;     // the client's: the peer's address, or a trusted proxy's X-Forwarded-For (clientaddress.h);
                        // an IPv4-mapped IPv6 address as plain IPv4
    std::any admitted;  // what the screen attached to an admitted request (the agent: the caller)

    QByteArray header(const char *name) const; // the first with that name (any case), or empty
};

struct HttpResponse {
    int status = 200;
    HttpHeaders headers; // not Content-Length: the server sets it from the body
    QByteArray body;     // sent for every method but HEAD, whose answer has the same headers
};

class HttpReply;

class HttpServer : public QObject
{
    Q_OBJECT
public:
    struct Limits {
        unsigned maxConnections = 256;    // in all; more are refused (closed at once)
        unsigned perAddress = 32;         // from one client address
        unsigned idleSeconds = 30;        // a connection with nothing received (or sent) for that long is closed
        size_t maxRequestTarget = 8192;   // path and query: 414 beyond
        size_t maxHeaderBytes = 16384;    // header lines ("Name: value\r\n" each): 431 beyond
        size_t maxBody = 16384;           // 413 beyond, from Content-Length before any of it is read
    };
    // MHD's thread, headers complete, body unread: a response refuses the request; nullopt admits it (the screen may
    // set request.admitted).
    using Screen = std::function<std::optional<HttpResponse>(HttpRequest &head)>;
    // Main thread: each admitted request, whole. Answer through `reply`, now or later.
    using Handler = std::function<void(HttpRequest &&request, HttpReply reply)>;
    // Main thread: a request refused before the handler (the screen's refusals, 413, 414 and 431), once answered,
    // without its headers. `notReportedBefore` counts the refusals not handed over since the last call: at most
    // kMaxQueuedRefusals wait for the main thread, so a flood of refused requests costs no memory (a count instead).
    using Refused = std::function<void(const HttpRequest &head, int status, int notReportedBefore)>;
    static constexpr int kMaxQueuedRefusals = 256;

    HttpServer(Limits limits, Screen screen, Handler handler, Refused refused, QObject *parent = nullptr);
    ~HttpServer() override;

    // Starts listening, with TLS when both PEM texts are given (TLS 1.2 or 1.3, GnuTLS). Returns an error line, or
    // empty.
    QString listen(const QHostAddress &address, quint16 port, const QByteArray &certificatePem = {},
                   const QByteArray &keyPem = {});
    // Closes every held request and stops listening; idempotent.
    void stop();
    // Before listen(): a request from one of these has its client's address from X-Forwarded-For (clientaddress.h),
    // taken before the limits, the screen and the refusals' audit look at it.
    void setTrustedProxies(const QList<QHostAddress> &proxies) { m_trustedProxies = proxies; }

    // The listener's own refusals are in the agent's form: {"error": message}, as JSON.
    static HttpResponse errorResponse(int status, const QString &message, const HttpHeaders &headers = {});

    struct Exchange; // one request's state shared by MHD's thread and the main thread (httpserver.cpp)
    struct Callbacks; // the C callbacks MHD calls (httpserver.cpp)

private:
    void deliver(const std::shared_ptr<Exchange> &exchange);
    void reportRefusal(HttpRequest &&head, int status); // MHD's thread
    bool hold(const std::shared_ptr<Exchange> &exchange); // MHD's thread: suspends it, unless stopping
    void release(const std::shared_ptr<Exchange> &exchange); // main thread: no longer held
    friend class HttpReply;
    friend struct Callbacks;

    Limits m_limits;
    QList<QHostAddress> m_trustedProxies; // set before MHD's thread starts, read-only while it runs
    Screen m_screen;
    Handler m_handler;
    Refused m_refused;
    std::atomic<int> m_refusalsQueued{0}, m_refusalsNotReported{0};
    MHD_Daemon *m_daemon = nullptr;
    QByteArray m_certificate, m_key; // PEM, read by MHD while it runs
    std::mutex m_heldMutex; // guards the two below
    std::set<std::shared_ptr<Exchange>> m_held; // suspended, waiting for the main thread
    bool m_stopping = false;
    std::mutex m_logMutex;
    QString m_lastLog; // MHD's last message while starting
    bool m_started = false;
};

// The main thread's handle on one admitted request. Copyable; answering twice, or after stop(), does nothing.
class HttpReply
{
public:
    HttpReply() = default;
    void send(HttpResponse response) const;
    // Closes the connection without an answer (a long-poll whose client left).
    void drop() const;
    // Whether the client closed or reset its side while the request is held (checked without reading).
    bool clientGone() const;
    bool isOpen() const; // not answered or dropped yet

private:
    friend class HttpServer;
    friend struct HttpServer::Callbacks;
    HttpReply(HttpServer *server, std::shared_ptr<HttpServer::Exchange> exchange)
        : m_server(server), m_exchange(std::move(exchange)) {}
    void finish(std::optional<HttpResponse> response) const;

    HttpServer *m_server = nullptr;
    std::shared_ptr<HttpServer::Exchange> m_exchange;
};

} // namespace oplens::agent
