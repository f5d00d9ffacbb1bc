#!/usr/bin/env bash
# Completions: the committed scripts are exactly what the binary generates from its command
# definitions (so they cannot drift), and they work in the real bash, zsh and fish.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
C="$LEVER_SOURCE_DIR/completions"
for pair in bash:lever.bash zsh:_lever fish:lever.fish; do
  shell=${pair%%:*}; file=${pair#*:}
  run completions "$shell"
  if [ "$OUT" == "$(cat "$C/$file")" ]; then pass; else
    fail "completions/$file is stale: regenerate it with 'lever completions $shell > completions/$file'"
  fi
done
expect 2 completions tcsh

# Live values come from the store.
"$LEVER" athlete add ann --mass 70 >/dev/null 2>&1
"$LEVER" athlete add ben --mass 80 >/dev/null 2>&1
mkdir -p "$TMP/bin"
ln -s "$LEVER" "$TMP/bin/lever"
export PATH="$TMP/bin:$PATH"

bash_complete() {  # bash_complete WORD...: the candidates bash offers for the last word
  bash -c 'source /usr/share/bash-completion/bash_completion 2>/dev/null; source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lever; printf "%s\n" "${COMPREPLY[@]}"' "$C/lever.bash" "$@"
}
same "$(bash_complete lever athlete sh)" "show" "bash: subcommand"
same "$(bash_complete lever athlete show "" | sort | tr '\n' ' ')" "ann ben " "bash: athlete IDs from the store"
same "$(bash_complete lever log-pain ann 3 --when "" | tr '\n' ' ')" "before during after next-day " "bash: enumerated values"
same "$(bash_complete lever --format j)" "json" "bash: global option values"
has "--theatre-sign" "$(bash_complete lever log-pain ann 3 --th)"

zsh_complete() {  # zsh_complete WORD...: what _lever passes to compadd for the last word
  zsh -f -c 'compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print "<files>"; }
    source "$0"; words=("$@"); CURRENT=$#; _lever' "$C/_lever" "$@"
}
same "$(zsh_complete lever athlete show "" | sort | tr '\n' ' ')" "ann ben " "zsh: athlete IDs"
same "$(zsh_complete lever log-pain ann 3 --swelling "" | tr '\n' ' ')" "none mild moderate significant " "zsh: enumerated values"
has "log-pain" "$(zsh_complete lever "")"
same "$(zsh_complete lever log-pain --import "")" "<files>" "zsh: file argument"

fish_complete() { fish -c "source '$C/lever.fish'; complete -C '$1'" | cut -f1; }
same "$(fish_complete 'lever athlete show ' | sort | tr '\n' ' ')" "ann ben " "fish: athlete IDs"
same "$(fish_complete 'lever athlete ' | sort | tr '\n' ' ')" "add edit list show " "fish: subcommands"
same "$(fish_complete 'lever log-pain ann 3 --when ' | sort | tr '\n' ' ')" "after before during next-day " "fish: enumerated values"
finish
