// File > Export…: what to write (format, visible columns or all fields, byte-order mark) and where. It checks the
// path before closing: a folder that does not exist or cannot be written says why, an existing file asks first.
#pragma once

#include "viewquery.h"

#include <QDialog>
#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace oplens::ui {

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum Format { Csv, JsonLines, Json, Html, Pdf };

    // `shown` rows of the view, `visibleColumns` of its table, `filter` as ViewFilter::describe() says it.
    ExportDialog(ViewKind kind, size_t shown, int visibleColumns, const QString &filter,
                 QWidget *parent = nullptr);

    Format format() const;
    void setFormat(Format format);
    bool allFields() const;
    void setAllFields(bool all);
    bool bom() const;
    void setBom(bool bom);
    QString path() const;
    void setPath(const QString &path);
    static QString extension(Format format);

    // Asked when the file exists; true replaces it. By default a question box; tests answer themselves.
    void setConfirmOverwrite(std::function<bool(const QString &path)> confirm) { m_confirm = std::move(confirm); }
    // Checks the path (and asks about replacing a file): true when the export may start; otherwise problem() says
    // why, and the dialog shows it.
    bool validate();
    QString problem() const;

    void accept() override; // validate(), then close

private:
    QFormLayout *createForm(int visibleColumns);
    void createFormatChoice();
    void formatChanged();
    void browse();

    ViewKind m_kind;
    QComboBox *m_format;
    QLabel *m_formatNote;
    QRadioButton *m_visible, *m_all;
    QCheckBox *m_bom;
    QLineEdit *m_path;
    QLabel *m_problem;
    std::function<bool(const QString &)> m_confirm;
};

} // namespace oplens::ui
