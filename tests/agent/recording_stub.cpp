// recording_stub: the program the agent's tests configure as an action (by absolute path). Without a shell and
// without Qt, it appends its whole argv, as one JSON array on one line, to a record file, then prints, sleeps and
// exits as its options say. The record proves the exact argv the agent ran, and that it ran at all.
//
//   recording_stub [--record FILE] [--exit CODE] [--sleep-ms MS] [--print TEXT] [ARG]...
//
// The record file is FILE, or else $OPLENS_STUB_RECORD (the agent's environment reaches the programs it runs); with
// neither, nothing is recorded. Options are read up to the first argument that is not one of them; every argument,
// options included, is recorded.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {

std::string jsonString(const char *text)
{
    std::string out = "\"";
    for (const unsigned char *p = reinterpret_cast<const unsigned char *>(text); *p; ++p) {
        switch (*p) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (*p < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", *p);
                out += escaped;
            } else {
                out += char(*p); // UTF-8 passes through as it is
            }
        }
    }
    return out + "\"";
}

bool record(const char *path, int argc, char **argv)
{
    std::string line = "[";
    for (int i = 0; i < argc; ++i)
        line += (i ? "," : "") + jsonString(argv[i]);
    line += "]\n";
    const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, line.data(), line.size()) == ssize_t(line.size()); // one write: whole lines
    ::close(fd);
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    const char *recordPath = std::getenv("OPLENS_STUB_RECORD");
    int exitCode = 0;
    long sleepMs = 0;
    const char *say = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--record") == 0)
            recordPath = argv[i + 1];
        else if (std::strcmp(argv[i], "--exit") == 0)
            exitCode = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--sleep-ms") == 0)
            sleepMs = std::atol(argv[i + 1]);
        else if (std::strcmp(argv[i], "--print") == 0)
            say = argv[i + 1];
        else
            break;
    }
    if (recordPath && *recordPath && !record(recordPath, argc, argv)) {
        std::fprintf(stderr, "recording_stub: cannot record to %s: %s\n", recordPath, std::strerror(errno));
        return 125;
    }
    if (say) {
        std::printf("%s\n", say);
        std::fflush(stdout);
    }
    if (sleepMs > 0) {
        timespec left{sleepMs / 1000, (sleepMs % 1000) * 1000000L};
        while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
        }
    }
    return exitCode;
}
