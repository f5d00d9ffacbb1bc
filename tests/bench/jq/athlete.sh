#!/usr/bin/env bash
# The jq baseline for `lever report athlete ID` (benchmark and e2e test): prints {sessions, weeks}.
# Every session file is read and parsed by jq, as lever reads them. Run with TZ=UTC.
# Usage: tests/bench/jq/athlete.sh STORE ATHLETE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"
find sessions -name '*.json' -print0 | xargs -0 -r cat \
  | jq -n -L "$here" -f "$here/athlete.jq" --arg id "$2" --slurpfile athlete "athletes/$2.json" \
       --slurpfile plan <(cat "plans/$2.json" 2>/dev/null || true) --slurpfile pain <(cat "pain/$2.ndjson" 2>/dev/null || true)
