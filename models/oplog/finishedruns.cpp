// What the Finished runs decide (docs/oplog.md section 3): the Stale limit of each module and name in each source, and
// which Interrupted, Failed or Aborted operations a later Finished run superseded. One pass over the operations serves
// both: for 2M events they are 800k cache lines, most of what this costs.
#include "dataset.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>

namespace oplens {

namespace {

// (source, module, name) -> a dense index, each with the durations of its Finished runs.
class Groups
{
public:
    struct Key {
        uint32_t module, name;
        uint16_t source;
        bool operator==(const Key &) const = default;
    };

    uint32_t indexOf(const Key &key)
    {
        if (m_last != kNone && m_keys[m_last] == key) // runs of one kind often follow each other
            return m_last;
        size_t i = slot(key);
        for (; m_slots[i] != kNone; i = (i + 1) & (m_slots.size() - 1))
            if (m_keys[m_slots[i]] == key)
                return m_last = m_slots[i];
        m_slots[i] = m_last = uint32_t(m_keys.size());
        m_keys.push_back(key);
        m_durations.emplace_back();
        if (m_keys.size() * 2 > m_slots.size())
            rehash(m_slots.size() * 2);
        return m_last;
    }
    uint32_t size() const { return uint32_t(m_keys.size()); }
    const Key &key(uint32_t group) const { return m_keys[group]; }
    std::vector<int64_t> &durations(uint32_t group) { return m_durations[group]; }

private:
    size_t slot(const Key &k) const
    {
        return size_t(((uint64_t(k.module) << 32 | k.name) ^ k.source) * 0x9E3779B97F4A7C15ull >> 40)
            & (m_slots.size() - 1);
    }
    void rehash(size_t size)
    {
        m_slots.assign(size, kNone);
        for (uint32_t group = 0; group < m_keys.size(); ++group) {
            size_t i = slot(m_keys[group]);
            while (m_slots[i] != kNone)
                i = (i + 1) & (size - 1);
            m_slots[i] = group;
        }
    }

    std::vector<Key> m_keys;
    std::vector<std::vector<int64_t>> m_durations;
    std::vector<uint32_t> m_slots = std::vector<uint32_t>(16, kNone);
    uint32_t m_last = kNone;
};

int64_t rankOf(size_t runs) { return int64_t((runs * 95 + 99) / 100); }

// Three times a duration (of the percentile), at most the largest int64: durations of a file's absurd times are huge.
int64_t threeTimes(int64_t duration)
{
    return duration > std::numeric_limits<int64_t>::max() / 3 ? std::numeric_limits<int64_t>::max() : 3 * duration;
}

// The Stale limit of a kind of operation from the durations of its Finished runs (docs/oplog.md section 3): three
// times the 95th percentile, with the durations made into the two heaps of Durations that appends keep up.
template <typename Durations>
int64_t staleLimitOf(std::vector<int64_t> list, Durations &d)
{
    const long rank = long(rankOf(list.size()));
    std::nth_element(list.begin(), list.begin() + (rank - 1), list.end());
    d.upper.assign(list.begin() + rank, list.end());
    list.resize(size_t(rank));
    std::make_heap(list.begin(), list.end());
    std::make_heap(d.upper.begin(), d.upper.end(), std::greater<>());
    d.lower = std::move(list);
    d.heaps = true;
    return threeTimes(d.lower.front());
}

// The latest end of a Finished run per bucket of run keys (64 Ki buckets: 512 KiB).
constexpr size_t kFinishedBuckets = size_t(1) << 16;
size_t bucketOf(uint64_t key) { return size_t(key >> 7) & (kFinishedBuckets - 1); }
void noteFinished(std::vector<int64_t> &latest, uint64_t key, int64_t end)
{
    int64_t &bucket = latest[bucketOf(key)];
    bucket = std::max(bucket, end);
}

// One more duration of a kind kept as two heaps around the percentile's rank (Durations): O(log n), where inserting
// into a sorted list of 200k runs moved 800 KB each time. The new Stale limit, kNoTime under five runs.
template <typename Durations>
int64_t addDuration(Durations &d, int64_t duration)
{
    if (!d.heaps) {
        d.lower.push_back(duration);
        return d.lower.size() >= 5 ? staleLimitOf(std::move(d.lower), d) : kNoTime;
    }
    const auto push = [](std::vector<int64_t> &heap, int64_t value, auto less) {
        heap.push_back(value);
        std::push_heap(heap.begin(), heap.end(), less);
    };
    const auto pop = [](std::vector<int64_t> &heap, auto less) {
        std::pop_heap(heap.begin(), heap.end(), less);
        const int64_t top = heap.back();
        heap.pop_back();
        return top;
    };
    if (!d.lower.empty() && duration < d.lower.front())
        push(d.lower, duration, std::less<>());
    else
        push(d.upper, duration, std::greater<>());
    const auto rank = size_t(rankOf(d.lower.size() + d.upper.size()));
    while (d.lower.size() > rank)
        push(d.upper, pop(d.lower, std::less<>()), std::greater<>());
    while (d.lower.size() < rank)
        push(d.lower, pop(d.upper, std::greater<>()), std::less<>());
    return threeTimes(d.lower.front());
}

// The latest Finished run of a run key.
struct Run {
    uint64_t key = 0;
    int64_t time = kNoTime; // its end, in (time, row) order
    uint32_t row = kNone, op = kNone;
    bool laterThan(int64_t otherTime, uint32_t otherRow) const
    {
        return time != otherTime ? time > otherTime : row > otherRow;
    }
};

// The candidates' distinct run keys (few), each with the latest Finished run of that key: every Finished run probes
// them, which is cheaper than an index of every Finished run's key. Open addressing, at most half full.
class LatestRuns
{
public:
    template <typename Candidates>
    explicit LatestRuns(const Candidates &candidates)
    {
        for (const auto &c : candidates) {
            Run &run = slotFor(c.key);
            if (run.key == 0 && ++m_keys * 2 > m_runs.size())
                grow();
            slotFor(c.key).key = c.key;
        }
    }
    Run *find(uint64_t key)
    {
        Run &run = slotFor(key);
        return run.key != 0 ? &run : nullptr;
    }

private:
    // Its slot, or the free one where it would go.
    Run &slotFor(uint64_t key)
    {
        size_t i = size_t(key >> 1) & (m_runs.size() - 1); // bit 0 is always set
        while (m_runs[i].key != 0 && m_runs[i].key != key)
            i = (i + 1) & (m_runs.size() - 1);
        return m_runs[i];
    }
    void grow()
    {
        std::vector<Run> old(m_runs.size() * 2);
        old.swap(m_runs);
        for (const Run &run : old)
            if (run.key != 0)
                slotFor(run.key) = run;
    }

    std::vector<Run> m_runs = std::vector<Run>(64); // key 0: a free slot (run keys are never 0)
    size_t m_keys = 0;
};

// Sorts `ops` (all below `count`) and drops repeats; tens of thousands (a run that fails often, superseded again by
// each new Finished run) through a bit per operation instead of a sort.
void sortUnique(std::vector<uint32_t> &ops, size_t count)
{
    if (ops.size() < 4096) {
        std::sort(ops.begin(), ops.end());
        ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
        return;
    }
    std::vector<uint64_t> bits((count + 63) / 64, 0);
    for (const uint32_t op : ops)
        bits[op / 64] |= uint64_t(1) << (op % 64);
    ops.clear();
    for (size_t word = 0; word < bits.size(); ++word)
        for (uint64_t w = bits[word]; w != 0; w &= w - 1)
            ops.push_back(uint32_t(word * 64 + size_t(__builtin_ctzll(w))));
}

} // namespace

// The Finished runs give the Stale limits, in the one pass over the operations that Superseded shares (for 2M events
// they are 800k cache lines): there each Finished run probes the candidates' run keys for the latest run of each.
// Equal run keys are the same source, module, name and parameters (a 64-bit hash: practically never a false match).
// A restart of a candidate would have made it Restarted, so that latest run is never its restart.
void Dataset::computeFromFinishedRuns(std::vector<Candidate> *candidates)
{
    std::vector<Candidate> found;
    std::vector<uint32_t> wasSuperseded; // their change is the views' news, like the newly superseded
    if (!candidates) {
        for (uint32_t op = 0; op < m_ops.size(); ++op) {
            if (m_ops[op].supersededBy != kNone) {
                m_ops[op].supersededBy = kNone;
                wasSuperseded.push_back(op);
            }
            addCandidate(op, found);
        }
        candidates = &found;
    }
    LatestRuns latest(*candidates);
    Groups groups;
    m_runs = FinishedRuns();
    m_runs.latestFinished.assign(kFinishedBuckets, kNoTime);
    for (uint32_t op = 0; op < m_ops.size(); ++op) {
        const Operation &o = m_ops[op];
        if (o.eventCount > 0 && o.status == Status::Running)
            m_runs.running[kindOf(op)].push_back(op);
        if (o.eventCount == 0 || o.status != Status::Finished)
            continue;
        noteFinished(m_runs.latestFinished, m_events.runKey(op), o.endedAt);
        const Row first = o.firstRow;
        const uint32_t group = groups.indexOf({m_events.module(first), m_events.name(first), m_events.source(first)});
        groups.durations(group).push_back(elapsedMs(o.startedAt, o.endedAt));
        if (candidates->empty())
            continue;
        Run *run = latest.find(m_events.runKey(op));
        if (run && (run->op == kNone || !run->laterThan(o.endedAt, o.statusRow)))
            *run = {run->key, o.endedAt, o.statusRow, op};
    }
    m_staleLimits.clear();
    for (uint32_t group = 0; group < groups.size(); ++group) {
        std::vector<int64_t> &list = groups.durations(group);
        const Groups::Key &key = groups.key(group);
        const StaleKey staleKey{key.module, key.name, key.source};
        FinishedRuns::Durations &durations = m_runs.durations[staleKey];
        if (list.size() >= 5)
            m_staleLimits[staleKey] = staleLimitOf(std::move(list), durations);
        else
            durations.lower = std::move(list);
    }
    for (const Candidate &c : *candidates)
        fileCandidate(c).latestRun = latest.find(c.key)->op;
    m_runs.valid = true;
    for (const Candidate &c : *candidates) {
        const Run &run = *latest.find(c.key);
        if (run.op != kNone && run.laterThan(c.end, c.endRow)) {
            m_ops[c.op].supersededBy = run.op;
            wasSuperseded.push_back(c.op);
        }
    }
    if (!m_change.everything) {
        std::vector<uint32_t> &ops = m_change.ops;
        ops.insert(ops.end(), wasSuperseded.begin(), wasSuperseded.end());
        std::sort(ops.begin(), ops.end());
        ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    }
}

Dataset::FinishedRuns::KeyCandidates &Dataset::fileCandidate(const Candidate &c)
{
    FinishedRuns::KeyCandidates &filed = m_runs.candidates[c.key];
    filed.list.push_back(c);
    m_runs.candidateKey[c.op] = c.key;
    return filed;
}

void Dataset::unfileCandidate(uint32_t op)
{
    const auto filed = m_runs.candidateKey.find(op);
    if (filed == m_runs.candidateKey.end())
        return;
    auto &list = m_runs.candidates[filed->second].list;
    list.erase(std::remove_if(list.begin(), list.end(), [op](const Candidate &c) { return c.op == op; }), list.end());
    if (list.empty())
        m_runs.candidates.erase(filed->second);
    m_runs.candidateKey.erase(filed);
}

Dataset::StaleKey Dataset::kindOf(uint32_t op) const
{
    const Row first = m_ops[op].firstRow;
    return {m_events.module(first), m_events.name(first), m_events.source(first)};
}

// Files `op` among the Running operations of its kind, or takes it out.
void Dataset::fileRunning(uint32_t op, bool running)
{
    std::vector<uint32_t> &list = m_runs.running[kindOf(op)];
    const auto at = std::find(list.begin(), list.end(), op);
    if (running && at == list.end())
        list.push_back(op);
    else if (!running && at != list.end())
        list.erase(at);
}

// A run newly Finished: its kind's Stale limit (`limitChanged`: the kinds whose limit changed, for their Running ones).
void Dataset::addFinishedDuration(uint32_t op, std::vector<StaleKey> &limitChanged)
{
    const Operation &o = m_ops[op];
    const StaleKey key = kindOf(op);
    const int64_t limit = addDuration(m_runs.durations[key], elapsedMs(o.startedAt, o.endedAt));
    if (limit != kNoTime) {
        const auto was = m_staleLimits.find(key);
        if (was == m_staleLimits.end() || was->second != limit) {
            m_staleLimits[key] = limit;
            if (std::find(limitChanged.begin(), limitChanged.end(), key) == limitChanged.end())
                limitChanged.push_back(key);
        }
    }
    noteFinished(m_runs.latestFinished, m_events.runKey(op), o.endedAt);
}

// A new Finished run: if it is its key's latest, it names every candidate of that key that ended before it (those
// the previous latest superseded, and those after it). Only the candidates' own copies of their ends are read.
void Dataset::supersedeBy(uint32_t runOp)
{
    const Operation &o = m_ops[runOp];
    const Run run{m_events.runKey(runOp), o.endedAt, o.statusRow, runOp};
    const auto filed = m_runs.candidates.find(run.key);
    if (filed == m_runs.candidates.end())
        return;
    FinishedRuns::KeyCandidates &key = filed->second;
    if (key.latestRun != kNone && !run.laterThan(m_ops[key.latestRun].endedAt, m_ops[key.latestRun].statusRow))
        return; // those it would supersede have a later run already
    key.latestRun = runOp;
    const std::vector<Candidate> &list = key.list;
    for (size_t i = 0; i < list.size(); ++i) {
        if (i + 16 < list.size()) // thousands for a run that fails often: their operations are far apart
            __builtin_prefetch(&m_ops[list[i + 16].op].supersededBy, 1);
        const Candidate &c = list[i];
        if (!run.laterThan(c.end, c.endRow))
            continue;
        m_ops[c.op].supersededBy = runOp;
        m_change.ops.push_back(c.op);
    }
}

bool Dataset::updateFromFinishedRuns(const std::vector<uint32_t> &touched, const std::vector<Status> &before)
{
    if (!m_runs.valid)
        return false;
    for (size_t k = 0; k < touched.size(); ++k)
        if (before[k] == Status::Finished) // taken back, or ended again: its duration is in the lists
            return false;
    std::vector<Candidate> fresh;
    for (const uint32_t op : touched) {
        unfileCandidate(op);
        addCandidate(op, fresh);
        if (m_ops[op].eventCount > 0)
            fileRunning(op, m_ops[op].status == Status::Running);
    }
    for (const Candidate &c : fresh) {
        if (m_runs.latestFinished[bucketOf(c.key)] >= c.end) // a Finished run of its key may be later: look at all
            return false;
        fileCandidate(c);
    }
    // Of several new Finished runs of one key only the latest can be named (docs/oplog.md section 3): one pass over
    // that key's candidates, with it.
    std::vector<StaleKey> limitChanged;
    std::unordered_map<uint64_t, uint32_t> latestOfKey;
    for (const uint32_t op : touched) {
        const Operation &o = m_ops[op];
        if (o.status != Status::Finished)
            continue;
        addFinishedDuration(op, limitChanged);
        const auto [it, added] = latestOfKey.try_emplace(m_events.runKey(op), op);
        const Operation &was = m_ops[it->second];
        if (!added && Run{0, o.endedAt, o.statusRow, op}.laterThan(was.endedAt, was.statusRow))
            it->second = op;
    }
    for (const auto &[key, op] : latestOfKey)
        supersedeBy(op);
    for (const StaleKey &key : limitChanged) {
        const std::vector<uint32_t> &running = m_runs.running[key];
        m_change.ops.insert(m_change.ops.end(), running.begin(), running.end());
    }
    sortUnique(m_change.ops, m_ops.size());
    return true;
}

std::vector<std::pair<const char *, size_t>> Dataset::memoryParts() const
{
    auto parts = m_events.memoryParts();
    size_t runs = m_runs.latestFinished.size() * sizeof(int64_t) + m_runs.candidateKey.size() * 32;
    for (const auto &[key, durations] : m_runs.durations)
        runs += (durations.lower.size() + durations.upper.size()) * sizeof(int64_t);
    for (const auto &[key, list] : m_runs.running)
        runs += list.size() * sizeof(uint32_t);
    for (const auto &[key, filed] : m_runs.candidates)
        runs += filed.list.size() * sizeof(Candidate) + 56;
    parts.push_back({"operations table", m_ops.size() * sizeof(Operation)});
    parts.push_back({"Finished runs (durations, candidates, running)", runs});
    return parts;
}

QString Dataset::supersededReason(uint32_t op, bool utc) const
{
    const uint32_t run = m_ops[op].supersededBy;
    if (run == kNone)
        return {};
    const QString when = utc ? QDateTime::fromMSecsSinceEpoch(m_ops[run].startedAt, QTimeZone::utc())
                                   .toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'"))
                             : QDateTime::fromMSecsSinceEpoch(m_ops[run].startedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return QStringLiteral("superseded by the run of %1 (Finished)").arg(when);
}

} // namespace oplens
