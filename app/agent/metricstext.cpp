#include "metricstext.h"

#include <cmath>

namespace oplens::agent {

namespace {

// Backslash, double quote and line feed are escaped in label values; anything else is UTF-8 as it is.
QByteArray escaped(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray number(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', 17);
}

} // namespace

void MetricsText::family(const char *name, const char *type, const char *help)
{
    m_text += QByteArray("# HELP ") + name + ' ' + help + '\n';
    m_text += QByteArray("# TYPE ") + name + ' ' + type + '\n';
}

void MetricsText::sample(const char *name, const Labels &labels, double value)
{
    m_text += name;
    if (!labels.empty()) {
        m_text += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text += QByteArray(labels[i].first) + "=\"" + escaped(labels[i].second) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + number(value) + '\n';
}

} // namespace oplens::agent
