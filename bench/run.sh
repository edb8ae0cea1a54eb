#!/usr/bin/env bash
# Depot upload benchmark: Depot on Payara Micro and on WildFly, side by side with nginx (WebDAV PUT), dd
# and a discarding sink, in one run on one machine. Not part of the test gate (BenchScriptTest checks
# that it parses, that the files it names exist and that it starts both servers as the build does).
# Method: docs/benchmarks.md.
#
#   bench/run.sh [options]
#     -s SIZES     single-upload sizes (default "100M 1G"; suffixes as head -c: K M G)
#     -r N         repeats per target and size (default 3)
#     -m MODES     Depot fsync modes, each a phase with its own Depot JVMs (default "nofsync fsync")
#     -S SERVERS   servers Depot runs on, side by side (default "payara wildfly")
#     -c N         concurrent uploads per round (default 16; 0 skips)
#     -l N         slow uploads in the starvation check (default 256; 0 skips)
#     -z SIZE      size of each concurrent upload and of the fast one in the starvation check (default 100M)
#     -b SIZE      big upload for the memory check, e.g. 10G (default 0 = skip)
#     -u SIZE      resumable upload (tus 1.0) in the fsync phase: tus-js-client 4.3.1 in Node, 50 MiB chunks,
#                  to Depot's /uploads and to @tus/server 2.4.5 + @tus/file-store 2.1.1 (bench/tus)
#                  side by side (default 1G; 0 skips)
#     -j           record each Depot JVM with JFR (settings=profile) and print where its CPU went
#     -f           run even when the 1-minute load average is above 1; every figure is then marked
#     -w DIR       work folder (default target/bench): data, server folders, logs, raw.tsv, results.md
#     -k           keep the data files afterwards (stored files are always deleted after each upload)
#     -n           do not build: use target/depot.war, target/payara-micro.jar, target/wildfly-* as they are
#
# Debian packages it needs (checked first; a missing one is named with the apt-get line to install it):
#   nginx-light (nginx with the WebDAV module), curl, openssl, python3, time (GNU /usr/bin/time),
#   procps (pgrep), openjdk-17-jdk-headless (java, jcmd, jfr), maven (builds depot.war and fetches
#   Payara Micro and the WildFly zip from Maven Central, in the versions pom.xml names); for -u also
#   nodejs and npm (the tus client and the peer server come from npm, pinned by their lockfiles).
#
# Ports, loopback only: Payara Micro 19080; WildFly 19180 (HTTPS 19143, management 19190/19193); nginx
# PUT 19081; sink 19082; @tus/server 19083 (TUS_PORT, PAYARA_PORT, WILDFLY_PORT, WILDFLY_HTTPS_PORT, WILDFLY_MGMT_PORT,
# WILDFLY_MGMT_HTTPS_PORT, NGINX_PORT, SINK_PORT). Other environment: DEPOT_WAR (another build),
# DEPOT_JAVA_OPTS (more JVM options for both servers), DEPOT_HEAP (-Xmx, default 512m), JAVA,
# MVN (default "mvn -B -q"), LOAD_MAX (default 1), DEPOT_MAX_HTTP_THREADS (Payara's --maxhttpthreads,
# default 1024 as in the run command), DEPOT_WILDFLY_TASK_MAX_THREADS (overrides what
# docker/wildfly/depot.cli sets; "default" removes it, for an A/B of the starvation check).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SIZES="100M 1G"; REPEATS=3; MODES="nofsync fsync"; SERVERS="payara wildfly"; CONC=16; SLOW=256
CONC_SIZE=100M; BIG=0; TUS_SIZE=1G; JFR=0; FORCE=0; WORK="$ROOT/target/bench"; KEEP=0; BUILD=1
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while getopts "s:r:m:S:c:l:z:b:u:jfw:knh" opt; do
  case $opt in
    s) SIZES=$OPTARG ;; r) REPEATS=$OPTARG ;; m) MODES=$OPTARG ;; S) SERVERS=$OPTARG ;; c) CONC=$OPTARG ;;
    l) SLOW=$OPTARG ;; z) CONC_SIZE=$OPTARG ;; b) BIG=$OPTARG ;; u) TUS_SIZE=$OPTARG ;; j) JFR=1 ;; f) FORCE=1 ;; w) WORK=$OPTARG ;;
    k) KEEP=1 ;; n) BUILD=0 ;; h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
  esac
done
PAYARA_PORT=${PAYARA_PORT:-19080}; NGINX_PORT=${NGINX_PORT:-19081}; SINK_PORT=${SINK_PORT:-19082}; TUS_PORT=${TUS_PORT:-19083}
WILDFLY_PORT=${WILDFLY_PORT:-19180}; WILDFLY_HTTPS_PORT=${WILDFLY_HTTPS_PORT:-19143}
WILDFLY_MGMT_PORT=${WILDFLY_MGMT_PORT:-19190}; WILDFLY_MGMT_HTTPS_PORT=${WILDFLY_MGMT_HTTPS_PORT:-19193}
JAVA=${JAVA:-java}; MVN=${MVN:-mvn -B -q}
DEPOT_HEAP=${DEPOT_HEAP:-512m}
LOAD_MAX=${LOAD_MAX:-1}
CURL_MAX=${CURL_MAX:-900}          # no single transfer may take longer than this (s)
SLOW_SIZE=${SLOW_SIZE:-1M}; SLOW_RATE=${SLOW_RATE:-64k}
# No cap on one caller's concurrent uploads: the starvation check sends 256 at once from one account.
DEPOT_SETTINGS=(-Ddepot.max-file-size=20GiB -Ddepot.min-free-space=1GiB -Ddepot.max-concurrent-uploads=unlimited)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "$*"; exit 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }
above() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a > b)}'; }

# ---------- what the machine must have ----------
check_tools() {
  local missing=() pkgs=()
  need() { command -v "$1" >/dev/null 2>&1 || { missing+=("$1"); pkgs+=("$2"); }; }
  need nginx nginx-light; need curl curl; need openssl openssl; need python3 python3
  need /usr/bin/time time; need pgrep procps; need "$JAVA" openjdk-17-jdk-headless; need jcmd openjdk-17-jdk-headless
  [[ $JFR == 0 ]] || need jfr openjdk-17-jdk-headless
  need mvn maven
  if [[ $TUS_SIZE != 0 ]]; then need node nodejs; need npm npm; fi
  if command -v nginx >/dev/null 2>&1 && ! nginx -V 2>&1 | grep -q -- --with-http_dav_module; then
    missing+=("nginx's WebDAV module"); pkgs+=(nginx-light)
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "missing: ${missing[*]}"
    log "install with: apt-get update && apt-get install -y $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')"
    exit 2
  fi
}

# Another process using the CPUs makes every figure slower, and not equally: whoever needs more CPU per
# byte loses more. So the run refuses to start on a busy machine unless forced, and then says so.
check_load() {
  START_LOAD=$(load1)
  if above "$START_LOAD" "$LOAD_MAX"; then
    if [[ $FORCE == 1 ]]; then
      log "1-minute load average $START_LOAD > $LOAD_MAX: running anyway (-f); every figure is marked as taken under load"
    else
      log "1-minute load average $START_LOAD > $LOAD_MAX: the figures would measure the other work too."
      log "Wait for an idle machine, or pass -f to run anyway (the report then says the figures were taken under load)."
      exit 3
    fi
  fi
}

check_tools
check_load
mkdir -p "$WORK"/{data,logs}
WORK=$(cd "$WORK" && pwd)
RAW="$WORK/raw.tsv"; : > "$RAW"
NGINX_ROOT="$WORK/nginx-root"; DD_DIR="$WORK/dd"; STORED_LIST="$WORK/stored.list"; : > "$STORED_LIST"
pom_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }
PAYARA_VERSION=$(pom_prop payara.version); WILDFLY_VERSION=$(pom_prop wildfly.version)
WILDFLY_HOME="$ROOT/target/wildfly-$WILDFLY_VERSION"
WAR=${DEPOT_WAR:-$ROOT/target/depot.war}
NGINX_PID=""; TUSPEER_PID=""
TUS_CLIENT="$ROOT/src/test/node/tus-client.mjs"; TUS_PEER_DIR="$WORK/tuspeer"; TUS_FILES="$WORK/tusfiles"
declare -A PID=() LAUNCHER=() BASE=() RESULTS=() HEALTH=() HOME_OF=() AUTH=()

meta() { printf '#%s' "$1" >> "$RAW"; shift; printf '\t%s' "$@" >> "$RAW"; printf '\n' >> "$RAW"; }

cleanup() {
  local s
  for s in "${!PID[@]}"; do stop_depot "$s" || true; done
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [[ -n "$TUSPEER_PID" ]] && kill "$TUSPEER_PID" 2>/dev/null && wait "$TUSPEER_PID" 2>/dev/null || true
  rm -rf "$NGINX_ROOT" "$DD_DIR" "$TUS_PEER_DIR" "$TUS_FILES" "$WORK/payara" "$WORK/wildfly" "$WORK"/out.* "$WORK"/conc.* "$WORK"/slow.*
  if [[ $KEEP == 0 ]]; then rm -rf "$WORK/data"; fi
}
trap cleanup EXIT

# ---------- /proc helpers (all figures are for the server's processes, not the client's) ----------
pids_of() { # TOKEN -> the server's pids
  case $1 in
    nginx|sink) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
    tuspeer) echo "$TUSPEER_PID" ;;
    *:*) echo "${PID[${1%%:*}]}" ;;
    *) echo "" ;;
  esac
}
sum_write_bytes() { local s=0 p; for p in $1; do s=$((s + $(awk '/^write_bytes/{print $2}' /proc/$p/io))); done; echo $s; }
sum_cpu_ticks() { local s=0 p; for p in $1; do s=$((s + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $s; }
sum_rss_kb() { local s=0 p; for p in $1; do s=$((s + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done; echo $s; }
sum_hwm_kb() { local s=0 p; for p in $1; do s=$((s + $(awk '/^VmHWM/{print $2}' /proc/$p/status))); done; echo $s; }
reset_hwm() { local p; for p in $1; do echo 5 > /proc/$p/clear_refs; done; }
cpu_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/hz}'; }
heap_after_gc_kb() { # PID -> full GC, then the heap's used KiB
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/used/{for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub(/K,?/,"",v); print v; exit}}'
}
sha_of() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
bytes_of() { stat -c %s "$1"; }

# columns: phase server kind target size_bytes rep wall_s write_bytes cpu_s rss_growth_kb heap_delta_kb
#          sha_ok http extra load_before load_after   (loads: 1-minute average right before/after the timing)
record() { local IFS=$'\t'; echo "$*" >> "$RAW"; }

# ---------- build and servers ----------
build() {
  if [[ $BUILD == 1 ]]; then
    log "building depot.war"
    (cd "$ROOT" && $MVN package -DskipTests)
  fi
  [[ -f $WAR ]] || die "no $WAR: build it (mvn package -DskipTests) or leave out -n"
  if [[ " $SERVERS " == *" payara "* && ! -f "$ROOT/target/payara-micro.jar" ]]; then
    log "fetching Payara Micro $PAYARA_VERSION"
    (cd "$ROOT" && $MVN dependency:copy -Dartifact="fish.payara.extras:payara-micro:$PAYARA_VERSION" \
      -DoutputDirectory=target -Dmdep.stripVersion=true)
  fi
  if [[ " $SERVERS " == *" wildfly "* && ! -x "$WILDFLY_HOME/bin/standalone.sh" ]]; then
    # The same zip the wildfly profile of pom.xml unpacks for the WildFly test suite.
    log "unpacking WildFly $WILDFLY_VERSION"
    (cd "$ROOT" && $MVN dependency:unpack -Dartifact="org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip" -DoutputDirectory=target)
  fi
}

make_data() { # random files, generated once per size; sha256 computed once
  local size
  local tus=""; [[ $TUS_SIZE == 0 ]] || tus=$TUS_SIZE
  for size in $SIZES $CONC_SIZE $SLOW_SIZE $tus; do
    if [[ ! -f "$WORK/data/$size.dat" ]]; then
      log "generating $size of random data"
      head -c "$size" /dev/urandom > "$WORK/data/$size.dat"
      sha_of "$WORK/data/$size.dat" > "$WORK/data/$size.sha256"
    fi
  done
  if [[ $BIG != 0 && ! -f "$WORK/data/$BIG.dat" ]]; then
    local n=$(( $(numfmt --from=iec "$BIG") / (1 << 30) )) i
    if [[ $n -lt 1 ]]; then
      head -c "$BIG" /dev/urandom > "$WORK/data/$BIG.dat"
    else
      # Built from a 1 GiB random block repeated: fine for a transfer (nothing compresses), much faster to make.
      [[ -f "$WORK/data/1G.dat" ]] || head -c 1G /dev/urandom > "$WORK/data/1G.dat"
      log "building $BIG data file from $n x 1 GiB"
      for ((i = 0; i < n; i++)); do cat "$WORK/data/1G.dat"; done > "$WORK/data/$BIG.dat"
    fi
    sha_of "$WORK/data/$BIG.dat" > "$WORK/data/$BIG.sha256"
  fi
}

start_nginx() {
  mkdir -p "$NGINX_ROOT/.body-tmp" "$NGINX_ROOT/put"
  sed -e "s#@WORK@#$WORK#g; s#@NGINX_PORT@#$NGINX_PORT#; s#@SINK_PORT@#$SINK_PORT#; s#@USER@#$(id -un)#" \
    "$HERE/nginx.conf.in" > "$WORK/nginx.conf"
  nginx -c "$WORK/nginx.conf" -e "$WORK/logs/nginx-error.log" -g 'daemon off;' &
  NGINX_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    curl -s -o /dev/null "http://127.0.0.1:$SINK_PORT/" && return 0
    sleep 0.2
  done
  die "nginx did not start, see logs/nginx-error.log"
}

# The resumable peer: @tus/server with its file store (bench/tus/peer-server.mjs), and the tus client of
# the test suite (src/test/node/tus-client.mjs), both installed from their lockfiles.
start_tuspeer() {
  log "installing the tus client and the @tus/server peer (npm ci)"
  (cd "$HERE/tus" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
  (cd "$ROOT/src/test/node" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
  mkdir -p "$TUS_PEER_DIR" "$TUS_FILES"
  node "$HERE/tus/peer-server.mjs" "$TUS_PORT" "$TUS_PEER_DIR" > "$WORK/logs/tuspeer.log" 2>&1 &
  TUSPEER_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS "http://127.0.0.1:$TUS_PORT/files" || true) == 204 ]] && return 0
    sleep 0.2
  done
  die "@tus/server did not start, see logs/tuspeer.log"
}

# Every Depot start gets a fresh results directory and a fresh database (Payara Micro's H2 lives in its
# root dir, WildFly's ExampleDS in memory), and both go together at the end of the phase: Depot refuses
# a marked results directory that its database does not know (README, Stores).

# Payara Micro exactly as the run command in pom.xml starts it (README, "Run it"): the same command file,
# --nocluster, --maxhttpthreads 1024; on a loopback port and with folders of its own.
start_payara() { # MODE
  local mode=$1 dir="$WORK/payara/$1" fsync=true; [[ $1 == nofsync ]] && fsync=false
  rm -rf "$dir"; mkdir -p "$dir/results" "$dir/root"
  # The run command's post-boot file: docker/payara/depot.asadmin plus its development account "dev"
  bash "$ROOT/src/main/run/dev-account.sh" "$ROOT/docker/payara/depot.asadmin" "$dir/run" > /dev/null
  AUTH[payara]="dev:$(cat "$dir/run/dev-password")"
  RESULTS[payara]="$dir/results"; BASE[payara]="http://127.0.0.1:$PAYARA_PORT/depot/api"
  HEALTH[payara]="http://127.0.0.1:$PAYARA_PORT/health/ready"
  log "starting Depot on Payara Micro $PAYARA_VERSION (depot.fsync=$fsync)"
  # shellcheck disable=SC2086,SC2046 # DEPOT_JAVA_OPTS and the JFR option are lists of words
  "$JAVA" -Xmx"$DEPOT_HEAP" ${DEPOT_JAVA_OPTS:-} $(jfr_opts payara "$mode") \
    -Ddepot.results-dir="$dir/results" "${DEPOT_SETTINGS[@]}" -Ddepot.fsync=$fsync \
    -jar "$ROOT/target/payara-micro.jar" --deploy "$WAR" --contextroot depot --port "$PAYARA_PORT" \
    --rootdir "$dir/root" --postbootcommandfile "$dir/run/post-boot.asadmin" --nocluster \
    --maxhttpthreads "${DEPOT_MAX_HTTP_THREADS:-1024}" \
    > "$WORK/logs/payara-$mode.log" 2>&1 &
  PID[payara]=$!; LAUNCHER[payara]=$!; HOME_OF[payara]=$dir
  meta threads payara "$mode" "--maxhttpthreads ${DEPOT_MAX_HTTP_THREADS:-1024}"
  await_depot payara "$WORK/logs/payara-$mode.log" 'ready in'
}

# WildFly's stock standalone.xml with docker/wildfly/depot.cli applied offline, plus MicroProfile Health
# and OpenAPI, as the wildfly profile of pom.xml does for the test suite (less its test-only read timeout).
# Configured once per run into a template; each phase starts from a copy.
configure_wildfly() {
  local t="$WORK/wildfly/template" threads=""
  rm -rf "$t"; mkdir -p "$t"; cp -R "$WILDFLY_HOME/standalone/configuration" "$t/"
  case ${DEPOT_WILDFLY_TASK_MAX_THREADS:-} in
    "") ;;
    default) threads="/subsystem=io/worker=default:undefine-attribute(name=task-max-threads)" ;;
    *) threads="/subsystem=io/worker=default:write-attribute(name=task-max-threads,value=$DEPOT_WILDFLY_TASK_MAX_THREADS)" ;;
  esac
  cat > "$WORK/wildfly/configure.cli" <<EOF
embed-server --server-config=standalone.xml --std-out=discard
run-batch --file=$ROOT/docker/wildfly/depot.cli
/extension=org.wildfly.extension.microprofile.health-smallrye:add
/subsystem=microprofile-health-smallrye:add(security-enabled=false)
/extension=org.wildfly.extension.microprofile.openapi-smallrye:add
/subsystem=microprofile-openapi-smallrye:add
$threads
stop-embedded-server
EOF
  log "configuring WildFly $WILDFLY_VERSION with docker/wildfly/depot.cli${threads:+ (and $threads)}"
  JAVA="$JAVA" JAVA_OPTS="-Djboss.server.base.dir=$t -Djboss.server.config.dir=$t/configuration \
    -Djboss.server.data.dir=$t/data -Djboss.server.log.dir=$t/log -Djboss.server.temp.dir=$t/tmp" \
    "$WILDFLY_HOME/bin/jboss-cli.sh" --file="$WORK/wildfly/configure.cli" > "$WORK/logs/wildfly-configure.log" 2>&1 ||
    die "configuring WildFly failed, see logs/wildfly-configure.log"
  rm -rf "$t/configuration/standalone_xml_history"
}

start_wildfly() { # MODE
  local mode=$1 dir="$WORK/wildfly/$1" fsync=true; [[ $1 == nofsync ]] && fsync=false
  rm -rf "$dir"; mkdir -p "$dir/results" "$dir/deployments"
  cp -R "$WORK/wildfly/template/configuration" "$dir/"
  # A writer in WildFly's ApplicationRealm, as an admin would add one with add-user.sh
  local password; password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  echo "bench=$(printf 'bench:ApplicationRealm:%s' "$password" | md5sum | cut -d' ' -f1)" >> "$dir/configuration/application-users.properties"
  echo "bench=depot-writer" >> "$dir/configuration/application-roles.properties"
  AUTH[wildfly]="bench:$password"
  cp "$WAR" "$dir/deployments/depot.war"
  RESULTS[wildfly]="$dir/results"; BASE[wildfly]="http://127.0.0.1:$WILDFLY_PORT/depot/api"
  HEALTH[wildfly]="http://127.0.0.1:$WILDFLY_MGMT_PORT/health/ready"
  log "starting Depot on WildFly $WILDFLY_VERSION (depot.fsync=$fsync)"
  # JAVA_OPTS replaces standalone.conf's defaults, so they are repeated here with the heap of the Payara run.
  JAVA="$JAVA" JBOSS_PIDFILE="$dir/java.pid" LAUNCH_JBOSS_IN_BACKGROUND=1 \
    JAVA_OPTS="-Xms64m -Xmx$DEPOT_HEAP -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman \
      -Djava.awt.headless=true ${DEPOT_JAVA_OPTS:-} $(jfr_opts wildfly "$mode")" \
    "$WILDFLY_HOME/bin/standalone.sh" -Djboss.server.base.dir="$dir" -Djboss.bind.address=127.0.0.1 \
    -Djboss.bind.address.management=127.0.0.1 -Djboss.http.port="$WILDFLY_PORT" -Djboss.https.port="$WILDFLY_HTTPS_PORT" \
    -Djboss.management.http.port="$WILDFLY_MGMT_PORT" -Djboss.management.https.port="$WILDFLY_MGMT_HTTPS_PORT" \
    -Ddepot.results-dir="$dir/results" "${DEPOT_SETTINGS[@]}" -Ddepot.fsync=$fsync \
    > "$WORK/logs/wildfly-$mode.log" 2>&1 &
  LAUNCHER[wildfly]=$!; HOME_OF[wildfly]=$dir
  local i
  for ((i = 0; i < 100; i++)); do [[ -s $dir/java.pid ]] && break; sleep 0.2; done
  [[ -s $dir/java.pid ]] || die "WildFly did not start, see logs/wildfly-$mode.log"
  PID[wildfly]=$(cat "$dir/java.pid")
  await_depot wildfly "$WORK/logs/wildfly-$mode.log" 'WFLYSRV0025' 'WFLYSRV0026'
  # What the worker pool really is (the starvation check depends on it), read from the running server.
  local max; max=$(JAVA="$JAVA" "$WILDFLY_HOME/bin/jboss-cli.sh" -c --controller="remote+http://127.0.0.1:$WILDFLY_MGMT_PORT" \
    --command='/subsystem=io/worker=default:read-attribute(name=max-pool-size)' 2>/dev/null | sed -n 's/.*"result" => \([0-9]*\).*/\1/p')
  log "WildFly io worker task threads (max-pool-size): ${max:-unknown}"
  meta threads wildfly "$mode" "io worker max-pool-size ${max:-unknown}"
}

# await_depot SERVER LOG READY_LINE [FAILED_LINE]: the server logged that it is up, Depot answers a
# listing, and its readiness is UP (a refused results directory would be DOWN, and every upload a 503).
await_depot() {
  local srv=$1 logf=$2 ready=$3 failed=${4:-} i ok=0
  for ((i = 0; i < 600; i++)); do
    kill -0 "${PID[$srv]}" 2>/dev/null || die "Depot on $srv died, see logs/${logf##*/}"
    [[ -z $failed ]] || ! grep -qs "$failed" "$logf" || die "Depot on $srv failed to deploy, see logs/${logf##*/}"
    if grep -qs "$ready" "$logf" &&
      [[ $(curl -s -u "${AUTH[$srv]}" -o /dev/null -w '%{http_code}' "${BASE[$srv]}/files?limit=1" || true) == 200 ]]; then
      # Payara Micro may rebuild its listener once more after the post-boot file: three answers in a row.
      ok=$((ok + 1)); [[ $ok -ge 3 ]] && break
    else
      ok=0
    fi
    sleep 0.5
  done
  [[ $ok -ge 3 ]] || die "Depot on $srv did not start within 5 min, see logs/${logf##*/}"
  local health; health=$(curl -s "${HEALTH[$srv]}" || true)
  [[ $health == *'"status":"UP"'* ]] || die "Depot on $srv is not ready: $health"
  log "Depot on $srv ready after $((i / 2)) s"
}

stop_depot() { # SERVER
  local srv=$1 i
  [[ -n ${PID[$srv]:-} ]] || return 0
  kill "${PID[$srv]}" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do kill -0 "${PID[$srv]}" 2>/dev/null || break; sleep 0.5; done
  kill -9 "${PID[$srv]}" 2>/dev/null || true
  wait "${LAUNCHER[$srv]}" 2>/dev/null || true
  unset "PID[$srv]"
  # the results directory and the database go together
  rm -rf "${HOME_OF[$srv]}"
}

# ---------- JFR (-j) ----------
# The recording is written when the JVM exits (stop_depot's SIGTERM); report.py jfr leaves out the
# samples taken before the warm-up ended (the boot), using the time run.sh notes as #jfr_since.
jfr_opts() { # SERVER MODE
  [[ $JFR == 1 ]] || return 0
  mkdir -p "$WORK/jfr"
  echo "-XX:StartFlightRecording=name=depot,settings=profile,dumponexit=true,filename=$WORK/jfr/$1-$2.jfr"
}

# ---------- one upload ----------
# A target is a TOKEN: sink, dd, nginx, or SERVER:ENDPOINT with ENDPOINT one of
#   put     PUT /depot/api/files/bench/NAME (raw body)
#   mp      POST /depot/api/files, multipart: dir=bench, one file part named NAME
#   upload  POST /depot/api/upload, the seed's multipart endpoint: field upload_file, stored at the top
#   stream  POST /depot/api/stream?filename=NAME&filedir=bench, the seed's raw-body endpoint
api_path() { [[ $1 == *:upload ]] && echo "$2" || echo "bench/$2"; }
stored_path() { # TOKEN NAME -> where the server keeps the upload called NAME
  case $1 in
    nginx) echo "$NGINX_ROOT/put/bench/$2" ;;
    *:*) echo "${RESULTS[${1%%:*}]}/$(api_path "$1" "$2")" ;;
    *) echo "" ;;
  esac
}

# tus_upload ENDPOINT USER PASSWORD FILE NAME OUT -> tus-js-client uploads FILE as bench/NAME, 50 MiB chunks
tus_upload() {
  ln -sf "$4" "$TUS_FILES/$5"
  if timeout "$CURL_MAX" node "$TUS_CLIENT" upload --endpoint "$1" --user "$2" --password "$3" --file "$TUS_FILES/$5" \
    --dir bench --chunk-size $((50 << 20)) > "$6.body" 2> "$6.hdrs"; then echo 204; else echo tus-error; fi
}

# upload TOKEN FILE NAME [OUT] -> prints the HTTP status; the answer's body goes to OUT.body, its headers
# to OUT.hdrs. RATE=… throttles it. Depot's stored paths are listed for settle() to delete.
upload() {
  local token=$1 file=$2 name=$3 out=${4:-$WORK/out} srv=${1%%:*}
  local -a c=(curl -sS -m "$CURL_MAX" -H 'Expect:' -o "$out.body" -D "$out.hdrs" -w '%{http_code}')
  [[ $token != *:* ]] || c+=(-u "${AUTH[$srv]}")
  [[ -z ${RATE:-} ]] || c+=(--limit-rate "$RATE")
  : > "$out.body"
  [[ $token != *:* ]] || printf '%s\t%s\n' "$srv" "$(api_path "$token" "$name")" >> "$STORED_LIST"
  case $token in
    sink) "${c[@]}" -T "$file" "http://127.0.0.1:$SINK_PORT/$name" ;;
    nginx) "${c[@]}" -T "$file" "http://127.0.0.1:$NGINX_PORT/put/bench/$name" ;;
    *:put) "${c[@]}" -H 'Content-Type: application/octet-stream' -T "$file" "${BASE[$srv]}/files/bench/$name" ;;
    *:mp) "${c[@]}" -F dir=bench -F "file=@$file;filename=$name;type=application/octet-stream" "${BASE[$srv]}/files" ;;
    *:upload) "${c[@]}" -F "upload_file=@$file;filename=$name;type=application/octet-stream" "${BASE[$srv]}/upload" ;;
    *:stream) "${c[@]}" -X POST -H 'Content-Type: application/octet-stream' -T "$file" \
      "${BASE[$srv]}/stream?filename=$name&filedir=bench" ;;
    *:tus) tus_upload "${BASE[$srv]}/uploads/" "${AUTH[$srv]%%:*}" "${AUTH[$srv]#*:}" "$file" "$name" "$out" ;;
    tuspeer) tus_upload "http://127.0.0.1:$TUS_PORT/files/" bench bench "$file" "$name" "$out" ;;
    *) die "unknown target $token" ;;
  esac
}

# said_sha TOKEN OUT -> the SHA-256 Depot answered with (hex): multipart in its JSON, the others in Repr-Digest
said_sha() {
  if [[ $1 == *:mp ]]; then
    grep -o '"sha256":"[0-9a-f]*"' "$2.body" | head -1 | cut -d'"' -f4
  else
    local b64; b64=$(tr -d '\r' < "$2.hdrs" | grep -i '^repr-digest:' | head -1 | sed -n 's/.*sha-256=:\([^:]*\):.*/\1/p')
    [[ -z $b64 ]] || printf '%s' "$b64" | base64 -d | od -An -v -tx1 | tr -d ' \n'
  fi
}

# Delete what the last run stored (Depot's through its API, so its rows go too) and flush dirty pages,
# so each run starts from the same state. Outside every timing.
settle() {
  local srv left
  for srv in "${!PID[@]}"; do
    awk -F'\t' -v s="$srv" -v b="${BASE[$srv]}/files/" '$1 == s {print b $2}' "$STORED_LIST" |
      xargs -r -n 64 curl -s -u "${AUTH[$srv]}" -X DELETE > /dev/null || true
    # Depot's own files (the store marker, the temp directory) start with .depot-
    left=$(find "${RESULTS[$srv]}" -type f -not -path '*/.depot-*' | wc -l)
    [[ $left == 0 ]] || log "warning: $left files left in Depot's results directory on $srv after the DELETEs"
  done
  : > "$STORED_LIST"
  rm -rf "$NGINX_ROOT/put/"* "$DD_DIR"
  [[ ! -d $TUS_PEER_DIR ]] || find "$TUS_PEER_DIR" -mindepth 1 -delete
  [[ ! -d $TUS_FILES ]] || find "$TUS_FILES" -mindepth 1 -delete
  timeout 120 sync -f "$WORK" || true
}

# single PHASE TOKEN SIZE REP [KIND]: one timed upload with every figure
single() {
  local phase=$1 token=$2 size=$3 rep=$4 kind=${5:-single}
  local file="$WORK/data/$size.dat" expect; expect=$(cat "$WORK/data/$size.sha256")
  local bytes; bytes=$(bytes_of "$file")
  local srv=- target=$token name="${token/:/-}-$size-$rep-$kind"
  [[ $token == *:* ]] && { srv=${token%%:*}; target=${token#*:}; }
  local stored; stored=$(stored_path "$token" "$name")
  local pids w0 c0 r0 t0 t1 lb la code="-" wb=0 cpu=0 rssg=0 heap0=0 heap="-" ok="-" extra="-"
  settle
  if [[ $token == dd ]]; then
    mkdir -p "$DD_DIR"
    local conv=""; [[ $phase == fsync ]] && conv="conv=fsync"
    local tf="$WORK/dd.time" u s o
    lb=$(load1); t0=$(now)
    /usr/bin/time -o "$tf" -f '%U %S %O' dd if="$file" of="$DD_DIR/$name" bs=1M $conv status=none
    t1=$(now); la=$(load1)
    read -r u s o < "$tf"
    wb=$((o * 512)); cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')
    [[ $(sha_of "$DD_DIR/$name") == "$expect" ]] && ok=1 || ok=0
    record "$phase" - "$kind" dd "$bytes" "$rep" "$(elapsed "$t0" "$t1")" "$wb" "$cpu" - - "$ok" - "${conv:--}" "$lb" "$la"
    return
  fi
  pids=$(pids_of "$token")
  [[ $srv == - ]] || heap0=$(heap_after_gc_kb "$pids")
  reset_hwm "$pids"; r0=$(sum_rss_kb "$pids"); w0=$(sum_write_bytes "$pids"); c0=$(sum_cpu_ticks "$pids")
  lb=$(load1); t0=$(now)
  code=$(upload "$token" "$file" "$name") || code="curl-error"
  t1=$(now); la=$(load1)
  wb=$(( $(sum_write_bytes "$pids") - w0 ))
  cpu=$(cpu_s $(( $(sum_cpu_ticks "$pids") - c0 )))
  rssg=$(( $(sum_hwm_kb "$pids") - r0 ))
  if [[ $target == tus ]]; then
    # tus-js-client reports no digest: the stored file's is checked (Depot computed its own on the way in)
    heap=$(( $(heap_after_gc_kb "$pids") - heap0 ))
    [[ -f $stored && $(sha_of "$stored") == "$expect" ]] && ok=1 || ok=0
  elif [[ $token == tuspeer ]]; then
    local f; f=$(find "$TUS_PEER_DIR" -type f -size "${bytes}c" | head -1)
    [[ -n $f && $(sha_of "$f") == "$expect" ]] && ok=1 || ok=0
  elif [[ $srv != - ]]; then
    heap=$(( $(heap_after_gc_kb "$pids") - heap0 ))
    [[ $(said_sha "$token" "$WORK/out") == "$expect" && -f $stored && $(sha_of "$stored") == "$expect" ]] && ok=1 || ok=0
  elif [[ $token == nginx ]]; then
    # What nginx does not do, done afterwards the cheapest way (page cache hot): hash (+ fsync) the stored file.
    local p0 p1 got; p0=$(now); got=$(sha_of "$stored" 2>/dev/null) || true
    [[ $phase == fsync ]] && sync "$stored"
    p1=$(now)
    [[ $got == "$expect" ]] && ok=1 || ok=0
    extra=$(elapsed "$p0" "$p1")
  fi
  record "$phase" "$srv" "$kind" "$target" "$bytes" "$rep" "$(elapsed "$t0" "$t1")" "$wb" "$cpu" "$rssg" "$heap" "$ok" "$code" "$extra" "$lb" "$la"
}

# concurrent PHASE TOKEN N REP: N simultaneous uploads of CONC_SIZE
concurrent() {
  local phase=$1 token=$2 n=$3 rep=$4 file="$WORK/data/$CONC_SIZE.dat" i
  local bytes; bytes=$(bytes_of "$file")
  local srv=- target=$token; [[ $token == *:* ]] && { srv=${token%%:*}; target=${token#*:}; }
  settle
  local pids w0 c0 r0 t0 t1 lb la codes ok=0 jobs=()
  pids=$(pids_of "$token"); reset_hwm "$pids"; r0=$(sum_rss_kb "$pids"); w0=$(sum_write_bytes "$pids"); c0=$(sum_cpu_ticks "$pids")
  lb=$(load1); t0=$(now)
  for ((i = 0; i < n; i++)); do
    (code=$(upload "$token" "$file" "c$rep-$i" "$WORK/conc.$i" 2>/dev/null) || code=curl-error; echo "$code" > "$WORK/conc.$i.code") &
    jobs+=($!)
  done
  wait "${jobs[@]}" 2>/dev/null || true
  t1=$(now); la=$(load1)
  codes=$(cat "$WORK"/conc.*.code | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}')
  local wb=$(( $(sum_write_bytes "$pids") - w0 ))
  local cpu; cpu=$(cpu_s $(( $(sum_cpu_ticks "$pids") - c0 )))
  local rssg=$(( $(sum_hwm_kb "$pids") - r0 ))
  # every stored copy must hash right
  local expect f good=0; expect=$(cat "$WORK/data/$CONC_SIZE.sha256")
  for ((i = 0; i < n; i++)); do
    f=$(stored_path "$token" "c$rep-$i")
    if [[ -f $f && $(sha_of "$f") == "$expect" ]]; then good=$((good + 1)); fi
  done
  rm -f "$WORK"/conc.*
  [[ $good == "$n" ]] && ok=1
  record "$phase" "$srv" "concurrent$n" "$target" $((bytes * n)) "$rep" "$(elapsed "$t0" "$t1")" "$wb" "$cpu" "$rssg" - "$ok" "${codes% }" - "$lb" "$la"
}

# slow PHASE TOKEN N: N uploads of SLOW_SIZE throttled to SLOW_RATE; 3 s in, one fast upload of
# CONC_SIZE is timed, and compared with the same upload timed alone just before.
slow() {
  local phase=$1 token=$2 n=$3 i file="$WORK/data/$SLOW_SIZE.dat"
  local srv=- target=$token; [[ $token == *:* ]] && { srv=${token%%:*}; target=${token#*:}; }
  settle
  local t0 t1 lb la fast jobs=()
  t0=$(now); upload "$token" "$WORK/data/$CONC_SIZE.dat" fast-alone > /dev/null || true; t1=$(now)
  local alone; alone=$(elapsed "$t0" "$t1")
  lb=$(load1)
  for ((i = 0; i < n; i++)); do
    (code=$(RATE=$SLOW_RATE upload "$token" "$file" "s$i" "$WORK/slow.$i" 2>/dev/null) || code=curl-error
      echo "$code" > "$WORK/slow.$i.code") &
    jobs+=($!)
  done
  sleep 3
  t0=$(now); local code; code=$(upload "$token" "$WORK/data/$CONC_SIZE.dat" fast-loaded) || code=curl-error; t1=$(now)
  la=$(load1)
  fast=$(elapsed "$t0" "$t1")
  wait "${jobs[@]}" 2>/dev/null || true
  local slowwall; slowwall=$(elapsed "$t0" "$(now)")
  local codes; codes=$(cat "$WORK"/slow.*.code | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}'); rm -f "$WORK"/slow.*
  record "$phase" "$srv" "slow$n" "$target" "$(bytes_of "$WORK/data/$CONC_SIZE.dat")" 1 "$fast" - - - - - "$code" \
    "alone=$alone slow:${codes% } slow-done-after=${slowwall}s" "$lb" "$la"
}

rotate() { # rotate "$2..." left by $1
  local k=$1; shift; local a=("$@") n=$#; local i
  for ((i = 0; i < n; i++)); do printf '%s ' "${a[$(((i + k) % n))]}"; done
}

# ---------- main ----------
log "load average before: $(cat /proc/loadavg)"
build
make_data
meta forced "$FORCE"; meta load_max "$LOAD_MAX"; meta start_load "$START_LOAD"
meta commit "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
meta versions "Payara Micro $PAYARA_VERSION" "WildFly $WILDFLY_VERSION" "$(nginx -v 2>&1 | sed 's/^nginx version: //')" \
  "$("$JAVA" -version 2>&1 | head -1)"
meta machine "$(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(findmnt -n -o FSTYPE -T "$WORK") on $(findmnt -n -o SOURCE -T "$WORK")"
meta command "bench/run.sh $*"
meta jfr "$JFR"
[[ $JFR == 0 ]] || { rm -rf "$WORK/jfr"; mkdir -p "$WORK/jfr"; }
[[ " $SERVERS " != *" wildfly "* ]] || configure_wildfly
start_nginx
first=${MODES%% *}
for PHASE in $MODES; do
  for srv in $SERVERS; do "start_$srv" "$PHASE"; done
  # warm-up (JIT, first-use paths), not recorded
  upload nginx "$WORK/data/$CONC_SIZE.dat" warm > /dev/null || true
  for srv in $SERVERS; do
    for e in put mp upload stream; do upload "$srv:$e" "$WORK/data/$CONC_SIZE.dat" "warm-$e" > /dev/null || true; done
  done
  [[ $JFR == 0 ]] || meta jfr_since "$PHASE" "$(date '+%F %T.%3N')"
  targets=(sink dd nginx)
  for srv in $SERVERS; do targets+=("$srv:put" "$srv:mp" "$srv:upload" "$srv:stream"); done
  for size in $SIZES; do
    for ((rep = 1; rep <= REPEATS; rep++)); do
      for t in $(rotate "$rep" "${targets[@]}"); do
        log "$PHASE $size rep $rep: $t"
        single "$PHASE" "$t" "$size" "$rep"
      done
    done
  done
  if [[ $CONC -gt 0 && $PHASE == "$first" ]]; then
    targets=(nginx); for srv in $SERVERS; do targets+=("$srv:put" "$srv:mp"); done
    for ((rep = 1; rep <= REPEATS; rep++)); do
      for t in $(rotate "$rep" "${targets[@]}"); do
        log "$PHASE concurrent $CONC x $CONC_SIZE rep $rep: $t"
        concurrent "$PHASE" "$t" "$CONC" "$rep"
      done
    done
  fi
  if [[ $SLOW -gt 0 && $PHASE == "$first" ]]; then
    for t in nginx $(for srv in $SERVERS; do echo "$srv:put"; done); do
      log "$PHASE slow $SLOW + 1 fast: $t"; slow "$PHASE" "$t" "$SLOW"
    done
  fi
  # Issue 14: the resumable row, durable (Depot's default), side by side with @tus/server.
  if [[ $TUS_SIZE != 0 && $PHASE == fsync ]]; then
    [[ -n $TUSPEER_PID ]] || start_tuspeer
    targets=(tuspeer); for srv in $SERVERS; do targets+=("$srv:tus"); done
    tus_warm=$CONC_SIZE
    for t in "${targets[@]}"; do upload "$t" "$WORK/data/$tus_warm.dat" "warm-tus-${t/:/-}" > /dev/null || true; done
    for ((rep = 1; rep <= REPEATS; rep++)); do
      for t in $(rotate "$rep" "${targets[@]}"); do
        log "$PHASE resumable $TUS_SIZE rep $rep: $t"
        single "$PHASE" "$t" "$TUS_SIZE" "$rep" resumable
      done
    done
  fi
  if [[ $BIG != 0 && $PHASE == "$first" ]]; then
    for srv in $SERVERS; do
      log "$PHASE memory check on $srv: $CONC_SIZE, then $BIG"
      single "$PHASE" "$srv:put" "$CONC_SIZE" 1 memory
      single "$PHASE" "$srv:put" "$BIG" 1 memory
    done
  fi
  settle
  for srv in $SERVERS; do stop_depot "$srv"; done
done
log "load average after: $(cat /proc/loadavg)"

python3 "$HERE/report.py" "$RAW" > "$WORK/results.md"
if [[ $JFR == 1 ]]; then
  for PHASE in $MODES; do
    for srv in $SERVERS; do
      f="$WORK/jfr/$srv-$PHASE.jfr"
      [[ -f $f ]] || { log "no JFR recording $f"; continue; }
      python3 "$HERE/report.py" jfr "$f" --since "$(awk -F'\t' -v p="$PHASE" '$1 == "#jfr_since" && $2 == p {print $3}' "$RAW")" \
        --title "$srv, phase $PHASE" >> "$WORK/results.md" || log "no JFR summary for $f"
    done
  done
fi
cat "$WORK/results.md"
log "raw figures: $RAW; tables: $WORK/results.md$([[ $JFR == 0 ]] || echo "; JFR recordings in $WORK/jfr")"
