#!/usr/bin/env bash
# benchmarks/load/run.sh — the side-by-side load bench (issue 8) in one command.
#
# Measures, in one run on this machine and on 127.0.0.1 only:
#   raw ceiling (injector -> sink), Postfix (injector -> Postfix -> sink) and
#   Mailward (injector -> Mailward -> sink) for each profile, then writes a table
#   and PNG plots to benchmarks/results/<timestamp>/ and benchmarks/results/latest/.
#
# Usage: benchmarks/load/run.sh [--build] [options]
#   --build                    rebuild benchmarks.jar and relay-app first (otherwise only when missing)
#   --head                     measure the committed Mailward: build relay-app from `git archive HEAD` in a
#                              temp directory (nobody's working tree or ~/.m2 install is used for Mailward)
#   --profiles P1,P3           any of P1..P6 (P4 needs working delivery; P6 = P1 + a PDF attachment)
#   --attachment 2MB --companion 2   P6: PDF size; sessions of a concurrent 4 KB (P3-shaped) injector, 0 = none
#   --systems raw,postfix,mailward
#   --seconds 30s --warmup 40s --drain 60s      bounded legs (the warm-up lets C2 compile the hot paths)
#   --connections 16 --messages-per-connection 100
#   --delivery auto|on|off     Mailward delivery (auto: use it if mail reaches the sink)
#   --jfr                      record Mailward with JFR and summarise hot spots in the report
#   BENCH_MAILWARD_JVM_FLAGS="..." adds JVM flags to Mailward's JVM (e.g. -agentpath:.../libasyncProfiler.so=start,...)
#   --mailward-heap 1g  --p4-recipients 200000 (issue 8 asks 1000000: pass it for the full P4)
# Postfix legs need root and Debian's postfix package. JAVA_HOME selects the JDK.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"

BUILD=0
HEAD=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --build) BUILD=1 ;;
    --head) HEAD=1 ;;
    *) ARGS+=("$a") ;;
  esac
done

mvn_build() {
  # offline first (the usual case on a developer machine), then online
  ./mvnw -B -q -o "$@" || ./mvnw -B -q "$@"
}

SNAP=$(mktemp -d /tmp/mailward-bench-app.XXXXXX)
trap 'rm -rf "$SNAP"' EXIT
APP=relay-app/target
VERSION="relay-app/target of this checkout, built $(date -u -r relay-app/target/relay-app-0.1.0-SNAPSHOT.jar +%FT%TZ 2>/dev/null || echo now)"
if [ "$HEAD" = 1 ]; then
  echo "run.sh: building Mailward at $(git rev-parse --short HEAD) in $SNAP/src ..." >&2
  mkdir -p "$SNAP/src"
  git archive HEAD | tar -x -C "$SNAP/src"
  # package (not install): the reactor's own jars end up on runtime.classpath, ~/.m2 is left alone
  (cd "$SNAP/src" && { ./mvnw -B -q -o package -DskipTests -pl relay-app -am || ./mvnw -B -q package -DskipTests -pl relay-app -am; }) >&2
  APP=$SNAP/src/relay-app/target
  VERSION="commit $(git rev-parse --short HEAD) (git archive, built for this run)"
fi
APPJAR=$APP/relay-app-0.1.0-SNAPSHOT.jar
if [ "$HEAD" = 0 ] && { [ "$BUILD" = 1 ] || [ ! -f "$APPJAR" ] || [ ! -f "$APP/runtime.classpath" ]; }; then
  echo "run.sh: building relay-app and what it needs..." >&2
  mvn_build install -DskipTests -pl relay-app -am >&2
fi
if [ "$BUILD" = 1 ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  echo "run.sh: building benchmarks.jar..." >&2
  mvn_build package -DskipTests -pl benchmarks >&2
fi

# Snapshot Mailward's jar so a concurrent build cannot change it under a running leg.
cp "$APPJAR" "$SNAP/relay-app.jar"
cp "$APP/classes/mailward-jvm.flags" "$SNAP/jvm.flags"
# BENCH_MAILWARD_JVM_FLAGS (not MAILWARD_*: those are configuration overrides): extra flags for the Mailward JVM only (e.g. an async-profiler -agentpath)
if [ -n "${BENCH_MAILWARD_JVM_FLAGS:-}" ]; then
  printf ' %s\n' "$BENCH_MAILWARD_JVM_FLAGS" >> "$SNAP/jvm.flags"
fi
MAILWARD_CP="$SNAP/relay-app.jar:$(cat "$APP/runtime.classpath")"

exec_args=(-Djava.awt.headless=true -Xmx1g -cp benchmarks/target/benchmarks.jar org.mailward.bench.load.LoadBench
  --mailward-classpath "$MAILWARD_CP" --mailward-flags-file "$SNAP/jvm.flags" --out benchmarks/results
  --mailward-version "$VERSION")
"$JAVA" "${exec_args[@]}" "${ARGS[@]}"
