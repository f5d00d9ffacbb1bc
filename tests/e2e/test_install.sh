#!/usr/bin/env bash
# `cmake --install` puts exactly the binary, man pages, completions, schemas, README and NEWS where the
# system looks for them (prefix /usr, into a DESTDIR), and each works from there: the binary runs,
# man finds and renders every page, and bash-completion, zsh and fish load their completions.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
SRC=$LEVER_SOURCE_DIR
DEST="$TMP/dest"
if ! DESTDIR="$DEST" cmake --install "$LEVER_BUILD_DIR" --prefix /usr >"$TMP/install.log" 2>&1; then
  fail "cmake --install failed: $(tail -5 "$TMP/install.log")"
  finish; exit 1
fi
pass
U="$DEST/usr"

# Exactly these files, nothing missing and nothing extra (no test program, fuzzer, bench or shim).
expected() {
  echo usr/bin/lever
  for p in "$SRC"/man/*.[157]; do echo "usr/share/man/man${p##*.}/$(basename "$p")"; done
  echo usr/share/bash-completion/completions/lever
  echo usr/share/zsh/vendor-completions/_lever
  echo usr/share/fish/vendor_completions.d/lever.fish
  for s in "$SRC"/schemas/*.schema.json; do echo "usr/share/lever/schemas/$(basename "$s")"; done
  for s in "$SRC"/schemas/output/*.schema.json; do echo "usr/share/lever/schemas/output/$(basename "$s")"; done
  echo usr/share/doc/lever/README.md
  echo usr/share/doc/lever/NEWS
}
same "$(cd "$DEST" && find . ! -type d | sed 's|^\./||' | sort)" "$(expected | sort)" "installed files"
same "$(ls "$SRC"/man/*.1 | wc -l)" "$(ls "$U"/share/man/man1 | wc -l)" "every man(1) page installed"
has "lever-store.5" "$(ls "$U/share/man/man5")"
has "lever-protocol.7" "$(ls "$U/share/man/man7")"
same "$(stat -c %a "$U/bin/lever")" "755" "binary mode"
same "$(find "$U/share" -type f ! -perm 644 | wc -l)" "0" "data files are 0644"
cmp -s "$SRC/completions/lever.bash" "$U/share/bash-completion/completions/lever" && pass ||
  fail "the installed bash completion is not completions/lever.bash"

# The installed binary runs on its own, against a fresh store.
version=$(sed -nE 's/^project\(lever VERSION ([0-9.]+).*/\1/p' "$SRC/CMakeLists.txt")
same "$("$U/bin/lever" --version)" "lever $version" "installed lever --version"
LEVER="$U/bin/lever"
expect 0 store init "$TMP/s1"
expect 0 --store "$TMP/s1" athlete add ann --mass 70 --name "Ann Example"
expect 0 --store "$TMP/s1" --json athlete show ann
has '"mass_kg": 70' "$OUT"
expect 0 --store "$TMP/s1" store check

# man finds every page by name under the installed manpath and renders it.
export MANPATH="$U/share/man" MANWIDTH=80
for p in "$U"/share/man/man*/*; do
  name=$(basename "$p"); section=${name##*.}; name=${name%.*}
  same "$(man -w "$section" "$name" 2>&1)" "$p" "man -w $section $name"
  text=$(man -l "$p" 2>"$TMP/man.err" | col -b)
  same "$(cat "$TMP/man.err")" "" "man -l $name.$section warnings"
  has "NAME" "$text"
  has "$name" "$text"
done
unset MANPATH

# bash-completion loads lever's completion on demand from the installed data dir.
lever_in_path="$U/bin:$PATH"
out=$(PATH="$lever_in_path" XDG_DATA_DIRS="$U/share" bash -c '
  source /usr/share/bash-completion/bash_completion || exit 1
  __load_completion lever || { echo "not loaded"; exit 1; }
  shopt -s extdebug; declare -F _lever | cut -d" " -f3
  COMP_WORDS=(lever athlete sh); COMP_CWORD=2; _lever; printf "%s\n" "${COMPREPLY[@]}"' 2>&1)
same "$out" "$U/share/bash-completion/completions/lever
show" "bash: completion loaded from the install and completes a subcommand"

# zsh: Debian's zsh has vendor-completions on its fpath; compinit binds _lever to lever.
has "/usr/share/zsh/vendor-completions" "$(zsh -f -c 'print -l $fpath')"
same "$(zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D; print $_comps[lever]' \
  _ "$U/share/zsh/vendor-completions")" "_lever" "zsh: compinit finds _lever"

# fish: vendor_completions.d under each XDG data dir is on its completion path.
out=$(PATH="$lever_in_path" XDG_DATA_DIRS="$U/share" fish -c 'complete -C "lever athlete "' | cut -f1 | sort | tr '\n' ' ')
same "$out" "add edit list show " "fish: subcommands from the installed completion"
finish
