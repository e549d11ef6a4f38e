#!/usr/bin/env bash
# Runs the JMH benchmarks, writes JMH JSON into benchmarks/results/ and renders the Markdown table
# (docs/BENCHMARKS.md explains every variant and figure).
#
#   benchmarks/run.sh [quick|full] [crypto|e2e|purge|kms|text|journal|sealed|cold|all]  default: quick crypto
#
#   quick  spot check: 1 fork, short iterations; "quick all" takes about 3 minutes, "quick crypto" about 1.5
#   full   the published numbers: the iterations and forks declared on each benchmark class (about 8 minutes
#          for crypto, 6 for e2e, 4 for purge, 1.5 for kms on 2 cores)
#   cold   (not JMH) fresh JVMs to the first sealed submission, phase by phase, under cheap JVM options
#          (ColdStartRun); quick: 3 runs per configuration, full: 10; writes <date>-<machine>-cold[-quick].md
#
# Environment:
#   BENCH_MACHINE   the machine's name in the file names (default: <hostname>-<cores>core)
#   BENCH_JAR       the benchmarks jar (default: benchmarks/target/benchmarks.jar, built if missing)
#   JMH_ARGS        extra JMH arguments, e.g. JMH_ARGS="-prof gc" or JMH_ARGS="-p store=postgresql"
#
# e2e and purge need the local PostgreSQL (127.0.0.1:5432, user postgres, db test) and MariaDB
# (127.0.0.1:3306, user root, db test); see DEVELOPERS.md. Tables are named lsfbench_* and dropped at the end.
set -euo pipefail

mode=${1:-quick}
what=${2:-crypto}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=${BENCH_JAR:-$here/target/benchmarks.jar}
machine=${BENCH_MACHINE:-$(hostname -s 2>/dev/null || echo unknown)-$(nproc 2>/dev/null || echo 0)core}
day=$(date -u +%Y-%m-%d)
results=$here/results
mkdir -p "$results"

case $mode in
  quick|full) ;;
  *) echo "usage: $0 [quick|full] [crypto|e2e|purge|kms|text|journal|sealed|cold|all]" >&2; exit 2 ;;
esac
if [[ $what == cold ]]; then
  # the thin class path the benchmarks build copies (benchmarks/pom.xml): what a service loads
  thin=$here/target/benchmarks-0.1.0-SNAPSHOT.jar:$here/target/cold-start/*
  [[ -d $here/target/cold-start ]] || (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests)
  out=$results/$day-$machine-cold$([[ $mode == quick ]] && echo -quick).md
  echo "== cold ($mode) -> $out" >&2
  java -cp "$jar" dev.lhn.secureforms.bench.ColdStartRun --classpath "$thin" \
      --runs "$([[ $mode == quick ]] && echo 3 || echo 10)" --out "$out"
  exit 0
fi
case $what in
  all) suites=(crypto e2e purge kms text journal sealed) ;;
  crypto|e2e|purge|kms|text|journal|sealed) suites=("$what") ;;
  *) echo "usage: $0 [quick|full] [crypto|e2e|purge|kms|text|journal|sealed|cold|all]" >&2; exit 2 ;;
esac

if [[ ! -f $jar ]]; then
  echo "building $jar" >&2
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests)
fi
# Run from a copy, so that a rebuild during a long run cannot change the jar under the forks.
run_jar=$(mktemp "${TMPDIR:-/tmp}/lhn-benchmarks.XXXXXX.jar")
trap 'rm -f "$run_jar"' EXIT
cp "$jar" "$run_jar"

files=()
for suite in "${suites[@]}"; do
  case $suite in
    crypto)
      pattern='dev.lhn.secureforms.bench.CryptoBenchmark'
      profilers=(-prof dev.lhn.secureforms.bench.CpuTimeProfiler -prof gc)
      quick=(-f 1 -wi 2 -i 3 -w 1s -r 1s) ;;
    e2e)
      pattern='dev.lhn.secureforms.bench.E2eBenchmark'
      profilers=()
      quick=(-f 1 -wi 2 -i 2 -w 1s -r 2s) ;;
    journal)
      pattern='dev.lhn.secureforms.bench.JournalBenchmark'
      profilers=()
      quick=(-f 1 -wi 2 -i 3 -w 2s -r 3s) ;;
    purge)
      pattern='dev.lhn.secureforms.bench.PurgeBenchmark'
      profilers=()
      quick=(-f 1 -wi 0 -i 2 -p rows=20000) ;;
    kms)
      pattern='dev.lhn.secureforms.bench.KmsLatencyBenchmark'
      profilers=()
      quick=(-f 1 -wi 2 -i 3 -w 1s -r 2s) ;;
    text)
      pattern='dev.lhn.secureforms.bench.TextBenchmark'
      profilers=(-prof gc)
      quick=(-f 1 -wi 2 -i 3 -w 1s -r 1s) ;;
    sealed)
      pattern='dev.lhn.secureforms.bench.SealedSubmitBenchmark'
      profilers=()
      quick=(-f 1 -wi 2 -i 3 -w 1s -r 2s) ;;
  esac
  out=$results/$day-$machine-$suite.json
  [[ $mode == quick ]] && out=$results/$day-$machine-$suite-quick.json
  args=()
  [[ $mode == quick ]] && args=("${quick[@]}")
  echo "== $suite ($mode) -> $out" >&2
  # shellcheck disable=SC2086
  java -jar "$run_jar" "$pattern" "${args[@]}" "${profilers[@]}" ${JMH_ARGS:-} -rf json -rff "$out"
  files+=("$out")
done

table=${files[0]%.json}.md
[[ ${#files[@]} -gt 1 ]] && table=$results/$day-$machine-all$([[ $mode == quick ]] && echo -quick).md
java -cp "$run_jar" dev.lhn.secureforms.bench.RenderResults --out "$table" "${files[@]}"
echo "== table: $table" >&2
cat "$table"
