// oplens_bench's restart-plan lines: what the console's "Restart All Interrupted in View…" and `oplensctl restart
// --all-interrupted` cost on the bench's big dataset before anything is sent.
#pragma once

namespace oplens { class Dataset; }

void printRestartPlan(const oplens::Dataset &data);
