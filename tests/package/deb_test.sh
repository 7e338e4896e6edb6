#!/bin/sh
# deb_test.sh [BUILD_DIR]: the Debian package, the way an administrator and a
# user meet it (needs root: it installs into the system; CI runs it from
# tests/run with TRIOBENCH_CI=1; by hand: sudo sh tests/package/deb_test.sh build).
#   1. cpack -G DEB in BUILD_DIR (default build/, which must be built; it is
#      portable unless configured with TRIOBENCH_NATIVE=ON, which is refused);
#   2. its control file: the version of project(), the MIT licence, and
#      dependencies on Python, hwloc, an MPI launcher and the linked libraries;
#   3. apt-get install ./triobench_*.deb (refused if triobench is installed);
#   4. as the user nobody, from a new folder outside the source tree:
#      triobench-sweep --preset quick --out DIR, restricted (below);
#   5. apt-get purge: every file gone, nothing left under /usr/share/triobench.
#
# Time: the whole quick preset takes ~3 minutes on a quiet 2-core machine, too
# much for CI's budget (.ci/run). Restricted to --kernels stencil,pingpong
# --reps 2 it still runs a scaling kernel in all four models and a micro-
# benchmark over MPI, the roofline probes and the plotter through the
# installed commands, in well under a minute: what it shows is that the
# installed files work together, not new numbers.
set -eu
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$source_dir/build}" && pwd)
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb_test: needs root (it installs the package): sudo sh $0 $*" >&2; exit 2; }
if dpkg-query -W -f='${Status}' triobench 2>/dev/null | grep -q "install ok installed"; then
    echo "deb_test: triobench is installed already; remove it first (apt-get purge triobench)" >&2
    exit 2
fi
grep -q '^TRIOBENCH_NATIVE:BOOL=OFF' "$build/CMakeCache.txt" ||
    fail "$build is built with -march=native: a package must be portable"
version=$(sed -n 's/^project(triobench VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

work=$(mktemp -d /tmp/triobench-deb.XXXXXX)
chmod 755 "$work"
cleanup() {
    if dpkg-query -W triobench >/dev/null 2>&1; then
        apt-get purge -y -q triobench >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# 1. The package, built in a copy of the CPack config's output folder.
(cd "$build" && cpack -G DEB -B "$work/cpack") >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; fail "cpack -G DEB"; }
set -- "$work"/cpack/triobench_"$version"_*.deb
deb=$1
[ -f "$deb" ] || { cat "$work/cpack.log"; fail "no triobench_${version}_*.deb"; }

# 2. Its control file.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = triobench ] || fail "package name $(field Package)"
[ "$(field Version)" = "$version" ] || fail "package version $(field Version), project() says $version"
depends=$(field Depends)
for dep in "python3 (>= 3.11)" hwloc libc6 libhwloc libgomp1; do
    case $depends in *"$dep"*) ;; *) fail "Depends lacks $dep: $depends" ;; esac
done
if [ -x "$build/bin/triobench-mpi" ]; then
    case $depends in *openmpi-bin*|*mpich*) ;; *) fail "Depends lacks an MPI launcher: $depends" ;; esac
    case $depends in *libopenmpi*|*libmpich*) ;; *) fail "Depends lacks the MPI library: $depends" ;; esac
fi
# (From the .deb: a container's dpkg may be set to leave out docs and man pages.)
contents=$(dpkg-deb -c "$deb")
for cmd in serial omp sweep plot; do
    case $contents in *"./usr/share/man/man1/triobench-$cmd.1.gz"*) ;; *) fail "no man page for triobench-$cmd" ;; esac
done
copyright=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/doc/triobench/copyright)
case $copyright in "MIT License"*) ;; *) fail "no MIT licence in /usr/share/doc/triobench/copyright" ;; esac

# 3. Installed as an administrator would.
apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log"; fail "apt-get install $deb"; }
for cmd in triobench-serial triobench-omp triobench-sweep triobench-plot; do
    [ "$(command -v "$cmd")" = "/usr/bin/$cmd" ] || fail "$cmd is not /usr/bin/$cmd"
done
installed_kib=$(dpkg-query -W -f='${Installed-Size}' triobench)

# 4. Used by someone who is not root, in a folder of theirs (HOME for
# matplotlib's cache), not in the source tree.
user=nobody
mkdir "$work/home"
chown "$user" "$work/home"
cd "$work/home"
runuser -u "$user" -- env HOME="$work/home" MPLCONFIGDIR="$work/home/.mpl" \
    triobench-sweep --preset quick --kernels stencil,pingpong --reps 2 --out "$work/home/out" \
    >"$work/sweep.log" 2>&1 || { cat "$work/sweep.log"; fail "triobench-sweep as $user"; }
results=$work/home/out/results.jsonl
[ -s "$results" ] || fail "no $results"
/usr/bin/python3 - "$results" "$version" <<'PY' || fail "the records"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
backends = {r["backend"] for r in records}
bad = [r for r in records if r["validated"] is not True or r["suite_version"] != sys.argv[2]
       or r["build"]["march_native"] is not False]
if bad or not {"serial", "omp", "mpi", "hybrid"} <= backends:
    sys.exit("records: %d not validated/portable/version %s; backends %s" % (len(bad), sys.argv[2], sorted(backends)))
print("deb_test: %d records, backends %s" % (len(records), ", ".join(sorted(backends))))
PY
[ -f "$work/home/out/report/report.html" ] || { cat "$work/sweep.log"; fail "no report/report.html"; }
if grep -q "building" "$work/sweep.log"; then fail "the installed sweep tried to build"; fi

# 5. Removed cleanly.
apt-get purge -y -q triobench >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
for path in /usr/share/triobench /usr/share/doc/triobench /usr/bin/triobench-sweep /usr/bin/triobench-omp \
            /usr/share/man/man1/triobench-sweep.1.gz; do
    [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path left after apt-get purge"
done
echo "deb_test: ok: $(basename "$deb") $(du -k "$deb" | cut -f1) KiB, installed $installed_kib KiB; installed, run as $user, purged"
