// What the fuzz targets share: the input as a file, since the programs read files (an anonymous one in memory,
// named by its /proc path, so that a run writes nothing to disk).
#pragma once

#include <QString>

#include <cstddef>
#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

namespace fuzzinput {

class MemoryFile
{
public:
    MemoryFile(const uint8_t *data, size_t size) : m_fd(memfd_create("fuzz-input", MFD_CLOEXEC))
    {
        if (m_fd < 0)
            __builtin_trap(); // no input to give: a broken harness, not a finding
        for (size_t done = 0; done < size;) {
            const ssize_t n = write(m_fd, data + done, size - done);
            if (n <= 0)
                __builtin_trap();
            done += size_t(n);
        }
    }
    ~MemoryFile() { close(m_fd); }
    MemoryFile(const MemoryFile &) = delete;
    MemoryFile &operator=(const MemoryFile &) = delete;

    QString path() const { return QStringLiteral("/proc/self/fd/%1").arg(m_fd); }

private:
    int m_fd;
};

} // namespace fuzzinput
