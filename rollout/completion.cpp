// Names of finish reasons, as written in JSONL output and logs.
#include "rollout/completion.h"

namespace grpo {

std::string_view finish_reason_name(FinishReason r) { return r == FinishReason::kStop ? "stop" : "length"; }

}  // namespace grpo
