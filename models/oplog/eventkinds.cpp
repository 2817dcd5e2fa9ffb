#include "eventkinds.h"

#include <array>

namespace oplens {

namespace {
struct KindName { std::string_view type; EventKind kind; };
constexpr std::array<KindName, 7> kKinds{{
    {"Queued", EventKind::Queued}, {"Started", EventKind::Started}, {"Finished", EventKind::Finished},
    {"Failed", EventKind::Failed}, {"Aborted", EventKind::Aborted}, {"Interrupted", EventKind::Interrupted},
    {"ServiceStarted", EventKind::ServiceStarted},
}};
constexpr std::array<const char *, 7> kStatusNames{
    {"Queued", "Running", "Finished", "Failed", "Aborted", "Interrupted", "Unknown"}};
} // namespace

EventKind eventKindFromType(std::string_view type)
{
    for (const auto &k : kKinds)
        if (k.type == type)
            return k.kind;
    return EventKind::Other;
}

std::optional<Status> statusForKind(EventKind kind)
{
    switch (kind) {
    case EventKind::Queued: return Status::Queued;
    case EventKind::Started: return Status::Running;
    case EventKind::Finished: return Status::Finished;
    case EventKind::Failed: return Status::Failed;
    case EventKind::Aborted: return Status::Aborted;
    case EventKind::Interrupted: return Status::Interrupted;
    case EventKind::ServiceStarted:
    case EventKind::Other: break;
    }
    return std::nullopt;
}

QString statusName(Status status)
{
    return QString::fromLatin1(kStatusNames[static_cast<size_t>(status)]);
}

std::optional<Status> statusFromName(const QString &name)
{
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (name.compare(QLatin1String(kStatusNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<Status>(i);
    return std::nullopt;
}

} // namespace oplens
