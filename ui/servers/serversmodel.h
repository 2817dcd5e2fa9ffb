// The Servers view's model: one row per open source (a server), with its operations counted by status, its open
// notifications, its last service start, lag and state; under it one row per module and name with their counts and
// their last Finished run ("last good"). Counted in one pass over the operations, only when the dataset changed.
#pragma once

#include "acknowledgements.h"
#include "session.h"
#include "viewfilter.h"

#include <QAbstractItemModel>
#include <QFutureWatcher>
#include <QPointer>
#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace oplens::ui {

class ServersModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        Server, Interrupted, Failed, Aborted, Stale, Running, Queued, Finished, // the counts, most urgent first
        Open, LastGood, ServiceStart, Lag, State, ColumnCount
    };
    static constexpr int kCountColumns = Finished - Interrupted + 1;
    enum Role { CountRole = Qt::UserRole + 1, SourcePathRole };

    explicit ServersModel(Session *session, QObject *parent = nullptr);
    ~ServersModel() override;

    // Counts again, in a worker, when the sources or the dataset changed since the last count (counted() says when).
    void refresh();
    bool isCounting() const { return m_counting; }
    // The clock moved: lag, state and "ago" texts; every minute Stale and the open notifications too.
    void tick();
    // Acknowledged notifications changed: open counts again (they are kept in the settings).
    // What Notifications knows: local files' and agents' acknowledgements (open notifications are the others).
    void setAcknowledgements(const Acknowledgements &acknowledgements);
    // What clicking this cell shows in the tables: its source and status (and module and name on a child row);
    // nullopt where the cell is not a count.
    std::optional<ViewFilter> filterFor(const QModelIndex &index) const;
    // The row of the source at `path`, for tests and selections; -1 when it is not open.
    int rowOfSource(const QString &path) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void countTaken(double ms); // a count was taken in; how long it took in the worker

private:
    using Counts = std::array<uint32_t, kCountColumns>;
    struct Group { // one module and name on one server
        uint32_t module = 0, name = 0;
        Counts counts{};
        int64_t lastFinished = kNoTime;
        uint32_t lastFinishedOp = 0xFFFFFFFFu;
    };
    struct Watched { // an operation that may need the admin: Interrupted, or Running (and maybe Stale)
        uint32_t op;
        uint32_t group;
    };
    struct Row {
        QString path;
        QString host;            // what its events name: the server's name
        std::vector<uint32_t> hosts; // the hosts its events name (a few at most)
        Counts counts{};
        std::vector<Group> groups;
        std::vector<Watched> watched;
        int open = 0;
        int64_t serviceStart = kNoTime;
    };

    static constexpr size_t kHostsKept = 16; // a file naming more hosts is "16+ hosts"
    // One pass over the operations (serverscount.cpp): rows for the sources at `paths`.
    static std::vector<Row> count(const Dataset *data, const QStringList &paths);
    void countWatched(int64_t now); // Stale and open notifications of every row
    bool sameShape(const std::vector<Row> &rows) const;
    QVariant serverData(const Row &row, int rowIndex, int column, int role) const;
    QVariant groupData(const Row &row, const Group &group, int column, int role) const;
    QVariant countData(const Counts &counts, int column, int role, const QString &what) const;
    QString serverName(const Row &row, int rowIndex) const;
    const SourceState *sourceOf(int rowIndex) const;

    QPointer<Session> m_session; // the main window deletes it before the panes
    std::vector<Row> m_rows;
    struct Counted {
        std::vector<Row> rows;
        std::shared_ptr<const Dataset> data;
        size_t events;
        QStringList sources;
        double ms;
    };
    void countDone();
    QFutureWatcher<Counted> m_count;
    bool m_counting = false, m_countAgain = false;
    std::weak_ptr<const Dataset> m_counted; // what m_rows were counted on, and its size and sources then
    size_t m_countedEvents = 0;
    QStringList m_countedSources;
    Acknowledgements m_acks;
    int m_ticks = 0;
};

} // namespace oplens::ui
