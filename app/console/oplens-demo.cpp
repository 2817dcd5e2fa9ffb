// oplens-demo: writes realistic demo operation logs (JSON Lines, oplog v1, see docs/oplog.md)
// for two servers, mail1.example.com and mail2.example.com, covering the four weeks that end at --now.
//
// Why: the console, the CLI and their tests need data that looks like a real Zextras/Zimbra log and
// holds every status exactly a known number of times. Each file has the nightly cron jobs
// (ZxBackup/SmartScan at 01:00 UTC, ZxPowerstore/MoveBlobs at 22:00 UTC), the monthly report on
// the 1st at 06:00 UTC, and a few admin-requested operations (Queued, Started, then a terminal event).
// The special cases, and nothing else unfinished:
//   mail1: one SmartScan Running (started 20 min before now, not stale);
//          a service crash about 3 days ago: a RestoreOnNewAccount and that night's SmartScan are
//          Started, then ZxCore ServiceStarted a few minutes later, so both read as Interrupted.
//   mail2: one MoveBlobs Failed ("volume secondary is full") about 9 days ago;
//          one MoveBlobs Started 6 h before now with no end (Stale: its finished runs take <= 15 min);
//          one admin DoExternalRestore Aborted ("aborted by admin@example.com").
// Output is deterministic for a given --now: fixed-seed std::mt19937 (fully specified by the
// standard) and our own range helpers instead of the library's distributions.
//
// Bigger logs for load and layout trials: --servers N adds mail3 … mailN (cron jobs, a few admin operations, every
// third one a crash during its nightly SmartScan) and --events N makes the logs about N events in all, with a longer
// history (up to a year) and, past that, a frequent ZxBackup Checkpoint job. Without them the output is the demo's.
//
// Usage: oplens-demo --out DIR [--now EPOCH_MS] [--servers N] [--events N]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using i64 = std::int64_t;
constexpr i64 kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;

std::string jsonString(const std::string &s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

using Params = std::vector<std::pair<std::string, std::string>>;

std::string jsonObject(const Params &kv) {
    std::string out = "{";
    for (const auto &p : kv) {
        if (out.size() > 1) out += ",";
        out += jsonString(p.first) + ":" + jsonString(p.second);
    }
    return out + "}";
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian, H. Hinnant's algorithm).
void civilFromDays(i64 z, int &y, int &m, int &d) {
    z += 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const i64 doe = z - era * 146097;
    const i64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const i64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const i64 mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

i64 floorDiv(i64 a, i64 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

std::string humanTime(i64 ms) { // "dd/MM/yyyy HH:mm:ss", UTC
    const i64 days = floorDiv(ms, kDay), rem = ms - days * kDay;
    int y, m, d;
    civilFromDays(days, y, m, d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d:%02d", d, m, y, static_cast<int>(rem / kHour),
                  static_cast<int>(rem % kHour / kMin), static_cast<int>(rem % kMin / kSec));
    return buf;
}

int dayOfMonth(i64 ms) {
    int y, m, d;
    civilFromDays(floorDiv(ms, kDay), y, m, d);
    return d;
}

struct Event {
    i64 t;
    std::string line;
};

class Server {
public:
    Server(std::string host, std::uint32_t seed) : host_(std::move(host)), rng_(seed) {}

    // Inclusive range, identical on every standard library (modulo bias is irrelevant here).
    i64 uni(i64 lo, i64 hi) { return lo + static_cast<i64>(rng_() % static_cast<std::uint32_t>(hi - lo + 1)); }

    std::string uuid() {
        unsigned char b[16];
        for (int i = 0; i < 16; i += 4) {
            const std::uint32_t w = rng_();
            for (int k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>(w >> (8 * k));
        }
        b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
        b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
        std::string s;
        char buf[4];
        for (int i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
            std::snprintf(buf, sizeof buf, "%02x", b[i]);
            s += buf;
        }
        return s;
    }

    // One operation: its events as (type, time) in order; `error` goes on the last event.
    void op(const std::string &module, const std::string &name, const Params &params, const std::string &by,
            const std::vector<std::pair<std::string, i64>> &evs, const std::string &error = "") {
        const std::string id = uuid(), p = jsonObject(params);
        const i64 opStart = evs.front().second;
        for (std::size_t i = 0; i < evs.size(); ++i) {
            const i64 t = evs[i].second;
            std::string l = "{\"module\":" + jsonString(module) + ",\"name\":" + jsonString(name) +
                            ",\"operationId\":" + jsonString(id) + ",\"parameters\":" + p +
                            ",\"OpStartTime\":" + std::to_string(opStart) + ",\"startTime\":" + std::to_string(t) +
                            ",\"requestedBy\":" + jsonString(by) + ",\"humanStartTime\":" + jsonString(humanTime(t)) +
                            ",\"type\":" + jsonString(evs[i].first) + ",\"host\":" + jsonString(host_);
            if (!error.empty() && i + 1 == evs.size()) l += ",\"error\":" + jsonString(error);
            events_.push_back({t, l + "}"});
        }
    }

    void serviceStarted(i64 t) {
        events_.push_back({t, "{\"module\":\"ZxCore\",\"name\":\"ServiceStarted\",\"type\":\"ServiceStarted\","
                              "\"startTime\":" + std::to_string(t) + ",\"humanStartTime\":" +
                                  jsonString(humanTime(t)) + ",\"host\":" + jsonString(host_) + "}"});
    }

    // Admin-requested operation: Queued, Started a few seconds later, then `end` after `dur`.
    void adminOp(const std::string &module, const std::string &name, const Params &params, i64 queued, i64 dur,
                 const std::string &end = "Finished", const std::string &error = "") {
        const i64 started = queued + uni(1 * kSec, 30 * kSec);
        op(module, name, params, "admin@example.com", {{"Queued", queued}, {"Started", started}, {end, started + dur}},
           error);
    }

    const std::string &host() const { return host_; }
    std::vector<Event> &events() { return events_; }

private:
    std::string host_;
    std::mt19937 rng_;
    std::vector<Event> events_;
};

const Params kSmartScan = {{"origin", "Cron"}, {"dataPath", "/opt/zimbra/backup/zextras/"}};
const Params kMoveBlobs = {{"origin", "Cron"}, {"volume", "secondary"}};

Params restoreParams(const std::string &user) {
    return {{"origin", "Admin"}, {"sourceAccount", user + "@example.com"},
            {"destinationAccount", user + ".restored@example.com"}};
}

// The nightly and monthly cron jobs of one server. Runs ending at or after `limit` are skipped
// (they would still be unfinished); the day `crashDay` (mail1) and `failDay` (mail2) are special.
void cronJobs(Server &s, i64 now, i64 limit, i64 crashDay, i64 failDay, i64 days = 28) {
    const i64 today = floorDiv(now, kDay) * kDay;
    for (i64 day = today - days * kDay; day <= today; day += kDay) {
        const i64 scan = day + 1 * kHour + s.uni(0, 4 * kSec);
        const i64 scanEnd = scan + s.uni(20 * kMin, 50 * kMin);
        if (day == crashDay) {
            s.op("ZxBackup", "SmartScan", kSmartScan, "zimbra", {{"Started", scan}});
            s.serviceStarted(scan + s.uni(6 * kMin, 9 * kMin)); // the crash came a few minutes after 01:00
        } else if (scan > now - days * kDay && scanEnd < limit) {
            s.op("ZxBackup", "SmartScan", kSmartScan, "zimbra", {{"Started", scan}, {"Finished", scanEnd}});
        }
        const i64 report = day + 6 * kHour + s.uni(0, 2 * kSec);
        if (dayOfMonth(day) == 1 && report > now - days * kDay && report + 12 * kSec < now)
            s.op("ZxAdmin", "DoMonthlyReportOperation", {{"origin", "Cron"}}, "zimbra",
                 {{"Started", report}, {"Finished", report + s.uni(8 * kSec, 12 * kSec)}});
        const i64 move = day + 22 * kHour + s.uni(0, 3 * kSec);
        if (day == failDay) {
            s.op("ZxPowerstore", "MoveBlobs", kMoveBlobs, "zimbra",
                 {{"Started", move}, {"Failed", move + s.uni(2 * kMin, 4 * kMin)}}, "volume secondary is full");
        } else {
            const i64 moveEnd = move + s.uni(5 * kMin, 15 * kMin);
            if (move > now - days * kDay && moveEnd < limit)
                s.op("ZxPowerstore", "MoveBlobs", kMoveBlobs, "zimbra", {{"Started", move}, {"Finished", moveEnd}});
        }
    }
}

// A time during office hours (09:00-16:00 UTC) on the day `daysAgo` days before today.
i64 officeHours(Server &s, i64 now, int daysAgo) {
    return floorDiv(now, kDay) * kDay - daysAgo * kDay + s.uni(9 * kHour, 16 * kHour);
}

// How big --servers and --events make the logs: the history's length, and how often the Checkpoint job runs.
struct Size {
    int servers = 2;
    i64 events = 0; // 0: the demo's own
    i64 days() const { return std::clamp<i64>(events / (servers * 4), 28, 365); }
    // Checkpoint runs (two events each) per server to reach `events`, beyond the ~4.3 events a day of the rest.
    i64 checkpoints() const { return std::max<i64>(0, (events / servers - days() * 43 / 10) / 2); }
};

void checkpoints(Server &s, i64 now, const Size &size);

// mail3 … mailN: the cron jobs, an admin operation every few days, a frequent Checkpoint job when asked, and on every
// third server a crash during the nightly SmartScan `index` days ago.
void extraServer(Server &s, int index, i64 now, const Size &size) {
    const i64 days = size.days();
    const i64 crashDay = index % 3 == 0 ? floorDiv(now - index * kDay, kDay) * kDay : -1;
    cronJobs(s, now, now, crashDay, -1, days);
    const char *const users[] = {"ivan", "judy", "mallory", "oscar", "peggy", "trent"};
    for (i64 ago = days - 1; ago > 0; ago -= s.uni(2, 6))
        s.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams(users[ago % 6]), officeHours(s, now, int(ago)),
                  s.uni(3 * kMin, 12 * kMin));
    checkpoints(s, now, size);
}

// The frequent job that makes a log as big as --events asks; nothing (and no random draw) without it.
void checkpoints(Server &s, i64 now, const Size &size) {
    const i64 days = size.days(), count = size.checkpoints();
    if (count == 0) return;
    const i64 step = std::max<i64>(kMin, days * kDay / count), from = now - days * kDay;
    for (i64 t = from + s.uni(0, step); t + 3 * kMin < now; t += step)
        s.op("ZxBackup", "Checkpoint", {{"origin", "Cron"}, {"scope", "incremental"}}, "zimbra",
             {{"Started", t}, {"Finished", t + s.uni(30 * kSec, 3 * kMin)}});
}

bool writeFile(const std::string &dir, Server &s) {
    auto &evs = s.events();
    std::stable_sort(evs.begin(), evs.end(), [](const Event &a, const Event &b) { return a.t < b.t; });
    const std::string path = (std::filesystem::path(dir) / (s.host() + ".jsonl")).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (const auto &e : evs) out << e.line << '\n';
    out.close();
    if (!out) {
        std::cerr << "oplens-demo: cannot write " << path << "\n";
        return false;
    }
    std::cout << "wrote " << path << " (" << evs.size() << " events)\n";
    std::vector<Event>().swap(evs); // a big log's lines are not kept once written
    return true;
}

int usage() {
    std::cerr << "usage: oplens-demo --out DIR [--now EPOCH_MS] [--servers N] [--events N]\n"
                 "       oplens-demo --sendmail FILE | --webhook-receiver PORT FILE   (the demo agent's alerts)\n";
    return 1;
}

} // namespace

int runSendmail(const char *file);                // demosinks.cpp
int runWebhookReceiver(int port, const char *file);

int main(int argc, char **argv) {
    if (argc == 3 && std::string(argv[1]) == "--sendmail")
        return runSendmail(argv[2]);
    if (argc == 4 && std::string(argv[1]) == "--webhook-receiver")
        return runWebhookReceiver(std::atoi(argv[2]), argv[3]);
    std::string dir;
    Size size;
    i64 now = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--out" && i + 1 < argc && argv[i + 1][0] != '\0') {
            dir = argv[++i];
        } else if (a == "--now" && i + 1 < argc) {
            const std::string v = argv[++i];
            if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos) return usage();
            now = std::stoll(v);
            if (now < 60 * kDay) return usage();
        } else if ((a == "--servers" || a == "--events") && i + 1 < argc) {
            const std::string v = argv[++i];
            if (v.empty() || v.size() > 10 || v.find_first_not_of("0123456789") != std::string::npos) return usage();
            if (a == "--servers") size.servers = std::stoi(v);
            else size.events = std::stoll(v);
            if (size.servers < 1 || size.servers > 999) return usage();
        } else {
            return usage();
        }
    }
    if (dir.empty()) return usage();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);

    // The nightly run nearest to "3 days ago" (01:00) and to "9 days ago" (22:00).
    const i64 crashDay = floorDiv(now - 3 * kDay - 1 * kHour + 12 * kHour, kDay) * kDay;
    const i64 failDay = floorDiv(now - 9 * kDay - 22 * kHour + 12 * kHour, kDay) * kDay;

    Server m1("mail1.example.com", 0x0b1e5001u);
    const i64 running = now - 20 * kMin;
    cronJobs(m1, now, running, crashDay, -1, size.days());
    m1.op("ZxBackup", "SmartScan", kSmartScan, "zimbra", {{"Started", running}});
    // Queued shortly before the crash, still running when the service died.
    const i64 q = crashDay + 52 * kMin + m1.uni(0, 60 * kSec);
    m1.op("ZxBackup", "RestoreOnNewAccount", restoreParams("frank"), "admin@example.com",
          {{"Queued", q}, {"Started", q + m1.uni(2 * kSec, 9 * kSec)}});
    m1.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams("alice"), officeHours(m1, now, 24), m1.uni(3 * kMin, 12 * kMin));
    m1.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams("bob"), officeHours(m1, now, 15), m1.uni(3 * kMin, 12 * kMin));
    m1.adminOp("ZxMobile", "ResetDevice", {{"origin", "Admin"}, {"account", "carol@example.com"}, {"deviceId", "androidc1764230211"}},
               officeHours(m1, now, 11), m1.uni(1 * kSec, 4 * kSec));
    m1.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams("dave"), officeHours(m1, now, 6), m1.uni(3 * kMin, 12 * kMin));

    Server m2("mail2.example.com", 0x0b1e5002u);
    const i64 stale = now - 6 * kHour;
    cronJobs(m2, now, stale, -1, failDay, size.days());
    m2.op("ZxPowerstore", "MoveBlobs", kMoveBlobs, "zimbra", {{"Started", stale}});
    m2.adminOp("ZxBackup", "DoExternalRestore", {{"origin", "Admin"}, {"sourcePath", "/mnt/legacy-backup/"}, {"domains", "example.org"}},
               officeHours(m2, now, 26), m2.uni(15 * kMin, 40 * kMin));
    m2.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams("erin"), officeHours(m2, now, 20), m2.uni(3 * kMin, 12 * kMin));
    m2.adminOp("ZxBackup", "DoExternalRestore", {{"origin", "Admin"}, {"sourcePath", "/mnt/legacy-backup/"}, {"domains", "example.net"}},
               officeHours(m2, now, 13), m2.uni(4 * kMin, 9 * kMin), "Aborted", "aborted by admin@example.com");
    m2.adminOp("ZxMobile", "ResetDevice", {{"origin", "Admin"}, {"account", "grace@example.com"}, {"deviceId", "ApplF2LXK9QJHG7F"}},
               officeHours(m2, now, 8), m2.uni(1 * kSec, 4 * kSec));
    m2.adminOp("ZxBackup", "RestoreOnNewAccount", restoreParams("heidi"), officeHours(m2, now, 4), m2.uni(3 * kMin, 12 * kMin));

    checkpoints(m1, now, size);
    checkpoints(m2, now, size);
    if (!writeFile(dir, m1) || (size.servers >= 2 && !writeFile(dir, m2))) return 1;
    for (int i = 3; i <= size.servers; ++i) { // one at a time: a big log is freed once written
        Server extra("mail" + std::to_string(i) + ".example.com", 0x0b1e5000u + std::uint32_t(i));
        extraServer(extra, i, now, size);
        if (!writeFile(dir, extra)) return 1;
    }
    return 0;
}
