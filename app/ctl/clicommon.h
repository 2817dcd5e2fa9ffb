// What the reading subcommands of oplensctl share: sources, filters, loading, messages and exit codes (docs/cli.md).
#pragma once

#include "credentials.h"
#include "dataset.h"
#include "viewfilter.h"
#include "workspace.h"

#include <QCommandLineParser>
#include <QStringList>

namespace oplens::cli {

enum Exit { Ok = 0, Usage = 1, Unreadable = 2, Skipped = 3, Refused = 4 };

// Where a read-only remote oplog is, as restart's and acknowledge's refusals say it: "read over SSH" for an ssh:// URL,
// else "on a web server".
QString readOnlyWhere(const QString &url);

// Prints "oplensctl: MESSAGE" on standard error, with printable().
void error(const QString &message);
// `text` with its control characters written out (\n, \t, \x1b): what a file or a peer sent never breaks a line in
// two or drives the terminal.
QString printable(const QString &text);

// --module, --name, (--status,) --since, --until, --grep: what selects events or operations.
void addFilterOptions(QCommandLineParser &parser, bool status = true);
// --assume-interrupted, --strict, --workspace and the remote sources' credentials: how the sources are read.
void addSourceOptions(QCommandLineParser &parser);

// Adds the filter options and SOURCE arguments shared by every reading subcommand.
// `json`: with the --json option (export has --format instead).
void addReadingOptions(QCommandLineParser &parser, bool json = true);

struct ReadingOptions {
    QStringList sources;                  // their names, as shown and exported (URLs without user info)
    QList<WorkspaceSource> sourceSpecs;   // what to read, with the credentials' files
    CommandLineCredentials credentials;   // --token-file (or OPLENS_TOKEN), --user, --password-file, --cacert, --ssh-config
    ViewFilter filter;
    int64_t limit = -1;
    bool assumeInterrupted = false;
    bool strict = false;
    bool json = false;
};

// Reads the options added by addReadingOptions(); a usage error is printed and gives nullopt.
std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser);
// The same with the SOURCE arguments given apart (restart's positional arguments begin with operation ids).
std::optional<ReadingOptions> readingOptions(const QCommandLineParser &parser, const QStringList &sourceArguments);

struct Loaded {
    Dataset data;
    int unreadable = 0;    // sources that could not be read at all
    uint64_t skipped = 0;  // events skipped as bad input, each reported on standard error
};

// A remote source with its secret, CA and ssh_config: its own (a workspace's) first, then the command line's.
// nullopt with `why` (what to give, without the source's name) when it cannot be had.
std::optional<RemoteSpec> completedSpec(const WorkspaceSource &source, const CommandLineCredentials &credentials, QString *why);

// Loads every source into one dataset, reporting each problem with its source and place. Remote sources are fetched
// side by side first, each into a local copy; one that fails is reported and the others are still read.
Loaded load(const ReadingOptions &options);

// The exit status for what loading found: 2 when a source could not be read, 3 for skipped lines with --strict.
int loadStatus(const Loaded &loaded, const ReadingOptions &options);

// Parses the subcommand's arguments (args[0] is the subcommand); prints help or a usage error.
// Returns -1 to go on, or the exit status.
int parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &description);

// Writes to standard output in large pieces.
class Output
{
public:
    ~Output() { flush(); }
    std::string &buffer() { return m_buffer; }
    void maybeFlush() { if (m_buffer.size() > (1u << 20)) flush(); }
    void flush();

private:
    std::string m_buffer;
};

} // namespace oplens::cli
