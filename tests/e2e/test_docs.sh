#!/usr/bin/env bash
# Documentation agrees with the binary: every man page is lint-clean and renders; every command
# and subcommand has a man page; every option in --help appears in that page.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
MAN="$LEVER_SOURCE_DIR/man"

for page in "$MAN"/*.[157]; do
  name=$(basename "$page")
  warn=$(groff -man -ww -z "$page" 2>&1)
  same "$warn" "" "groff warnings in $name"
  lint=$(mandoc -T lint -W warning "$page" 2>&1)
  same "$lint" "" "mandoc lint of $name"
  text=$(mandoc -T ascii "$page" | col -b)
  has "EXAMPLES" "$text" || echo "  ($name has no EXAMPLES section)" >&2
done

# Subcommands listed in a --help text.
subcommands() { awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}' <<<"$1"; }
# Long options listed in a --help text (without --help itself).
options() { grep -oE -- '--[a-z][a-z0-9-]+' <<<"$1" | grep -vx -- '--help' | sort -u; }

run --help
top_opts=$(options "$OUT")
man_lever=$(mandoc -T ascii "$MAN/lever.1" | col -b)
for o in $top_opts; do has "$o" "$man_lever"; done
for cmd in $(subcommands "$OUT"); do
  page="$MAN/lever-$cmd.1"
  if [ ! -f "$page" ]; then fail "no man page for 'lever $cmd' (expected man/lever-$cmd.1)"; continue; fi
  pass
  has "$cmd" "$man_lever"
  text=$(mandoc -T ascii "$page" | col -b)
  run "$cmd" --help
  help=$OUT
  for o in $(options "$help"); do has "$o" "$text" || echo "  (option $o of 'lever $cmd' is missing from lever-$cmd.1)" >&2; done
  for sub in $(subcommands "$help"); do
    has "$sub" "$text"
    run "$cmd" "$sub" --help
    for o in $(options "$OUT"); do has "$o" "$text" || echo "  (option $o of 'lever $cmd $sub' is missing from lever-$cmd.1)" >&2; done
  done
done
finish
