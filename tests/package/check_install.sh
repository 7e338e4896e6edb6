#!/bin/sh
# check_install.sh BUILD_DIR: `cmake --install` into a fresh prefix, then use the
# installation the way a user would, from a folder outside the source tree and
# through a symlink to the installed command (as /usr/local/bin/x -> ... would be):
#   - every command and man page is there, the scripts are links into share/triobench;
#   - --version of the sweep and of an executable print project()'s version;
#   - a dry run plans the installed executables, and a one-run sweep writes its
#     results under the current folder (triobench-results/), not in the prefix;
#   - with an executable missing, the sweep says so in one line (exit 2) and
#     never tries to build.
set -eu
build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^project(triobench VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/triobench-serial bin/triobench-omp bin/triobench-sweep bin/triobench-plot \
         share/triobench/installed.json share/triobench/bench/presets/quick.toml \
         share/triobench/plots/tbplots/cli.py share/triobench/bench/tbcommon/stats.py \
         share/doc/triobench/LICENSE share/doc/triobench/copyright share/doc/triobench/CHANGELOG.md \
         share/man/man1/triobench-sweep.1.gz share/man/man1/triobench-omp.1.gz; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ -L "$prefix/bin/triobench-sweep" ] || fail "bin/triobench-sweep is not a link into share/triobench"
[ ! -e "$prefix/share/triobench/bench/tests" ] || fail "the tests were installed"

# A link to the installed command, somewhere else, used from a third folder.
mkdir "$tmp/links" "$tmp/work"
ln -s "$prefix/bin/triobench-sweep" "$tmp/links/triobench-sweep"
cd "$tmp/work"
sweep=$tmp/links/triobench-sweep
out=$("$sweep" --version) || fail "triobench-sweep --version"
[ "$out" = "triobench-sweep $version" ] || fail "triobench-sweep --version says '$out', not $version"
out=$("$prefix/bin/triobench-serial" --version)
case $out in "triobench-serial $version "*) ;; *) fail "triobench-serial --version says '$out'" ;; esac

"$sweep" --kernels stencil --backends serial,omp --pes 1 --reps 1 --dry-run >"$tmp/plan" 2>&1 ||
    { cat "$tmp/plan"; fail "dry run"; }
grep -q "$prefix/bin/triobench-serial stencil" "$tmp/plan" || { cat "$tmp/plan"; fail "the plan does not run the installed executable"; }

"$sweep" --kernels stencil --backends serial --pes 1 --reps 1 --size 64 --iters 2 \
    --no-probes --no-plot >"$tmp/run" 2>&1 || { cat "$tmp/run"; fail "a one-run sweep"; }
set -- "$tmp"/work/triobench-results/sweep-*/results.jsonl
[ -s "$1" ] || { cat "$tmp/run"; fail "no results.jsonl under ./triobench-results/"; }
grep -q "\"suite_version\": *\"$version\"" "$1" || fail "the record's suite_version is not $version"
if grep -q "building" "$tmp/run"; then fail "the installed sweep tried to build"; fi
[ -z "$(find "$prefix" -newer "$tmp/install.log" -print -quit)" ] || fail "the sweep wrote into the prefix"

rm "$prefix/bin/triobench-serial"
status=0
"$sweep" --kernels stencil --backends serial --pes 1 --reps 1 --no-probes --no-plot --out "$tmp/w2" \
    >"$tmp/missing" 2>&1 || status=$?
[ "$status" = 2 ] || { cat "$tmp/missing"; fail "missing executable: exit $status, not 2"; }
[ "$(wc -l <"$tmp/missing")" = 1 ] && grep -q "never builds" "$tmp/missing" ||
    { cat "$tmp/missing"; fail "missing executable: not one line saying the installation never builds"; }
echo "install ok: $prefix ($(du -sk "$prefix" | cut -f1) KiB), version $version"
