// enospc_shim: an LD_PRELOAD library for tst_runnerdisk where no small filesystem can be mounted (a container
// without CAP_SYS_ADMIN). While $OPLENS_TEST_ENOSPC names a file, every write() to that file fails with ENOSPC, as
// on a full disk; with $OPLENS_TEST_ENOSPC_SHORT=N it first writes N bytes and returns that short count, as a full
// disk does when the file's last block has room for part of the line. Other files are written as usual. No Qt.
#include <cerrno>
#include <cstdlib>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {

// Tells the test the shim is loaded (looked up with dlsym).
int oplens_enospc_shim_loaded = 1;

ssize_t write(int fd, const void *buffer, size_t count)
{
    using Write = ssize_t (*)(int, const void *, size_t);
    static const Write realWrite = reinterpret_cast<Write>(dlsym(RTLD_NEXT, "write"));
    const char *target = std::getenv("OPLENS_TEST_ENOSPC");
    struct stat wanted{}, actual{};
    if (target && *target && ::stat(target, &wanted) == 0 && ::fstat(fd, &actual) == 0
        && wanted.st_dev == actual.st_dev && wanted.st_ino == actual.st_ino) {
        const char *shortText = std::getenv("OPLENS_TEST_ENOSPC_SHORT");
        const long part = shortText ? std::strtol(shortText, nullptr, 10) : 0;
        if (part > 0 && size_t(part) < count)
            return realWrite(fd, buffer, size_t(part));
        errno = ENOSPC;
        return -1;
    }
    return realWrite(fd, buffer, count);
}

} // extern "C"
