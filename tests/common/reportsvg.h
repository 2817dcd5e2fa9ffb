// Reading a report's timeline in its HTML: the inline SVG, its shapes and its texts.
#pragma once

#include <QString>

namespace reportsvg {

// The report's inline SVG, from <svg to </svg>; empty when there is none.
inline QString svgOf(const QString &html)
{
    const qsizetype from = html.indexOf(QStringLiteral("<svg")), to = html.indexOf(QStringLiteral("</svg>"));
    return from >= 0 && to > from ? html.mid(from, to + 6 - from) : QString();
}

// The shapes an SVG draws: every bar is one of them at least.
inline qsizetype shapesIn(const QString &svg)
{
    return svg.count(QStringLiteral("<rect")) + svg.count(QStringLiteral("<path")) + svg.count(QStringLiteral("<polygon"))
        + svg.count(QStringLiteral("<polyline"));
}

// A text as QSvgGenerator writes it (a lane's label): ">mail1.example.com</text>".
inline QString svgText(const QString &text) { return QStringLiteral(">%1</text>").arg(text); }

} // namespace reportsvg
