// Shows a certificate that does not verify, with its fingerprint, and trusts it for that one server when the admin
// says so (TrustedCertificates, like SSH's known_hosts).
#pragma once

#include "certificatetrust.h"

class QWidget;

namespace oplens::ui {

// True when the admin chose to trust it and it was recorded.
bool confirmTrust(CertificateProblem problem, QWidget *parent); // a copy: the source may see another one meanwhile

} // namespace oplens::ui
