#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting locally installed
# servers when they do not (and installing them from Debian's packages as a last resort, when root).
# Used by .ci/run and `pnpm demo`. The alternative on a machine with Docker: docker compose up -d postgres redis
set -uo pipefail

PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf '[services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then pg_isready -h 127.0.0.1 -p "$PG_PORT" -q; else port_open "$PG_PORT"; fi
}

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; else port_open "$REDIS_PORT"; fi
}

wait_for() { # name check seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do "$2" && return 0; sleep 0.1; done
  log "$1 did not come up within $3 s"; return 1
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $* from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >&2 || return 1
  else
    return 1
  fi
}

start_postgres() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    local ver; ver="$(ls /etc/postgresql | sort -V | tail -1)"
    log "starting the machine's PostgreSQL $ver cluster"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 2>&1 && return 0
  fi
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$bin" ] || return 1
  local data="$ROOT/.data/pg"
  log "starting a private PostgreSQL cluster in $data"
  local as=(); if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); mkdir -p "$ROOT/.data"; chown postgres "$ROOT/.data" 2>/dev/null; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null || return 1
  fi
  "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || return 1
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >&2
}

ok=0
if pg_ready; then
  log "PostgreSQL is up on 127.0.0.1:$PG_PORT"
else
  if ! start_postgres; then
    apt_install postgresql && start_postgres
  fi
  wait_for PostgreSQL pg_ready 30 || ok=1
fi
if redis_ready; then
  log "Redis is up on 127.0.0.1:$REDIS_PORT"
else
  if ! start_redis; then
    apt_install redis-server && start_redis
  fi
  wait_for Redis redis_ready 15 || ok=1
fi
if [ $ok -ne 0 ]; then
  log "could not bring up PostgreSQL and Redis; install them, or run: docker compose up -d postgres redis"
fi
exit $ok
