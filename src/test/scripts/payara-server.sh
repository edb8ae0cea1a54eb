#!/usr/bin/env bash
# Starts (up) or stops (down) the full Payara Server the *ServerIT suite runs against.
#   up:   a fresh domain $DOMAIN at port base $PORTBASE (admin $ADMIN_PORT), no admin password; an empty
#         PostgreSQL schema $DB_SCHEMA in $DB_NAME on $DB_HOST:$DB_PORT, so that Depot's migrations create
#         its tables; then start-domain with docker/payara/depot.asadmin as the post-boot command file,
#         given the same environment variables an operator (or the Docker image) would give it.
#         Then the test users (it-users.sh) in the file realm.
#   down: stop-domain.
# The results directory is $IT_DIR/results. Everything the server logs stays in the domain folder;
# the last lines are printed when starting fails.
set -euo pipefail
action=${1:?up|down}
asadmin="$PAYARA_HOME/bin/asadmin"
domains="$PAYARA_HOME/glassfish/domains"

stop() {
  if [ -d "$domains/$DOMAIN" ]; then
    "$asadmin" stop-domain --kill=false "$DOMAIN" >/dev/null 2>&1 || "$asadmin" stop-domain --kill=true "$DOMAIN" >/dev/null 2>&1 || true
  fi
}

case "$action" in
  up)
    stop
    rm -rf "${domains:?}/$DOMAIN" "$IT_DIR"
    mkdir -p "$IT_DIR/results"
    "$asadmin" create-domain --nopassword=true --portbase "$PORTBASE" "$DOMAIN" >"$IT_DIR/create-domain.log"
    echo "payara-server: domain $DOMAIN created (admin port $ADMIN_PORT, HTTP port $((PORTBASE + 80)))"

    if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
      echo "payara-server: PostgreSQL is not answering on $DB_HOST:$DB_PORT (.ci/run starts it)" >&2
      exit 1
    fi
    psql -v ON_ERROR_STOP=1 -q -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" \
      -c "DROP SCHEMA IF EXISTS $DB_SCHEMA CASCADE" -c "CREATE SCHEMA $DB_SCHEMA"
    echo "payara-server: empty PostgreSQL schema $DB_SCHEMA in database $DB_NAME"

    # The environment the command file reads: PostgreSQL behind the server's default data source.
    export DEPOT_RESULTS_DIR="$IT_DIR/results"
    export DEPOT_DB_POOL=depot-postgresql DEPOT_DB_HOST="$DB_HOST" DEPOT_DB_PORT="$DB_PORT" \
      DEPOT_DB_NAME="$DB_NAME" DEPOT_DB_USER="$DB_USER" DEPOT_DB_SCHEMA="$DB_SCHEMA"
    if ! "$asadmin" start-domain --postbootcommandfile "$COMMAND_FILE" "$DOMAIN" >"$IT_DIR/start-domain.log" 2>&1; then
      cat "$IT_DIR/start-domain.log" >&2
      tail -50 "$domains/$DOMAIN/logs/server.log" >&2 || true
      exit 1
    fi
    if grep -q "Boot Command .* failed" "$domains/$DOMAIN/logs/server.log"; then
      echo "payara-server: a command of $COMMAND_FILE failed:" >&2
      grep -A2 "Boot Command .* failed" "$domains/$DOMAIN/logs/server.log" >&2
      exit 1
    fi
    echo "payara-server: domain $DOMAIN started with $COMMAND_FILE"
    # Wake the web container now: Payara Server starts it lazily, on the first request, and when that first
    # request was the suite's deployment (minutes later, after the Micro suite), the HTTP listener once
    # came up without its web container ("GrizzlyProxy is NULL") and closed every connection on 20080.
    # That wake is not always enough: in one run of 2026-12-02 the listener never answered in 120 s and the
    # deployment then met "GrizzlyProxy is NULL" again. So: wait up to 60 s; if it still does not answer,
    # restart the domain once and wait again; if it still does not, stop here with the log rather than
    # let every test fail on a closed connection.
    http_port=$((PORTBASE + 80))
    answers() {
      for _ in $(seq 1 "$1"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/" || true)
        [ "$code" != "000" ] && return 0
        sleep 1
      done
      return 1
    }
    if ! answers 60; then
      echo "payara-server: HTTP listener on $http_port does not answer; restarting the domain once"
      "$asadmin" restart-domain "$DOMAIN" >>"$IT_DIR/start-domain.log" 2>&1 || true
      if ! answers 120; then
        echo "payara-server: HTTP listener on $http_port still does not answer" >&2
        tail -50 "$domains/$DOMAIN/logs/server.log" >&2 || true
        exit 1
      fi
    fi
    echo "payara-server: HTTP listener on $http_port answers ($code)"
    # The suite's realm users, in the domain's file realm, as an admin would create them.
    bash "$(dirname "$0")/it-users.sh" asadmin "$asadmin" "$ADMIN_PORT" "$IT_DIR/users"
    echo "payara-server: test users created in the file realm"
    ;;
  down)
    stop
    echo "payara-server: domain $DOMAIN stopped"
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
