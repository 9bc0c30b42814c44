#!/usr/bin/env bash
# services.sh start|stop|status [postgresql] [mysql]
#
# Runs the database servers quarry's tests use, on loopback only, on a
# Debian 12 machine without systemd (CI, containers, developer machines):
#
#   PostgreSQL 15  cluster 15/main on 127.0.0.1:5432 (created if missing)
#   MariaDB        mariadbd on 127.0.0.1:3306, socket /run/mysqld/mysqld.sock
#
# "start" is idempotent: it starts what is not running, (re)creates the
# role/user quarry (password quarry) and the database quarry_test on each
# server, and waits (bounded) until a real login as quarry succeeds. It
# prints the test URLs:
#
#   postgresql://quarry:quarry@127.0.0.1:5432/quarry_test
#   mysql://quarry:quarry@127.0.0.1:3306/quarry_test
#
# "stop" stops both servers ("pg_ctlcluster stop", "mariadb-admin
# shutdown"). "status" reports them and exits 0 only when all are up.
# With backend names after the command, only those servers are handled.
# Needs root (run scripts/install-deps.sh test first).
set -euo pipefail

export LANG=C.UTF-8 LC_ALL=C.UTF-8

PG_VERSION=${QUARRY_PG_VERSION:-15}
PG_CLUSTER=main
PG_PORT=5432
PG_LOG=/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log
MY_PORT=3306
MY_SOCKET=/run/mysqld/mysqld.sock
MY_LOG_DIR=/var/log/quarry-mariadb
MY_LOG=$MY_LOG_DIR/mariadbd.log
WAIT_SECONDS=${QUARRY_SERVICE_WAIT:-60}

PG_URL="postgresql://quarry:quarry@127.0.0.1:${PG_PORT}/quarry_test"
MY_URL="mysql://quarry:quarry@127.0.0.1:${MY_PORT}/quarry_test"

log() { echo "services: $*"; }

# Prints a failure with the tail of a server log, then exits.
die_with_log() {
	local msg=$1 logfile=$2
	echo "services: ERROR: $msg" >&2
	if [[ -r "$logfile" ]]; then
		echo "---- last lines of $logfile ----" >&2
		tail -n 40 "$logfile" >&2 || true
		echo "----" >&2
	fi
	exit 1
}

# Retries a command once a second until it succeeds or WAIT_SECONDS pass.
wait_for() {
	local i
	for ((i = 0; i < WAIT_SECONDS; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 1
	done
	return 1
}

# ---------------------------------------------------------------- PostgreSQL

pg_psql_admin() {
	# The postgres superuser over the local socket, run from / so that
	# psql does not complain about the caller's working directory.
	(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At "$@")
}

pg_login_ok() {
	PGPASSWORD=quarry PGCONNECT_TIMEOUT=5 psql -X -At -h 127.0.0.1 \
		-p "$PG_PORT" -U quarry -d quarry_test -c 'select 1' |
		grep -qx 1
}

pg_running() {
	pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1
}

pg_start() {
	if ! command -v pg_ctlcluster >/dev/null 2>&1; then
		echo "services: ERROR: pg_ctlcluster not found; run scripts/install-deps.sh test" >&2
		exit 1
	fi
	if [[ ! -d /etc/postgresql/$PG_VERSION/$PG_CLUSTER ]]; then
		log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
		pg_createcluster --locale=C.UTF-8 --encoding=UTF8 \
			--port="$PG_PORT" "$PG_VERSION" "$PG_CLUSTER"
	fi
	local port
	port=$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show port 2>/dev/null || echo "$PG_PORT")
	if [[ "$port" != "$PG_PORT" ]]; then
		log "setting PostgreSQL $PG_VERSION/$PG_CLUSTER port to $PG_PORT (was $port)"
		pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port "$PG_PORT"
		if pg_running; then
			pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
		fi
	fi
	install -d -o postgres -g postgres -m 2775 /run/postgresql
	if pg_running; then
		log "PostgreSQL $PG_VERSION/$PG_CLUSTER already running"
	else
		log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
		pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start ||
			die_with_log "PostgreSQL did not start" "$PG_LOG"
	fi
	wait_for pg_psql_admin -c 'select 1' ||
		die_with_log "PostgreSQL does not accept connections after ${WAIT_SECONDS}s" "$PG_LOG"

	pg_psql_admin <<'SQL'
DO $$
BEGIN
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'quarry') THEN
		ALTER ROLE quarry LOGIN PASSWORD 'quarry';
	ELSE
		CREATE ROLE quarry LOGIN PASSWORD 'quarry';
	END IF;
END
$$;
SQL
	local enc
	enc=$(pg_psql_admin -c "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'quarry_test'")
	if [[ -n "$enc" && "$enc" != "UTF8" ]]; then
		log "dropping quarry_test (encoding $enc, not UTF8)"
		pg_psql_admin -c 'DROP DATABASE quarry_test'
		enc=
	fi
	if [[ -z "$enc" ]]; then
		log "creating PostgreSQL database quarry_test"
		pg_psql_admin -c "CREATE DATABASE quarry_test OWNER quarry ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
	else
		pg_psql_admin -c 'ALTER DATABASE quarry_test OWNER TO quarry'
	fi

	wait_for pg_login_ok ||
		die_with_log "cannot log in as quarry at $PG_URL after ${WAIT_SECONDS}s" "$PG_LOG"
	log "PostgreSQL ready: $PG_URL"
}

pg_stop() {
	if pg_running; then
		log "stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"
		pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop
	else
		log "PostgreSQL $PG_VERSION/$PG_CLUSTER not running"
	fi
}

pg_status() {
	if pg_running && pg_login_ok; then
		log "PostgreSQL up, login ok: $PG_URL"
	elif pg_running; then
		log "PostgreSQL running, but quarry cannot log in"
		return 1
	else
		log "PostgreSQL down"
		return 1
	fi
}

# ------------------------------------------------------------------- MariaDB

my_admin_sql() {
	# root over the socket (unix_socket authentication, no password).
	mariadb --protocol=socket --socket="$MY_SOCKET" --connect-timeout=5 -uroot "$@"
}

my_login_ok() {
	mariadb --protocol=tcp -h127.0.0.1 -P"$MY_PORT" --connect-timeout=5 \
		-uquarry -pquarry quarry_test -N -B -e 'select 1' | grep -qx 1
}

my_running() {
	# A real query as root: "mariadb-admin ping" succeeds even when
	# access is denied, which would hide a foreign server.
	my_admin_sql -N -B -e 'select 1' >/dev/null 2>&1
}

my_start() {
	if ! command -v mariadbd >/dev/null 2>&1; then
		echo "services: ERROR: mariadbd not found; run scripts/install-deps.sh test" >&2
		exit 1
	fi
	install -d -o mysql -g mysql -m 0755 /run/mysqld "$MY_LOG_DIR"
	if [[ ! -d /var/lib/mysql/mysql ]]; then
		log "initialising the MariaDB data directory"
		mariadb-install-db --user=mysql --datadir=/var/lib/mysql \
			--auth-root-authentication-method=socket >"$MY_LOG_DIR/install-db.log" 2>&1 ||
			die_with_log "mariadb-install-db failed" "$MY_LOG_DIR/install-db.log"
	fi
	if my_running; then
		log "MariaDB already running"
	else
		log "starting MariaDB (log: $MY_LOG)"
		# A session of its own, detached from this script's terminal
		# and output, so that it outlives the caller cleanly.
		setsid mariadbd --user=mysql --socket="$MY_SOCKET" \
			--port="$MY_PORT" --bind-address=127.0.0.1 \
			--log-error="$MY_LOG" </dev/null >/dev/null 2>&1 &
		local pid=$!
		local i
		for ((i = 0; i < WAIT_SECONDS; i++)); do
			if my_running; then
				break
			fi
			if ! kill -0 "$pid" 2>/dev/null; then
				die_with_log "mariadbd exited at start" "$MY_LOG"
			fi
			sleep 1
		done
		my_running ||
			die_with_log "MariaDB does not accept connections after ${WAIT_SECONDS}s" "$MY_LOG"
	fi

	my_admin_sql <<'SQL'
CREATE DATABASE IF NOT EXISTS quarry_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER DATABASE quarry_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'quarry'@'127.0.0.1' IDENTIFIED BY 'quarry';
CREATE USER IF NOT EXISTS 'quarry'@'localhost' IDENTIFIED BY 'quarry';
ALTER USER 'quarry'@'127.0.0.1' IDENTIFIED BY 'quarry';
ALTER USER 'quarry'@'localhost' IDENTIFIED BY 'quarry';
GRANT ALL PRIVILEGES ON quarry_test.* TO 'quarry'@'127.0.0.1';
GRANT ALL PRIVILEGES ON quarry_test.* TO 'quarry'@'localhost';
SQL
	wait_for my_login_ok ||
		die_with_log "cannot log in as quarry at $MY_URL after ${WAIT_SECONDS}s" "$MY_LOG"
	log "MariaDB ready: $MY_URL"
}

my_stop() {
	if my_running; then
		log "stopping MariaDB"
		mariadb-admin --socket="$MY_SOCKET" -uroot shutdown
		wait_for bash -c "! test -S '$MY_SOCKET'" ||
			die_with_log "MariaDB did not stop within ${WAIT_SECONDS}s" "$MY_LOG"
	else
		log "MariaDB not running"
	fi
}

my_status() {
	if my_running && my_login_ok; then
		log "MariaDB up, login ok: $MY_URL"
	elif my_running; then
		log "MariaDB running, but quarry cannot log in"
		return 1
	else
		log "MariaDB down"
		return 1
	fi
}

# ---------------------------------------------------------------------- main

usage() {
	echo "usage: $0 start|stop|status [postgresql] [mysql]" >&2
	exit 2
}

(($# >= 1)) || usage
cmd=$1
shift
want_pg=0
want_my=0
if (($# == 0)); then
	want_pg=1
	want_my=1
fi
for b in "$@"; do
	case "$b" in
	postgresql | pg) want_pg=1 ;;
	mysql | mariadb) want_my=1 ;;
	*) usage ;;
	esac
done

if [[ "$cmd" != status && $EUID -ne 0 ]]; then
	echo "services: ERROR: must run as root (try: sudo $0 $cmd)" >&2
	exit 1
fi

case "$cmd" in
start)
	if ((want_pg)); then pg_start; fi
	if ((want_my)); then my_start; fi
	echo "services: test URLs:"
	if ((want_pg)); then echo "  $PG_URL"; fi
	if ((want_my)); then echo "  $MY_URL"; fi
	;;
stop)
	if ((want_pg)); then pg_stop; fi
	if ((want_my)); then my_stop; fi
	;;
status)
	rc=0
	if ((want_pg)); then pg_status || rc=1; fi
	if ((want_my)); then my_status || rc=1; fi
	exit "$rc"
	;;
*) usage ;;
esac
exit 0
