#include "exportdialog.h"

#include "reportwriter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace oplens::ui {

ExportDialog::ExportDialog(ViewKind kind, size_t shown, int visibleColumns, const QString &filter,
                           QWidget *parent)
    : QDialog(parent), m_kind(kind)
{
    const bool events = kind == ViewKind::Events;
    setWindowTitle(events ? tr("Export the Events view") : tr("Export the Operations view"));
    setObjectName(QStringLiteral("exportDialog"));

    auto *intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    const QString count = QLocale().toString(qulonglong(shown));
    intro->setText(tr("<b>%1 %2</b> as the view shows them, in its order.<br>Filter: %3")
                       .arg(count, events ? tr("events") : tr("operations"), filter.toHtmlEscaped()));

    QFormLayout *form = createForm(visibleColumns);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("exportProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_problem->hide();
    connect(m_path, &QLineEdit::textEdited, m_problem, &QWidget::hide);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addSpacing(6);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    layout->addWidget(buttons);

    m_confirm = [this](const QString &path) {
        return QMessageBox::question(this, tr("Replace the file?"),
                                     tr("%1 exists already. Replace it?").arg(QFileInfo(path).fileName()),
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };
    formatChanged();
}

// Format, columns, byte-order mark and file, in the order Tab goes through them.
QFormLayout *ExportDialog::createForm(int visibleColumns)
{
    createFormatChoice();

    m_visible = new QRadioButton(tr("Visible columns (%1), in their order").arg(visibleColumns), this);
    m_visible->setObjectName(QStringLiteral("exportVisibleColumns"));
    m_all = new QRadioButton(tr("All fields"), this);
    m_all->setObjectName(QStringLiteral("exportAllFields"));
    m_visible->setChecked(true);
    auto *columns = new QVBoxLayout;
    columns->setSpacing(2);
    columns->addWidget(m_visible);
    columns->addWidget(m_all);
    m_bom = new QCheckBox(tr("Begin with a byte-order mark (for spreadsheet programs)"), this);
    m_bom->setObjectName(QStringLiteral("exportBom"));

    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("exportPath"));
    m_path->setMinimumWidth(360);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(QString(), m_formatNote);
    form->addRow(tr("Columns:"), columns);
    form->addRow(QString(), m_bom);
    form->addRow(tr("File:"), pathRow);
    return form;
}

// The formats, and a note under them on what the chosen one writes (formatChanged()).
void ExportDialog::createFormatChoice()
{
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_format->addItem(tr("CSV: the table, for spreadsheets"), Csv);
    m_format->addItem(tr("JSON Lines: every field of the events, one a line"), JsonLines);
    m_format->addItem(tr("JSON: {\"operationList\": …} with export information"), Json);
    m_format->addItem(tr("HTML report"), Html);
    m_format->addItem(tr("PDF report"), Pdf);
    m_formatNote = new QLabel(this);
    m_formatNote->setWordWrap(true);
    QFont small = m_formatNote->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_formatNote->setFont(small);
    m_formatNote->setMinimumWidth(460);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
}

ExportDialog::Format ExportDialog::format() const
{
    return Format(m_format->currentData().toInt());
}

void ExportDialog::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(format));
}

bool ExportDialog::allFields() const
{
    return m_all->isChecked();
}

void ExportDialog::setAllFields(bool all)
{
    (all ? m_all : m_visible)->setChecked(true);
}

bool ExportDialog::bom() const
{
    return format() == Csv && m_bom->isChecked();
}

void ExportDialog::setBom(bool bom)
{
    m_bom->setChecked(bom);
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

QString ExportDialog::extension(Format format)
{
    switch (format) {
    case Csv: return QStringLiteral("csv");
    case JsonLines: return QStringLiteral("jsonl");
    case Json: return QStringLiteral("json");
    case Html: return QStringLiteral("html");
    case Pdf: return QStringLiteral("pdf");
    }
    return {};
}

void ExportDialog::formatChanged()
{
    const Format f = format();
    const bool events = m_kind == ViewKind::Events;
    const bool table = f == Csv || f == Html || f == Pdf;
    m_visible->setEnabled(table);
    m_all->setEnabled(table);
    m_all->setText(f == Csv ? tr("All fields") : tr("All columns"));
    m_bom->setEnabled(f == Csv);
    const QString reportRows = QLocale().toString(qulonglong(kReportRowLimit));
    switch (f) {
    case Csv:
        m_formatNote->setText(tr("RFC 4180, UTF-8. Cells that a spreadsheet would run as formulas are made inert."));
        break;
    case JsonLines:
        m_formatNote->setText(events ? tr("Every field of each event, unknown ones included: OpLens reads it back.")
                                     : tr("Every event of each operation, every field: OpLens reads it back."));
        break;
    case Json:
        m_formatNote->setText(tr("The events as {\"operationList\": […]} and exportInfo: the sources with their "
                                 "SHA-256, the filter, the time zone and the time of export."));
        break;
    case Html:
    case Pdf:
        m_formatNote->setText(tr("For people: the filter, counts by status and by module, the sources with their "
                                 "SHA-256, the timeline of the view's operations, and the table (its first %1 rows).")
                                  .arg(reportRows));
        break;
    }
    // The file's extension follows the format when it is one of ours.
    const QString current = path();
    if (!current.isEmpty()) {
        const QFileInfo info(current);
        for (const Format other : {Csv, JsonLines, Json, Html, Pdf}) {
            if (other != f && info.suffix().compare(extension(other), Qt::CaseInsensitive) == 0) {
                setPath(current.left(current.size() - info.suffix().size()) + extension(f));
                break;
            }
        }
    }
}

void ExportDialog::browse()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), this->path(),
                                                      tr("%1 files (*.%2);;All files (*)")
                                                          .arg(extension(format()).toUpper(), extension(format())),
                                                      nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty()) {
        setPath(path);
        m_problem->hide();
    }
}

QString ExportDialog::problem() const
{
    return m_problem->text();
}

bool ExportDialog::validate()
{
    const auto fail = [this](const QString &why) {
        m_problem->setText(why);
        m_problem->show();
        return false;
    };
    m_problem->clear();
    m_problem->hide();
    const QString p = path();
    if (p.isEmpty())
        return fail(tr("Choose a file to export to."));
    const QFileInfo info(p);
    if (info.isDir())
        return fail(tr("%1 is a folder: add a file name.").arg(p));
    const QFileInfo folder(info.absolutePath());
    if (!folder.exists())
        return fail(tr("The folder %1 does not exist.").arg(folder.filePath()));
    if (!folder.isDir())
        return fail(tr("%1 is not a folder.").arg(folder.filePath()));
    if (!folder.isWritable())
        return fail(tr("You may not write in the folder %1 (permission denied).").arg(folder.filePath()));
    if (info.exists()) {
        if (!info.isWritable())
            return fail(tr("%1 is read-only.").arg(p));
        if (!m_confirm || !m_confirm(info.absoluteFilePath()))
            return false;
    }
    return true;
}

void ExportDialog::accept()
{
    if (validate())
        QDialog::accept();
}

} // namespace oplens::ui
