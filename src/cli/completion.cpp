#include "lever/cli/completion.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever {

ValueKind value_kind(const std::string& type_name) {
  std::string t = type_name.substr(0, type_name.find(':'));
  if (t.find("FILE") != std::string::npos) return {"file", {}};
  if (t == "DIR") return {"dir", {}};
  if (t == "ATHLETE") return {"live", {"athlete"}};
  if (t == "SID") return {"live", {"session"}};
  if (t == "UNIT") return {"live", {"unit"}};
  if (t == "TEMPLATE") return {"live", {"template"}};
  if (t == "PORT") return {"live", {"port"}};
  if (t.find('|') != std::string::npos) {
    ValueKind k{"enum", {}};
    size_t pos = 0;
    while (pos <= t.size()) {
      size_t bar = t.find('|', pos);
      if (bar == std::string::npos) bar = t.size();
      if (bar > pos) k.values.push_back(t.substr(pos, bar - pos));
      pos = bar + 1;
    }
    return k;
  }
  return {"text", {}};
}

namespace {

// One command path's completion data.
struct Node {
  std::string path;                                          // "" for the top, "athlete add", ...
  std::vector<std::string> subs;                             // visible subcommands
  std::vector<std::pair<std::string, ValueKind>> options;    // option name -> value kind (kind "" = flag)
  std::vector<ValueKind> positionals;                        // in order
  std::vector<std::string> descriptions;                     // for fish: "name\tdescription" of subs
};

void walk(const CLI::App& app, const std::string& path, std::vector<Node>& out) {
  Node n;
  n.path = path;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    n.subs.push_back(sub->get_name());
    n.descriptions.push_back(sub->get_name() + "\t" + sub->get_description());
  }
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;
    if (o->get_positional()) {
      n.positionals.push_back(value_kind(o->get_type_name()));
      continue;
    }
    ValueKind k = o->get_expected_max() == 0 ? ValueKind{"", {}} : value_kind(o->get_type_name());
    for (const auto& l : o->get_lnames()) n.options.emplace_back("--" + l, k);
    for (const auto& s : o->get_snames()) n.options.emplace_back("-" + s, k);
  }
  out.push_back(n);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    walk(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
}

std::string join(const std::vector<std::string>& v, const char* sep = " ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string kind_text(const ValueKind& k) {
  if (k.kind == "enum") return "enum:" + join(k.values);
  if (k.kind == "live") return "live:" + k.values.front();
  return k.kind;
}

// The data tables shared by the bash and zsh scripts (both have associative arrays).
std::string tables(const std::vector<Node>& nodes, bool zsh) {
  std::string s;
  std::string decl = zsh ? "typeset -gA" : "declare -gA";
  s += decl + " _lever_subs _lever_opts _lever_vals _lever_pos\n";
  auto set = [&](const char* arr, const std::string& key, const std::string& val) {
    s += fmt::format("_lever_{}[\"{}\"]=\"{}\"\n", arr, key, val);
  };
  for (const auto& n : nodes) {
    std::string key = n.path.empty() ? "-" : n.path;
    set("subs", key, join(n.subs));
    std::vector<std::string> names;
    for (const auto& [name, k] : n.options) {
      names.push_back(name);
      if (!k.kind.empty()) set("vals", key + " " + name, kind_text(k));
    }
    set("opts", key, join(names));
    for (size_t i = 0; i < n.positionals.size(); ++i) set("pos", fmt::format("{} {}", key, i), kind_text(n.positionals[i]));
  }
  return s;
}

// The word-walking logic, in the common subset of bash and zsh.
const char* kWalk = R"SH(
# _lever_walk WORD...: sets _lever_path (command path), _lever_npos (positionals seen) and
# _lever_pending (the option whose value comes next, if any).
_lever_walk() {
  _lever_path="-"; _lever_npos=0; _lever_pending=""
  local w
  for w in "$@"; do
    if [ -n "$_lever_pending" ]; then _lever_pending=""; continue; fi
    case "$w" in
      -*=*) ;;
      -*)
        if [ -n "${_lever_vals["$_lever_path $w"]}" ] || [ -n "${_lever_vals["- $w"]}" ]; then _lever_pending="$w"; fi ;;
      *)
        if [[ " ${_lever_subs["$_lever_path"]} " == *" $w "* ]]; then
          if [ "$_lever_path" = "-" ]; then _lever_path="$w"; else _lever_path="$_lever_path $w"; fi
          _lever_npos=0
        else
          _lever_npos=$((_lever_npos + 1))
        fi ;;
    esac
  done
}
# _lever_values KIND: prints the candidates for a value kind (live ones ask lever itself).
_lever_values() {
  case "$1" in
    enum:*) printf '%s\n' ${1#enum:} ;;
    live:port) printf '%s\n' sim: tcp: pty: serial: /dev/ttyUSB* /dev/ttyACM* 2>/dev/null ;;
    live:*) lever __ids "${1#live:}" 2>/dev/null ;;
  esac
}
)SH";

std::string bash_script(const std::vector<Node>& nodes) {
  std::string s = "# bash completion for lever (generated by 'lever completions bash'; do not edit)\n";
  s += tables(nodes, false);
  s += kWalk;
  s += R"SH(
_lever() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  _lever_walk "${COMP_WORDS[@]:1:COMP_CWORD-1}"
  local kind=""
  if [ -n "$_lever_pending" ]; then
    kind=${_lever_vals["$_lever_path $_lever_pending"]:-${_lever_vals["- $_lever_pending"]}}
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "${_lever_opts["$_lever_path"]} ${_lever_opts["-"]}" -- "$cur"))
    return
  else
    kind=${_lever_pos["$_lever_path $_lever_npos"]}
    if [ -n "${_lever_subs["$_lever_path"]}" ]; then
      COMPREPLY=($(compgen -W "${_lever_subs["$_lever_path"]}" -- "$cur"))
      return
    fi
  fi
  case "$kind" in
    file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
    enum:*|live:*) COMPREPLY=($(compgen -W "$(_lever_values "$kind")" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
complete -F _lever lever
)SH";
  return s;
}

std::string zsh_script(const std::vector<Node>& nodes) {
  std::string s = "#compdef lever\n# zsh completion for lever (generated by 'lever completions zsh'; do not edit)\n";
  s += tables(nodes, true);
  // zsh does not split unquoted expansions; ${=...} asks it to.
  std::string walk = kWalk;
  const std::string from = "printf '%s\\n' ${1#enum:}", to = "printf '%s\\n' ${=1#enum:}";
  walk.replace(walk.find(from), from.size(), to);
  s += walk;
  s += R"SH(
_lever() {
  local cur=${words[CURRENT]}
  _lever_walk "${(@)words[2,CURRENT-1]}"
  local kind=""
  if [[ -n "$_lever_pending" ]]; then
    kind=${_lever_vals["$_lever_path $_lever_pending"]:-${_lever_vals["- $_lever_pending"]}}
  elif [[ "$cur" == -* ]]; then
    compadd -- ${=_lever_opts["$_lever_path"]} ${=_lever_opts["-"]}
    return
  else
    kind=${_lever_pos["$_lever_path $_lever_npos"]}
    if [[ -n "${_lever_subs["$_lever_path"]}" ]]; then
      compadd -- ${=_lever_subs["$_lever_path"]}
      return
    fi
  fi
  case "$kind" in
    file) _files ;;
    dir) _files -/ ;;
    enum:*|live:*) compadd -- ${(f)"$(_lever_values "$kind")"} ;;
  esac
}
if [[ "$funcstack[1]" == "_lever" ]]; then _lever "$@"; else compdef _lever lever; fi
)SH";
  return s;
}

std::string fish_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') q += '\\';
    q += c;
  }
  return q + "'";
}

std::string fish_script(const std::vector<Node>& nodes) {
  std::string s = "# fish completion for lever (generated by 'lever completions fish'; do not edit)\n";
  s += R"SH(function __lever_path --description 'The lever command path typed so far'
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    set -l skip 0
    for w in $words
        if test $skip -eq 1; set skip 0; continue; end
        if string match -q -- '-*' $w
            contains -- $w $__lever_valued; and not string match -q -- '*=*' $w; and set skip 1
            continue
        end
        set -l key (string join ' ' $path)
        test -z "$key"; and set key '-'
        set -l subs (__lever_subs $key)
        if contains -- $w $subs
            set path $path $w
        end
    end
    set -l key (string join ' ' $path)
    test -z "$key"; and set key '-'
    echo $key
end
function __lever_at --argument-names want --description 'True when the command path is want'
    test (__lever_path) = "$want"
end
)SH";
  std::vector<std::string> valued;
  std::string subs_fn = "function __lever_subs --argument-names key\n    switch $key\n";
  std::string body;
  for (const auto& n : nodes) {
    std::string key = n.path.empty() ? "-" : n.path;
    subs_fn += fmt::format("        case {}\n            printf '%s\\n' {}\n", fish_quote(key), join(n.subs));
    // Keys hold only a-z, digits, '-' and spaces, so single quotes inside double quotes are safe.
    std::string cond = fmt::format("-n \"__lever_at '{}'\"", key);
    for (const auto& d : n.descriptions) {
      auto tab = d.find('\t');
      body += fmt::format("complete -c lever -f {} -a {} -d {}\n", cond, fish_quote(d.substr(0, tab)), fish_quote(d.substr(tab + 1)));
    }
    for (const auto& [name, k] : n.options) {
      std::string opt = name.rfind("--", 0) == 0 ? "-l " + name.substr(2) : "-s " + name.substr(1);
      std::string scope = n.path.empty() ? "" : cond + " ";
      std::string args;
      if (!k.kind.empty()) {
        valued.push_back(name);
        if (k.kind == "enum") args = " -x -a " + fish_quote(join(k.values));
        else if (k.kind == "live") args = " -x -a '(lever __ids " + k.values.front() + " 2>/dev/null)'";
        else if (k.kind == "file" || k.kind == "dir") args = " -r -F";
        else args = " -x";
      }
      body += fmt::format("complete -c lever {}{}{}\n", scope, opt, args);
    }
    for (const auto& p : n.positionals) {
      if (p.kind == "enum") body += fmt::format("complete -c lever -f {} -a {}\n", cond, fish_quote(join(p.values)));
      else if (p.kind == "live") body += fmt::format("complete -c lever -f {} -a '(lever __ids {} 2>/dev/null)'\n", cond, p.values.front());
      else if (p.kind == "file") body += fmt::format("complete -c lever {} -F\n", cond);
    }
  }
  subs_fn += "    end\nend\n";
  std::sort(valued.begin(), valued.end());
  valued.erase(std::unique(valued.begin(), valued.end()), valued.end());
  s += "set -g __lever_valued " + join(valued) + "\n" + subs_fn + "complete -c lever -f\n" + body;
  return s;
}

}  // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
  std::vector<Node> nodes;
  walk(app, "", nodes);
  if (shell == "bash") return bash_script(nodes);
  if (shell == "zsh") return zsh_script(nodes);
  if (shell == "fish") return fish_script(nodes);
  throw Error(Exit::usage, fmt::format("no completion for the shell '{}'", shell), "use bash, zsh or fish");
}

}  // namespace lever
