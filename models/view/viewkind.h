// The two views over a dataset: one row per event, or one row per operation.
#pragma once

namespace oplens {

enum class ViewKind { Events, Operations };

} // namespace oplens
