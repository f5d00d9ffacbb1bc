#!/usr/bin/env bash
# The HTML reports in a real browser: the athlete, session and calibration pages of a store built by
# `lever demo` are opened in headless Chromium (Debian's chromium package, installed by .ci/setup).
# The rendered DOM must hold the SVG charts and the key numbers, a screenshot must show the charts'
# colours, and printing must give A4 pages (the certificate exactly one).
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
unset LEVER_PORT
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ] || ! command -v pdfinfo >/dev/null || ! command -v python3 >/dev/null; then
  fail "this test needs chromium, pdfinfo (poppler-utils) and python3: install them with .ci/setup"
  finish
  exit 1
fi

"$LEVER" demo --dir "$LEVER_STORE" >/dev/null 2>&1 || fail "lever demo"
SID=$(basename "$(ls "$LEVER_STORE"/sessions/*.json)" .json)
samples=$(wc -l <"$LEVER_STORE/telemetry/$SID.ndjson")
expect 0 report athlete ann --html "$TMP/athlete.html"
expect 0 report session "$SID" --html "$TMP/session.html"
expect 0 report calibration sim-0001 --html "$TMP/calibration.html"

# One fresh profile per launch; no network, no first-run work: Chromium starts slowly enough as it is.
chrome() {
  local profile
  profile=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" "$@" \
    2>>"$TMP/chromium.log"
}

# png_colours FILE HEX...: decodes the PNG (python3 stdlib: zlib and the PNG row filters) and prints
# the number of distinct colours, the percentage of non-white pixels, then yes/no for each colour.
png_colours() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
path, want = sys.argv[1], sys.argv[2:]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), "expected 8-bit RGB or RGBA"
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, inked, off = bytearray(stride), set(), 0, 0
for _ in range(h):
    f, row = raw[off], bytearray(raw[off + 1:off + 1 + stride])
    off += 1 + stride
    if f == 1:
        for i in range(bpp, stride): row[i] = (row[i] + row[i - bpp]) & 255
    elif f == 2:
        row = bytearray((a + b) & 255 for a, b in zip(row, prev))
    elif f == 3:
        for i in range(stride): row[i] = (row[i] + ((row[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
    elif f == 4:
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for i in range(0, stride, bpp):
        px = bytes(row[i:i + 3])
        colours.add(px)
        if px != b"\xff\xff\xff": inked += 1
    prev = row
print(len(colours), round(100.0 * inked / (w * h), 1), *("yes" if bytes.fromhex(c) in colours else "no" for c in want))
PY
}

# check_page NAME PAGES_MIN PAGES_MAX COLOUR TEXT...: DOM, screenshot and print of one page.
check_page() {
  local name=$1 pmin=$2 pmax=$3 colour=$4
  shift 4
  local file="$TMP/$name.html" dom
  dom=$(chrome --dump-dom "file://$file")
  has "<svg" "$dom"
  for t in "$@"; do has "$t" "$dom"; done
  chrome --screenshot="$TMP/$name.png" --window-size=800,1000 "file://$file" >/dev/null
  if [ -s "$TMP/$name.png" ]; then
    read -r ncol ink seen <<<"$(png_colours "$TMP/$name.png" "$colour")"
    [ "${ncol:-0}" -ge 16 ] && pass || fail "$name screenshot has only ${ncol:-0} colours: blank?"
    python3 -c "import sys; sys.exit(0 if 1 < float('${ink:-0}') < 60 else 1)" && pass || fail "$name screenshot ${ink:-0} % inked"
    same "$seen" "yes" "$name screenshot shows the chart colour #$colour"
  else
    fail "no screenshot of $name: $(tail -3 "$TMP/chromium.log")"
  fi
  chrome --no-pdf-header-footer --print-to-pdf="$TMP/$name.pdf" "file://$file" >/dev/null
  local info pages
  info=$(pdfinfo "$TMP/$name.pdf" 2>&1)
  has "(A4)" "$info"
  pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
  [ "${pages:-0}" -ge "$pmin" ] && [ "${pages:-0}" -le "$pmax" ] && pass ||
    fail "$name prints on ${pages:-?} pages, expected $pmin-$pmax"
}

# The athlete page: both weekly charts and the session of the demo.
check_page athlete 1 3 2471a3 "Pain against support, week by week" "Knee-load index per week" "Ann Example" "$SID" \
  "during-run limit 4/10" "<circle"
# The session page: the support and belt traces with the phases, and the summary numbers.
check_page session 2 4 1e8449 "Support: target against measured" "Belt: speed and cadence" "run 1/4" "cool-down" \
  ">$samples<" ">20.0 %<" ">completed<" "<polyline" "class=\"band\""
# The certificate: one A4 sheet with the verdict, the masses' certificates and every point.
check_page calibration 1 1 2471a3 "Overall result: PASS" "DEMO-CERT-10" "DEMO-CERT-20" "Verification error against tolerance" \
  ">SIM-0001<" "<circle"
has "Overall result: PASS" "$(pdftotext "$TMP/calibration.pdf" - 2>/dev/null)"
# Keep the screenshots for people to look at when LEVER_KEEP_SCREENSHOTS names a directory.
[ -n "${LEVER_KEEP_SCREENSHOTS:-}" ] && cp "$TMP"/*.png "$TMP"/*.pdf "$LEVER_KEEP_SCREENSHOTS"/
finish
