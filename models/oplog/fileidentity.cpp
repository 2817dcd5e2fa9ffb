#include "fileidentity.h"

#include <QFile>
#include <sys/stat.h>

namespace oplens {

uint64_t fileIdentity(const QString &path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return (uint64_t(st.st_dev) << 32) ^ uint64_t(st.st_ino);
}

} // namespace oplens
