#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` builds lever_<version>_<arch>.deb whose control fields are
# right (Depends worked out by dpkg-shlibdeps, so it names libserialport0), which holds exactly what
# `cmake --install` installs, whose binary runs once extracted, and which dpkg installs into a
# throwaway root (its Depends checked against the packages of this machine) and removes cleanly.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
version=$(sed -nE 's/^project\(lever VERSION ([0-9.]+).*/\1/p' "$LEVER_SOURCE_DIR/CMakeLists.txt")
arch=$(dpkg --print-architecture)
if ! cpack -G DEB --config "$LEVER_BUILD_DIR/CPackConfig.cmake" -B "$TMP/pkg" >"$TMP/cpack.log" 2>&1; then
  fail "cpack -G DEB failed: $(tail -5 "$TMP/cpack.log")"
  finish; exit 1
fi
deb="$TMP/pkg/lever_${version}_${arch}.deb"
[ -f "$deb" ] && pass || { fail "no $deb: $(ls "$TMP/pkg")"; finish; exit 1; }

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
same "$(field Package)" "lever" "Package"
same "$(field Version)" "$version" "Version is the project's"
same "$(field Architecture)" "$arch" "Architecture"
same "$(field Section)" "science" "Section"
has "<" "$(field Maintainer)"
has "treadmill" "$(field Description)"
depends=$(field Depends)
for lib in libserialport0 libfmt9 libstdc++6 libc6; do has "$lib" "$depends"; done
info=$(dpkg-deb -I "$deb")
has "Installed-Size:" "$info"

# The same files as `cmake --install --prefix /usr`, with the usual owners and modes.
DESTDIR="$TMP/dest" cmake --install "$LEVER_BUILD_DIR" --prefix /usr >/dev/null 2>&1
installed=$(cd "$TMP/dest" && find . ! -type d | sort)
listing=$(dpkg-deb -c "$deb")
same "$(awk '$1 !~ /^d/ {print $6}' <<<"$listing" | sort)" "$installed" "package contents = cmake --install"
same "$(awk '{print $2}' <<<"$listing" | sort -u)" "root/root" "files owned by root"
has "-rwxr-xr-x root/root" "$(grep './usr/bin/lever$' <<<"$listing")"

# Extracted, the binary runs (stripped, still itself).
dpkg-deb -x "$deb" "$TMP/x"
X="$TMP/x/usr/bin/lever"
same "$("$X" --version)" "lever $version" "extracted lever --version"
kind=$(file -L "$X")
has ", stripped" "$kind"; lacks "not stripped" "$kind"
LEVER="$X"
expect 0 store init "$TMP/s1"
expect 0 --store "$TMP/s1" athlete add ann --mass 70
expect 0 --store "$TMP/s1" log-pain ann 2 --when before
expect 0 --store "$TMP/s1" store check

# dpkg installs it into a throwaway root whose package database holds only lever's dependencies,
# copied from this machine's, so an unsatisfiable Depends fails here.
R="$TMP/root"
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
deps=$(tr ',' '\n' <<<"$depends" | sed -E 's/^ *([^ (|]+).*/\1/' | sort -u)
# shellcheck disable=SC2086
dpkg-query -s $deps >"$R/var/lib/dpkg/status" 2>"$TMP/dq.err" || fail "dependencies not installed here: $(cat "$TMP/dq.err")"
for d in $deps; do touch "$R/var/lib/dpkg/info/$d.list"; done
if dpkg --root="$R" -i "$deb" >"$TMP/dpkg.log" 2>&1; then pass; else fail "dpkg -i: $(tail -5 "$TMP/dpkg.log")"; fi
same "$(dpkg --root="$R" -s lever 2>/dev/null | sed -n 's/^Status: //p')" "install ok installed" "dpkg status"
same "$("$R/usr/bin/lever" --version)" "lever $version" "dpkg-installed lever --version"
if dpkg --root="$R" -r lever >"$TMP/dpkg.log" 2>&1; then pass; else fail "dpkg -r: $(tail -5 "$TMP/dpkg.log")"; fi
same "$(find "$R/usr" ! -type d 2>/dev/null | wc -l)" "0" "nothing left after dpkg -r"
finish
