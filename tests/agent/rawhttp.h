// A bare HTTP/1.1 client over POSIX sockets, for the agent's limit tests (tst_agentlimits) and its benchmark
// (tests/bench/agent_bench.cpp): it sends exactly the bytes it is given (an oversized header, a body a little at a
// time), from a chosen loopback source address (127.0.0.2, ...: the agent's limits are per client address), and
// reads one answer. Header only, Qt Core; every wait is bounded.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPair>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rawhttp {

struct Response {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
};

// Raises this process's soft limit on open files to `wanted` (at most the hard limit); returns the limit now.
inline rlim_t raiseFileLimit(rlim_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

class Connection
{
public:
    Connection() = default;
    ~Connection() { close(); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    Connection(Connection &&other) noexcept : m_fd(other.m_fd), m_buffer(std::move(other.m_buffer)) { other.m_fd = -1; }

    // Connects to 127.0.0.1:port from `source` (an address of 127.0.0.0/8; null: the kernel's choice). With `wait`
    // false it only starts connecting (non-blocking), for opening many at once.
    bool connect(quint16 port, const char *source = nullptr, bool wait = true, int timeoutMs = 3000)
    {
        close();
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (m_fd < 0)
            return false;
        if (source) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            ::inet_pton(AF_INET, source, &local.sin_addr);
            if (::bind(m_fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0)
                return false;
        }
        sockaddr_in remote{};
        remote.sin_family = AF_INET;
        remote.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0 && errno != EINPROGRESS)
            return false;
        if (!wait)
            return true;
        pollfd p{m_fd, POLLOUT, 0};
        if (::poll(&p, 1, timeoutMs) != 1)
            return false;
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return error == 0;
    }

    int fd() const { return m_fd; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        m_buffer.clear();
    }

    // Sends all of `bytes` within timeoutMs; false when the peer closed, reset, or would not take them in time.
    bool send(const QByteArray &bytes, int timeoutMs = 3000)
    {
        QElapsedTimer clock;
        clock.start();
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n > 0) {
                sent += n;
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return false;
            const int left = int(timeoutMs - clock.elapsed());
            pollfd p{m_fd, POLLOUT, 0};
            if (left <= 0 || ::poll(&p, 1, left) != 1 || (p.revents & (POLLERR | POLLHUP)))
                return false;
        }
        return true;
    }

    // Whether an answer (or the end of the connection) is waiting to be read, without waiting.
    bool readable(int timeoutMs = 0)
    {
        if (!m_buffer.isEmpty())
            return true;
        pollfd p{m_fd, POLLIN, 0};
        return ::poll(&p, 1, timeoutMs) == 1;
    }

    // Reads one answer (its body by Content-Length; none for HEAD). nullopt when the connection ended or failed
    // first, or nothing whole came within timeoutMs.
    std::optional<Response> read(int timeoutMs = 5000, bool head = false)
    {
        QElapsedTimer clock;
        clock.start();
        qsizetype end = -1;
        while ((end = m_buffer.indexOf("\r\n\r\n")) < 0)
            if (!fill(int(timeoutMs - clock.elapsed())))
                return std::nullopt;
        Response r;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        r.status = statusLine.value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
        }
        m_buffer.remove(0, end + 4);
        const qsizetype length = head ? 0 : r.header("Content-Length").toLongLong();
        while (m_buffer.size() < length)
            if (!fill(int(timeoutMs - clock.elapsed())))
                return std::nullopt;
        r.body = m_buffer.left(length);
        m_buffer.remove(0, length);
        return r;
    }

    // Waits until the peer ends the connection (EOF or reset), reading and dropping what it sends; false when it is
    // still open after timeoutMs.
    bool waitClosed(int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        char scratch[4096];
        while (clock.elapsed() < timeoutMs) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(timeoutMs - clock.elapsed())) != 1)
                continue;
            const ssize_t n = ::recv(m_fd, scratch, sizeof scratch, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return true;
        }
        return false;
    }

    // One whole request and its answer.
    std::optional<Response> request(const QByteArray &bytes, int timeoutMs = 5000, bool head = false)
    {
        if (!send(bytes, timeoutMs))
            return std::nullopt;
        return read(timeoutMs, head);
    }

private:
    bool fill(int timeoutMs)
    {
        if (timeoutMs <= 0)
            return false;
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) != 1)
            return false;
        char chunk[65536];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return n < 0 && (errno == EAGAIN || errno == EINTR);
        m_buffer.append(chunk, n);
        return true;
    }

    int m_fd = -1;
    QByteArray m_buffer;
};

// "GET PATH HTTP/1.1" with a Host and, when given, a bearer token and more header lines (each "Name: value").
inline QByteArray requestBytes(const QByteArray &method, const QByteArray &path, const QByteArray &token = {},
                               const QList<QByteArray> &lines = {}, const QByteArray &body = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    for (const QByteArray &line : lines)
        r += line + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

} // namespace rawhttp
