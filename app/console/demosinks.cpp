// Where the demo agent's alerts go (scripts/demo.sh, docs/agent.md section 7), so that a new user sees one arrive
// without a mail server or a chat: two small modes of oplens-demo, plain POSIX, no shell.
//   oplens-demo --sendmail FILE            reads one message on standard input (as sendmail -t would) and appends
//                                          it to FILE, after a separator line
//   oplens-demo --webhook-receiver PORT FILE   listens on 127.0.0.1:PORT; each POST's body is appended to FILE as
//                                          one line, and answered 200. Runs until killed.
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

bool appendToFile(const char *path, const std::string &text)
{
    const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()); // one write: whole entries
    ::close(fd);
    return ok;
}

// One request read whole (headers, then Content-Length bytes); false on a broken or oversized one.
bool readRequest(int client, std::string &body)
{
    std::string data;
    char buffer[16384];
    size_t headerEnd = std::string::npos;
    size_t length = 0;
    while (true) {
        if (headerEnd == std::string::npos && (headerEnd = data.find("\r\n\r\n")) != std::string::npos) {
            std::string head = data.substr(0, headerEnd);
            for (char &c : head)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            const size_t at = head.find("content-length:");
            length = at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 15, nullptr, 10);
            if (length > (1u << 20))
                return false;
        }
        if (headerEnd != std::string::npos && data.size() >= headerEnd + 4 + length) {
            body = data.substr(headerEnd + 4, length);
            return true;
        }
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0 || data.size() > (2u << 20))
            return false;
        data.append(buffer, size_t(n));
    }
}

} // namespace

int runSendmail(const char *file)
{
    std::string message;
    char buffer[65536];
    for (ssize_t n; (n = ::read(0, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 1;
        message.append(buffer, size_t(n));
    }
    if (!appendToFile(file, "======== message received by oplens-demo --sendmail ========\n" + message + "\n")) {
        std::fprintf(stderr, "oplens-demo: cannot write %s: %s\n", file, std::strerror(errno));
        return 1;
    }
    return 0;
}

int runWebhookReceiver(int port, const char *file)
{
    const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int yes = 1;
    ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (server < 0 || ::bind(server, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 || ::listen(server, 16) != 0) {
        std::fprintf(stderr, "oplens-demo: cannot listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
        return 1;
    }
    while (true) {
        const int client = ::accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            continue;
        timeval limit{10, 0};
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        std::string body;
        const bool ok = readRequest(client, body) && appendToFile(file, body + "\n");
        const char *answer = ok ? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                : "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        [[maybe_unused]] const ssize_t sent = ::send(client, answer, std::strlen(answer), MSG_NOSIGNAL);
        ::close(client);
    }
}
