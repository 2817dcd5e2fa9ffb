// mail_stub: the `sendmail` the alert tests configure (by absolute path, run by the agent without a shell). It reads
// the whole message from standard input and writes it to a file of its own in a folder, then sleeps and exits as its
// options say. No Qt.
//
//   mail_stub --dir DIR [--sleep-ms MS] [--exit CODE] [--say TEXT] [ARG]...
//
// Each message is DIR/mail-SECONDS.NANOSECONDS-PID.eml (sorted by name: in the order they were received), written
// under a temporary name and renamed when whole, so a test never reads half a message. `--say` is printed on standard
// error (sendmail's complaint). Other arguments (-t, -i) are ignored.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *dir = nullptr, *say = nullptr;
    int exitCode = 0;
    long sleepMs = 0;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--dir") == 0)
            dir = argv[++i];
        else if (std::strcmp(argv[i], "--sleep-ms") == 0)
            sleepMs = std::atol(argv[++i]);
        else if (std::strcmp(argv[i], "--exit") == 0)
            exitCode = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--say") == 0)
            say = argv[++i];
    }
    std::string message;
    char buffer[65536];
    for (ssize_t n; (n = ::read(0, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 126;
        message.append(buffer, size_t(n));
    }
    if (dir) {
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        char name[512];
        std::snprintf(name, sizeof name, "%s/mail-%010ld.%09ld-%d.eml", dir, long(now.tv_sec), now.tv_nsec, int(::getpid()));
        const std::string partial = std::string(name) + ".part";
        const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || ::write(fd, message.data(), message.size()) != ssize_t(message.size()) || ::close(fd) != 0
            || ::rename(partial.c_str(), name) != 0) {
            std::fprintf(stderr, "mail_stub: cannot write %s: %s\n", name, std::strerror(errno));
            return 125;
        }
    }
    if (say)
        std::fprintf(stderr, "%s\nsecond line\n", say);
    if (sleepMs > 0) {
        timespec left{sleepMs / 1000, (sleepMs % 1000) * 1000000L};
        while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
        }
    }
    return exitCode;
}
