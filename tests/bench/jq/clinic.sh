#!/usr/bin/env bash
# The jq baseline for `lever report clinic` (benchmark and e2e test): prints the athlete rows as one
# JSON array. Every session file is read and parsed by jq, as lever reads them.
# Usage: tests/bench/jq/clinic.sh STORE   (TZ and the clock as for lever; grace from store.json)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"
grace=$(jq '.config.follow_up_hours // 36' store.json)
tail_pain() { for f in pain/*.ndjson; do [ -e "$f" ] && tail -n 20 "$f"; done; }
find sessions -name '*.json' -print0 | xargs -0 -r cat \
  | jq -n -L "$here" -f "$here/clinic.jq" --argjson now "$(date +%s)" --argjson grace "$grace" \
       --slurpfile athletes <(cat athletes/*.json) --slurpfile plans <(cat plans/*.json 2>/dev/null || true) \
       --slurpfile pain <(tail_pain)
