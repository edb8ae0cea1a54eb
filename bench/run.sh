#!/usr/bin/env bash
# Depot upload benchmark, side by side with nginx (WebDAV PUT), dd and a discarding sink.
# Not part of the test gate. See docs/benchmarks.md for the method and the figures.
#
#   bench/run.sh [options]
#     -s SIZES     single-upload sizes (default "100M 1G"; suffixes as head -c: K M G)
#     -r N         repeats per target and size (default 3)
#     -m MODES     Depot fsync modes to run, each a phase with its own Depot JVM (default "nofsync fsync")
#     -c N         concurrent uploads of 100 MiB per round (default 16; 0 skips)
#     -l N         slow concurrent uploads for the starvation check (default 256; 0 skips)
#     -b SIZE      big upload for the memory check, e.g. 10G (default 0 = skip)
#     -w DIR       work folder (default target/bench); data, stores, logs and results go there
#     -k           keep the data files afterwards (stored files are always deleted after each run)
#     -n           do not build (use target/depot.war and target/payara-micro.jar as they are)
#
# Ports (loopback only): Depot 19080, nginx PUT 19081, sink 19082 (override with DEPOT_PORT, NGINX_PORT,
# SINK_PORT), DEPOT_WAR (another build), DEPOT_JAVA_OPTS (e.g. a JFR recording), JAVA, DEPOT_HEAP.
# Needs: nginx with the dav module (Debian nginx-light), curl, openssl, jcmd, python3.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SIZES="100M 1G"; REPEATS=3; MODES="nofsync fsync"; CONC=16; SLOW=256; BIG=0
WORK="$ROOT/target/bench"; KEEP=0; BUILD=1
while getopts "s:r:m:c:l:b:w:kn" opt; do
  case $opt in
    s) SIZES=$OPTARG ;; r) REPEATS=$OPTARG ;; m) MODES=$OPTARG ;; c) CONC=$OPTARG ;; l) SLOW=$OPTARG ;;
    b) BIG=$OPTARG ;; w) WORK=$OPTARG ;; k) KEEP=1 ;; n) BUILD=0 ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
DEPOT_PORT=${DEPOT_PORT:-19080}; NGINX_PORT=${NGINX_PORT:-19081}; SINK_PORT=${SINK_PORT:-19082}
JAVA=${JAVA:-java}
DEPOT_HEAP=${DEPOT_HEAP:-512m}
CURL_MAX=${CURL_MAX:-900}          # no single transfer may take longer than this (s)
SLOW_SIZE=${SLOW_SIZE:-1M}; SLOW_RATE=${SLOW_RATE:-64k}

mkdir -p "$WORK"/{data,logs}
WORK=$(cd "$WORK" && pwd)
RAW="$WORK/raw.tsv"; : > "$RAW"
NGINX_ROOT="$WORK/nginx-root"; DEPOT_DIR="$WORK/depot"; DD_DIR="$WORK/dd"
NGINX_PID=""; DEPOT_PID=""

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

cleanup() {
  [[ -n "$DEPOT_PID" ]] && kill "$DEPOT_PID" 2>/dev/null && wait "$DEPOT_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$NGINX_ROOT" "$DEPOT_DIR/results" "$DD_DIR"
  if [[ $KEEP == 0 ]]; then rm -rf "$WORK/data"; fi
}
trap cleanup EXIT

# ---------- /proc helpers (all figures are for the server's processes, not the client's) ----------
pids_of() { # target -> the server's pids
  case $1 in
    nginx*|sink) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
    depot*) echo "$DEPOT_PID" ;;
    *) echo "" ;;
  esac
}
sum_write_bytes() { local s=0 p; for p in $1; do s=$((s + $(awk '/^write_bytes/{print $2}' /proc/$p/io))); done; echo $s; }
sum_cpu_ticks() { local s=0 p; for p in $1; do s=$((s + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $s; }
sum_rss_kb() { local s=0 p; for p in $1; do s=$((s + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done; echo $s; }
sum_hwm_kb() { local s=0 p; for p in $1; do s=$((s + $(awk '/^VmHWM/{print $2}' /proc/$p/status))); done; echo $s; }
reset_hwm() { local p; for p in $1; do echo 5 > /proc/$p/clear_refs; done; }
heap_after_gc_kb() { # Depot only: full GC, then the heap's used KiB
  jcmd "$DEPOT_PID" GC.run >/dev/null 2>&1 || true
  jcmd "$DEPOT_PID" GC.heap_info 2>/dev/null | awk '/used/{for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub(/K,?/,"",v); print v; exit}}'
}
sha_of() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
bytes_of() { stat -c %s "$1"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }

# columns: phase kind target size_bytes rep wall_s write_bytes cpu_s rss_growth_kb heap_after_gc_kb sha_ok http extra load
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(loadavg)" >> "$RAW"; }

# ---------- build and servers ----------
build() {
  if [[ $BUILD == 1 ]]; then
    log "building depot.war"
    (cd "$ROOT" && mvn -q package -DskipTests)
  fi
  if [[ ! -f "$ROOT/target/payara-micro.jar" ]]; then
    (cd "$ROOT" && mvn -q dependency:copy -Dartifact=fish.payara.extras:payara-micro:6.2025.10 \
      -DoutputDirectory=target -Dmdep.stripVersion=true)
  fi
}

make_data() { # random files, generated once per size; sha256 computed once
  local size
  for size in $SIZES 100M $SLOW_SIZE; do
    if [[ ! -f "$WORK/data/$size.dat" ]]; then
      log "generating $size of random data"
      head -c "$size" /dev/urandom > "$WORK/data/$size.dat"
      sha_of "$WORK/data/$size.dat" > "$WORK/data/$size.sha256"
    fi
  done
  if [[ $BIG != 0 && ! -f "$WORK/data/$BIG.dat" ]]; then
    # Built from a 1 GiB random block repeated: fine for a transfer (nothing compresses), much faster to make.
    [[ -f "$WORK/data/1G.dat" ]] || head -c 1G /dev/urandom > "$WORK/data/1G.dat"
    local n=$(( $(numfmt --from=iec "$BIG") / (1 << 30) )) i
    log "building $BIG data file from $n x 1 GiB"
    for ((i = 0; i < n; i++)); do cat "$WORK/data/1G.dat"; done > "$WORK/data/$BIG.dat"
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
  log "nginx did not start"; exit 1
}

start_depot() { # $1 = nofsync|fsync
  local fsync=true; [[ $1 == nofsync ]] && fsync=false
  rm -rf "$DEPOT_DIR"; mkdir -p "$DEPOT_DIR/results" "$DEPOT_DIR/root"
  log "starting Depot (depot.fsync=$fsync)"
  "$JAVA" -Xmx"$DEPOT_HEAP" ${DEPOT_JAVA_OPTS:-} \
    -Ddepot.results-dir="$DEPOT_DIR/results" -Ddepot.max-file-size=20GiB -Ddepot.min-free-space=1GiB \
    -Ddepot.fsync=$fsync \
    -jar "$ROOT/target/payara-micro.jar" --deploy "${DEPOT_WAR:-$ROOT/target/depot.war}" --port "$DEPOT_PORT" \
    --rootdir "$DEPOT_DIR/root" --nocluster --maxhttpthreads "${DEPOT_MAX_HTTP_THREADS:-1024}" --postbootcommandfile "$ROOT/docker/payara/depot.asadmin" \
    > "$WORK/logs/depot-$1.log" 2>&1 &
  DEPOT_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    # "ready in" is logged before the post-boot commands have restarted the listener: also wait for an answer
    if grep -q 'ready in' "$WORK/logs/depot-$1.log" &&
      [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$DEPOT_PORT/depot/api/files/probe" || true) != 000 ]]; then
      log "Depot ready after $((i / 2)) s"; return 0
    fi
    kill -0 "$DEPOT_PID" 2>/dev/null || { log "Depot died, see logs/depot-$1.log"; exit 1; }
    sleep 0.5
  done
  log "Depot did not start"; exit 1
}

stop_depot() { kill "$DEPOT_PID" 2>/dev/null; wait "$DEPOT_PID" 2>/dev/null || true; DEPOT_PID=""; }

# Drop what the last run stored and flush dirty pages, so each run starts from the same state.
settle() {
  rm -rf "$NGINX_ROOT/put/"* "$DEPOT_DIR/results/bench" "$DD_DIR"
  timeout 120 sync -f "$WORK" || true
}

# ---------- one upload ----------
# stored_path TARGET NAME -> where the server keeps the upload called NAME
stored_path() {
  case $1 in
    nginx) echo "$NGINX_ROOT/put/bench/$2" ;;
    depot-put) echo "$DEPOT_DIR/results/bench/$2" ;;
    depot-mp) echo "$DEPOT_DIR/results/bench/$2/data.bin" ;;
    *) echo "" ;;
  esac
}

# upload TARGET FILE NAME -> prints the HTTP status; the response body goes to $RESP
RESP="$WORK/resp.json"
upload() {
  local target=$1 file=$2 name=$3
  : > "$RESP"
  case $target in
    sink)  curl -sS -m "$CURL_MAX" -H 'Expect:' -T "$file" -o "$RESP" -w '%{http_code}' "http://127.0.0.1:$SINK_PORT/$name" ;;
    nginx)
           curl -sS -m "$CURL_MAX" -H 'Expect:' -T "$file" -o "$RESP" -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/put/bench/$name" ;;
    depot-put)
           curl -sS -m "$CURL_MAX" -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$file" -o "$RESP" \
             -w '%{http_code}' "http://127.0.0.1:$DEPOT_PORT/depot/api/files/bench/$name" ;;
    depot-mp)
           curl -sS -m "$CURL_MAX" -H 'Expect:' -F "dir=bench/$name" -F "file=@$file;filename=data.bin;type=application/octet-stream" \
             -o "$RESP" -w '%{http_code}' "http://127.0.0.1:$DEPOT_PORT/depot/api/files" ;;
  esac
}

# single PHASE TARGET SIZE REP: one timed upload with every figure
single() {
  local phase=$1 target=$2 size=$3 rep=$4
  local heap0=0 file="$WORK/data/$size.dat" expect; expect=$(cat "$WORK/data/$size.sha256")
  local bytes; bytes=$(bytes_of "$file")
  local name="r$rep-$size" STORED; STORED=$(stored_path "$target" "r$rep-$size")
  local pids w0 c0 r0 t0 t1 code="-" wb=0 cpu=0 rssg=0 heap="-" ok="-" extra="-"
  settle
  if [[ $target == dd ]]; then
    mkdir -p "$DD_DIR"
    local conv=""; [[ $phase == fsync ]] && conv="conv=fsync"
    local tf="$WORK/dd.time"
    t0=$(now)
    /usr/bin/time -o "$tf" -f '%U %S %O' dd if="$file" of="$DD_DIR/$name" bs=1M $conv status=none
    t1=$(now)
    read -r u s o < "$tf"
    wb=$((o * 512)); cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')
    [[ $(sha_of "$DD_DIR/$name") == "$expect" ]] && ok=1 || ok=0
    record "$phase" single dd "$bytes" "$rep" "$(elapsed "$t0" "$t1")" "$wb" "$cpu" - - "$ok" - "$conv"
    return
  fi
  pids=$(pids_of "$target")
  [[ $target == depot* ]] && heap0=$(heap_after_gc_kb)
  reset_hwm "$pids"; r0=$(sum_rss_kb "$pids"); w0=$(sum_write_bytes "$pids"); c0=$(sum_cpu_ticks "$pids")
  t0=$(now)
  code=$(upload "$target" "$file" "$name") || code="curl-error"
  t1=$(now)
  wb=$(( $(sum_write_bytes "$pids") - w0 ))
  cpu=$(awk -v t="$(( $(sum_cpu_ticks "$pids") - c0 ))" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/hz}')
  rssg=$(( $(sum_hwm_kb "$pids") - r0 ))
  local wall; wall=$(elapsed "$t0" "$t1")
  if [[ $target == depot* ]]; then
    heap=$(( $(heap_after_gc_kb) - heap0 ))
    local said; said=$(grep -o '"sha256":"[0-9a-f]*"' "$RESP" | head -1 | cut -d'"' -f4)
    [[ $said == "$expect" && $(sha_of "$STORED") == "$expect" ]] && ok=1 || ok=0
  elif [[ $target == nginx ]]; then
    # What nginx does not do, done afterwards the cheapest way (page cache hot): hash (+ fsync) the stored file.
    local p0 p1 got; p0=$(now); got=$(sha_of "$STORED" 2>/dev/null) || true
    [[ $phase == fsync ]] && sync "$STORED"
    p1=$(now)
    [[ $got == "$expect" ]] && ok=1 || ok=0
    extra=$(elapsed "$p0" "$p1")
  fi
  record "$phase" single "$target" "$bytes" "$rep" "$wall" "$wb" "$cpu" "$rssg" "$heap" "$ok" "$code" "$extra"
}

# concurrent PHASE TARGET N REP: N simultaneous 100 MiB uploads
concurrent() {
  local phase=$1 target=$2 n=$3 rep=$4 file="$WORK/data/100M.dat" i
  local bytes; bytes=$(bytes_of "$file")
  settle
  local pids w0 c0 t0 t1 codes ok=0
  pids=$(pids_of "$target"); w0=$(sum_write_bytes "$pids"); c0=$(sum_cpu_ticks "$pids"); reset_hwm "$pids"
  local r0; r0=$(sum_rss_kb "$pids")
  t0=$(now)
  for ((i = 0; i < n; i++)); do
    (code=$(upload "$target" "$file" "c$rep-$i" 2>/dev/null) || code=curl-error; echo "$code" > "$WORK/conc.$i") &
  done
  wait $(jobs -p | grep -v -x -e "$NGINX_PID" -e "$DEPOT_PID") 2>/dev/null || true
  t1=$(now)
  codes=$(cat "$WORK"/conc.* | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}'); rm -f "$WORK"/conc.*
  local wb=$(( $(sum_write_bytes "$pids") - w0 ))
  local cpu; cpu=$(awk -v t="$(( $(sum_cpu_ticks "$pids") - c0 ))" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t/hz}')
  local rssg=$(( $(sum_hwm_kb "$pids") - r0 ))
  # every stored copy must hash right
  local expect f good=0; expect=$(cat "$WORK/data/100M.sha256")
  for ((i = 0; i < n; i++)); do
    f=$(stored_path "$target" "c$rep-$i")
    if [[ -z $f ]] || [[ -f $f && $(sha_of "$f") == "$expect" ]]; then good=$((good + 1)); fi
  done
  [[ $good == "$n" ]] && ok=1
  record "$phase" "concurrent$n" "$target" $((bytes * n)) "$rep" "$(elapsed "$t0" "$t1")" "$wb" "$cpu" "$rssg" - "$ok" "${codes% }" -
}

# slow PHASE TARGET N: N uploads throttled to SLOW_RATE; 3 s in, one fast 100 MiB PUT is timed.
slow() {
  local phase=$1 target=$2 n=$3 i file="$WORK/data/$SLOW_SIZE.dat"
  settle
  local t0 t1 fast
  # the same fast upload alone, right before, as the reference
  t0=$(now); upload "$target" "$WORK/data/100M.dat" fast-alone > /dev/null || true; t1=$(now)
  local alone; alone=$(elapsed "$t0" "$t1")
  for ((i = 0; i < n; i++)); do
    (code=$(curl -sS -m "$CURL_MAX" -H 'Expect:' --limit-rate "$SLOW_RATE" -T "$file" -o /dev/null -w '%{http_code}' \
      "$(url_for "$target" "s$i")" 2>/dev/null) || code=curl-error; echo "$code" > "$WORK/slow.$i") &
  done
  sleep 3
  t0=$(now); local code; code=$(upload "$target" "$WORK/data/100M.dat" fast-loaded) || code=curl-error; t1=$(now)
  fast=$(elapsed "$t0" "$t1")
  local w0; w0=$(now)
  wait $(jobs -p | grep -v -x -e "$NGINX_PID" -e "$DEPOT_PID") 2>/dev/null || true
  local slowwall; slowwall=$(elapsed "$t0" "$(now)")
  local codes; codes=$(cat "$WORK"/slow.* | sort | uniq -c | awk '{printf "%sx%s ", $1, $2}'); rm -f "$WORK"/slow.*
  record "$phase" "slow$n" "$target" "$(bytes_of "$WORK/data/100M.dat")" 1 "$fast" - - - - - "$code" "alone=$alone slow:${codes% } slow-done-after=${slowwall}s"
}
url_for() {
  case $1 in
    nginx) echo "http://127.0.0.1:$NGINX_PORT/put/bench/$2" ;;
    depot*) echo "http://127.0.0.1:$DEPOT_PORT/depot/api/files/bench/$2" ;;
  esac
}

# big PHASE: memory check, Depot PUT of 100 MiB then of BIG, RSS and heap figures for both
big() {
  local phase=$1
  single "$phase" depot-put 100M mem
  sed -i '$ s/\tsingle\t/\tmemory\t/' "$RAW"
  local size=$BIG
  single "$phase" depot-put "$size" mem
  sed -i '$ s/\tsingle\t/\tmemory\t/' "$RAW"
}

rotate() { # rotate "$2..." left by $1
  local k=$1; shift; local a=("$@") n=$#; local i
  for ((i = 0; i < n; i++)); do printf '%s ' "${a[$(((i + k) % n))]}"; done
}

# ---------- main ----------
log "load average before: $(cat /proc/loadavg)"
build
make_data
start_nginx
for mode in $MODES; do
  start_depot "$mode"
  # warm-up (JIT, first-use paths), not recorded
  for t in nginx depot-put depot-mp; do upload "$t" "$WORK/data/100M.dat" warm > /dev/null || true; done
  for size in $SIZES; do
    for ((rep = 1; rep <= REPEATS; rep++)); do
      for t in $(rotate "$rep" sink dd nginx depot-put depot-mp); do
        log "$mode $size rep $rep: $t"
        single "$mode" "$t" "$size" "$rep"
      done
    done
  done
  if [[ $CONC -gt 0 && $mode == "${MODES%% *}" ]]; then
    for ((rep = 1; rep <= REPEATS; rep++)); do
      for t in $(rotate "$rep" nginx depot-put depot-mp); do
        log "$mode concurrent $CONC rep $rep: $t"
        concurrent "$mode" "$t" "$CONC" "$rep"
      done
    done
  fi
  if [[ $SLOW -gt 0 && $mode == "${MODES%% *}" ]]; then
    for t in nginx depot-put; do log "$mode slow $SLOW: $t"; slow "$mode" "$t" "$SLOW"; done
  fi
  if [[ $BIG != 0 && $mode == "${MODES%% *}" ]]; then log "$mode memory check: $BIG"; big "$mode"; fi
  settle
  stop_depot
done
log "load average after: $(cat /proc/loadavg)"

{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
    "$(findmnt -n -o FSTYPE -T "$WORK") on $(findmnt -n -o SOURCE -T "$WORK"); $("$JAVA" -version 2>&1 | head -1); $(nginx -v 2>&1)"
  echo
  python3 "$HERE/report.py" "$RAW"
} | tee "$WORK/results.md"
log "raw figures: $RAW; tables: $WORK/results.md"
