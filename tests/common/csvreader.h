// A strict RFC 4180 reader for the export tests: what a spreadsheet or a script would see in an exported CSV file.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace testcsv {

struct Csv {
    QList<QStringList> records;
    bool bom = false;
    QString error; // set when the text breaks RFC 4180
};

// Records end with CRLF; fields are separated by commas; a field in double quotes may hold commas, CR, LF and
// doubled quotes; a quote anywhere else is an error. The text must be UTF-8 (an optional BOM first).
inline Csv readCsv(const QByteArray &bytes)
{
    Csv csv;
    QByteArray data = bytes;
    if (data.startsWith("\xEF\xBB\xBF")) {
        csv.bom = true;
        data.remove(0, 3);
    }
    const QString text = QString::fromUtf8(data);
    if (text.toUtf8() != data) {
        csv.error = QStringLiteral("not UTF-8");
        return csv;
    }
    QStringList record;
    QString field;
    bool quoted = false;   // inside a quoted field
    bool wasQuoted = false; // the field was quoted: only a separator may follow its closing quote
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && text[i + 1] == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char(',')) {
            record << field;
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('\r')) {
            if (i + 1 >= n || text[i + 1] != QLatin1Char('\n')) {
                csv.error = QStringLiteral("a bare CR outside quotes at %1").arg(i);
                return csv;
            }
            ++i;
            record << field;
            csv.records << record;
            record.clear();
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('\n')) {
            csv.error = QStringLiteral("a bare LF outside quotes at %1").arg(i);
            return csv;
        } else if (c == QLatin1Char('"')) {
            if (!field.isEmpty() || wasQuoted) {
                csv.error = QStringLiteral("a quote inside an unquoted field at %1").arg(i);
                return csv;
            }
            quoted = wasQuoted = true;
        } else {
            if (wasQuoted) {
                csv.error = QStringLiteral("text after a closing quote at %1").arg(i);
                return csv;
            }
            field += c;
        }
    }
    if (quoted)
        csv.error = QStringLiteral("a quoted field is not closed");
    else if (!field.isEmpty() || !record.isEmpty() || wasQuoted)
        csv.error = QStringLiteral("the last record does not end with CRLF");
    return csv;
}

} // namespace testcsv
