// The Prometheus text exposition format, version 0.0.4 (docs/agent.md section 8): each family once, with its HELP and
// TYPE lines before its samples; label values escaped as the format says.
#pragma once

#include <QByteArray>
#include <QString>
#include <utility>
#include <vector>

namespace oplens::agent {

class MetricsText
{
public:
    using Labels = std::vector<std::pair<const char *, QString>>;
    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Starts a family: `type` is "gauge" or "counter". Its samples follow.
    void family(const char *name, const char *type, const char *help);
    void sample(const char *name, const Labels &labels, double value);
    const QByteArray &text() const { return m_text; }

private:
    QByteArray m_text;
};

} // namespace oplens::agent
