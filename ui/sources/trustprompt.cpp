#include "trustprompt.h"

#include <QMessageBox>
#include <QPushButton>

namespace oplens::ui {

bool confirmTrust(CertificateProblem problem, QWidget *parent)
{
    if (problem.isNull())
        return false;
    QMessageBox box(QMessageBox::Warning, QObject::tr("Trust a certificate"),
                    (problem.changed ? QObject::tr("The certificate of %1 CHANGED since you trusted it. A machine in the "
                                                   "middle would look like this: trust the new one only if the server's "
                                                   "administrator confirms its fingerprint.")
                                     : QObject::tr("Trust this certificate for %1 only? Compare its SHA-256 fingerprint "
                                                   "with the one the server's administrator gives you."))
                        .arg(problem.server),
                    QMessageBox::Cancel, parent);
    box.setInformativeText(problem.describe());
    QPushButton *yes = box.addButton(QObject::tr("Trust for %1").arg(problem.server), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != yes)
        return false;
    QString error;
    if (!TrustedCertificates().trust(problem, &error)) {
        QMessageBox::warning(parent, QObject::tr("Trust a certificate"), error);
        return false;
    }
    return true;
}

} // namespace oplens::ui
