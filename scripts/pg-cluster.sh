#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#
#   scripts/pg-cluster.sh start DIR   initdb a cluster in DIR and start it on
#                                     127.0.0.1 (first free port from 54329),
#                                     with TLS from a throwaway CA (DIR/ca.crt);
#                                     prints the admin URL (which names the CA
#                                     in sslrootcert=) as the last line of
#                                     stdout and writes it to DIR/url
#   scripts/pg-cluster.sh stop DIR    stop that cluster and remove DIR
#
# Uses the newest /usr/lib/postgresql/*/bin (Debian's layout) and openssl;
# installs nothing. Durability is switched off (fsync, synchronous_commit,
# full_page_writes): the data is thrown away. Trust authentication, loopback
# only, no Unix socket. initdb and postgres refuse to run as root, so as root
# they run as the `postgres` user and DIR is handed to it.
set -euo pipefail

FIRST_PORT=54329
LAST_PORT=54429

die() {
  echo "pg-cluster.sh: error: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage

# The newest installed PostgreSQL, by version number.
pg_bin() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  if [ ! -x "$initdb" ]; then
    die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with: apt-get install postgresql"
  fi
  dirname "$initdb"
}

# Run a command as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A throwaway CA and a server certificate for 127.0.0.1 and localhost, in
# $1 (the data directory's parent): ca.crt for clients, server.crt and
# server.key for the server.
make_certs() {
  local d=$1
  command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=assay test CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" >"$d/openssl.log" 2>&1 ||
    die "openssl could not make the test CA (log: $d/openssl.log)"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$d/server.key" -out "$d/server.csr" >>"$d/openssl.log" 2>&1 ||
    die "openssl could not make the server key (log: $d/openssl.log)"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/server.ext" -out "$d/server.crt" >>"$d/openssl.log" 2>&1 ||
    die "openssl could not sign the server certificate (log: $d/openssl.log)"
  rm -f "$d/ca.key" "$d/server.csr" "$d/ca.srl"
  chmod 600 "$d/server.key"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$d/server.key" "$d/server.crt"
  fi
}

# Whether something already accepts connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local bin data log port url
  bin=$(pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data=$dir/data
  log=$dir/server.log
  [ ! -e "$data" ] || die "$data already exists; stop the cluster there first (or pick another DIR)"

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 ||
      die "running as root but there is no 'postgres' user to run the server as (apt-get install postgresql creates it)"
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "user 'postgres' cannot write to $dir (is a parent directory private to root?)"
  fi

  echo "pg-cluster.sh: initdb ($("$bin/postgres" --version)) in $data"
  if ! as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    tail -n 30 "$dir/initdb.log" >&2
    die "initdb failed (log above, in full in $dir/initdb.log)"
  fi

  make_certs "$dir"

  # Loopback only, trust: a throwaway cluster for tests. "host" lines take
  # connections with and without TLS.
  as_owner tee "$data/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
EOF
  as_owner tee -a "$data/postgresql.conf" >/dev/null <<'EOF'

# --- scripts/pg-cluster.sh: a throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_parallel_workers_per_gather = 0
logging_collector = off
ssl = on
EOF
  as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
EOF

  for ((port = FIRST_PORT; port <= LAST_PORT; port++)); do
    port_in_use "$port" && continue
    echo "pg-cluster.sh: starting on 127.0.0.1:$port"
    rm -f "$log"
    if as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
      url="postgres://postgres@127.0.0.1:$port/postgres?sslrootcert=$dir/ca.crt"
      echo "$url" >"$dir/url"
      echo "$url"
      return 0
    fi
    # Lost a race for the port to another process: try the next one.
    if grep -q 'could not bind\|Address already in use' "$log" 2>/dev/null; then
      continue
    fi
    echo "--- last lines of $log ---" >&2
    tail -n 30 "$log" >&2 || true
    die "the PostgreSQL server did not start"
  done
  die "no free port in $FIRST_PORT-$LAST_PORT on 127.0.0.1"
}

stop() {
  local bin
  if [ ! -e "$dir" ]; then
    echo "pg-cluster.sh: $dir does not exist; nothing to stop" >&2
    return 0
  fi
  # Never remove a directory that is not one of ours.
  [ -f "$dir/data/PG_VERSION" ] || [ -f "$dir/initdb.log" ] ||
    die "$dir does not look like a cluster made by $0; not removing it"
  if [ -f "$dir/data/postmaster.pid" ]; then
    bin=$(pg_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
      die "pg_ctl stop failed for $dir/data (server log: $dir/server.log)"
  fi
  rm -rf -- "$dir"
  echo "pg-cluster.sh: stopped and removed $dir"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
