# Content hashes that let setup steps skip work whose inputs did not change.
hash_files() { cat "$@" 2>/dev/null | sha1sum | cut -d' ' -f1; }
hash_tree() {
  find "$@" -type f 2>/dev/null | LC_ALL=C sort | while read -r f; do
    printf '%s %s\n' "$f" "$(sha1sum <"$f" | cut -d' ' -f1)"
  done | sha1sum | cut -d' ' -f1
}
stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
stamp_write() { mkdir -p "$(dirname "$1")"; printf '%s' "$2" >"$1"; }
