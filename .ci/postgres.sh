# shellcheck shell=bash
# Sourced by .ci/run: exports HERALD_TEST_POSTGRES_URL for the PostgreSQL
# store tests (internal/store/postgres).
#
#   - HERALD_TEST_POSTGRES_URL already set: kept as it is.
#   - A server answers on 127.0.0.1:5432 (user postgres, trust auth): used,
#     with its database "test" (created when missing).
#   - Otherwise, or with HERALD_PG_FORCE_LOCAL=1: a throwaway cluster is made
#     with initdb (Debian's postgresql package is installed first when initdb
#     is missing) in a mktemp directory, started with pg_ctl on a free port of
#     127.0.0.1 with trust auth, and given a database "test". herald_pg_stop
#     stops it and removes the directory; it runs from an EXIT trap, chained
#     before any EXIT trap the caller had.
#
# Runs unattended (CI=true, no input), as root or not. It does not change the
# caller's shell options; on failure it prints why and returns 1.

herald_pg_log() { echo "postgres.sh: $*" >&2; }

# herald_pg_answers URL: does a server accept connections at URL?
herald_pg_answers() {
	if command -v psql >/dev/null 2>&1; then
		PGCONNECT_TIMEOUT=5 psql "$1" -XAtqc 'SELECT 1' >/dev/null 2>&1 </dev/null
		return
	fi
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -d "$1" -t 5
		return
	fi
	(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

# herald_pg_bindir: the directory holding initdb and pg_ctl. Debian keeps
# them in /usr/lib/postgresql/<version>/bin, off PATH.
herald_pg_bindir() {
	local initdb d
	if initdb=$(command -v initdb 2>/dev/null); then
		initdb=$(readlink -f "$initdb")
		d=$(dirname "$initdb")
		if [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	fi
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# herald_pg_as CMD...: runs CMD as the cluster's owner. initdb and the
# server refuse to run as root, so root hands them to the postgres user.
herald_pg_as() {
	if [ "$(id -u)" -ne 0 ]; then
		(cd "$HERALD_PG_DIR" && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd "$HERALD_PG_DIR" && runuser -u postgres -- "$@")
	else
		(cd "$HERALD_PG_DIR" && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
	fi
}

# herald_pg_port_free PORT: nothing listens on 127.0.0.1:PORT.
herald_pg_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# herald_pg_stop stops the throwaway cluster, if this script started one,
# and removes its directory. Safe to call more than once.
herald_pg_stop() {
	if [ -n "${HERALD_PG_DIR:-}" ] && [ -d "$HERALD_PG_DIR" ]; then
		if [ -f "$HERALD_PG_DIR/data/postmaster.pid" ]; then
			herald_pg_as "$HERALD_PG_BIN/pg_ctl" -D "$HERALD_PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
				herald_pg_log "pg_ctl stop failed; see $HERALD_PG_DIR/server.log"
		fi
		rm -rf "$HERALD_PG_DIR"
		herald_pg_log "stopped the throwaway cluster"
	fi
	HERALD_PG_DIR=
}

# herald_pg_local makes and starts the throwaway cluster.
herald_pg_local() {
	if ! HERALD_PG_BIN=$(herald_pg_bindir); then
		herald_pg_log "initdb not found; installing Debian's postgresql package"
		local sudo=
		if [ "$(id -u)" -ne 0 ]; then
			if ! command -v sudo >/dev/null 2>&1; then
				herald_pg_log "not root and no sudo: cannot install postgresql"
				return 1
			fi
			sudo="sudo -n"
		fi
		if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null ||
			! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
				</dev/null >/dev/null; then
			herald_pg_log "apt-get install postgresql failed"
			return 1
		fi
		HERALD_PG_BIN=$(herald_pg_bindir) || { herald_pg_log "initdb still missing after install"; return 1; }
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		herald_pg_log "running as root but there is no postgres user to own the cluster"
		return 1
	fi

	if [ "$(id -u)" -eq 0 ]; then
		# In /tmp, not $TMPDIR: the postgres user must be able to reach it.
		HERALD_PG_DIR=$(mktemp -d /tmp/herald-pg.XXXXXX) || return 1
		chown postgres "$HERALD_PG_DIR" || return 1
	else
		HERALD_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/herald-pg.XXXXXX") || return 1
	fi
	chmod 700 "$HERALD_PG_DIR"
	# Chain the stop before the caller's own EXIT trap, if any.
	# trap -p prints a quoted command: trap -- 'CMD' EXIT.
	local -a old=()
	eval "old=($(trap -p EXIT))"
	local previous=${old[2]:-}
	# shellcheck disable=SC2064 # expand $previous now
	trap "herald_pg_stop${previous:+; $previous}" EXIT
	# An interrupted run still goes through the EXIT trap.
	[ -n "$(trap -p INT)" ] || trap 'exit 130' INT
	[ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM

	if ! herald_pg_as "$HERALD_PG_BIN/initdb" -D "$HERALD_PG_DIR/data" -U postgres -A trust -E UTF8 \
		--no-locale --no-sync >"$HERALD_PG_DIR/initdb.log" 2>&1; then
		herald_pg_log "initdb failed:"
		cat "$HERALD_PG_DIR/initdb.log" >&2
		herald_pg_stop
		return 1
	fi

	local port='' try
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 30000))
		herald_pg_port_free "$port" || continue
		# The socket goes in the cluster's directory: /var/run/postgresql may
		# not exist, or not be writable by this user.
		if herald_pg_as "$HERALD_PG_BIN/pg_ctl" -D "$HERALD_PG_DIR/data" -l "$HERALD_PG_DIR/server.log" -w -t 60 \
			-o "-p $port -k '$HERALD_PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
			break
		fi
		herald_pg_log "pg_ctl start on port $port failed (try $try)"
		port=
	done
	if [ -z "$port" ]; then
		herald_pg_log "could not start the throwaway cluster; server log:"
		cat "$HERALD_PG_DIR/server.log" >&2 2>/dev/null
		herald_pg_stop
		return 1
	fi
	local psql=$HERALD_PG_BIN/psql
	[ -x "$psql" ] || psql=psql
	if ! PGCONNECT_TIMEOUT=10 "$psql" -XAtq -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-c 'CREATE DATABASE test' </dev/null >/dev/null; then
		herald_pg_log "CREATE DATABASE test failed"
		herald_pg_stop
		return 1
	fi
	export HERALD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/test?sslmode=disable"
	herald_pg_log "started a throwaway cluster in $HERALD_PG_DIR on port $port"
}

herald_pg_setup() {
	if [ -n "${HERALD_TEST_POSTGRES_URL:-}" ] && [ -z "${HERALD_PG_FORCE_LOCAL:-}" ]; then
		herald_pg_log "using HERALD_TEST_POSTGRES_URL from the environment"
		return 0
	fi
	if [ -z "${HERALD_PG_FORCE_LOCAL:-}" ]; then
		local url='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
		if herald_pg_answers "$url"; then
			export HERALD_TEST_POSTGRES_URL=$url
			herald_pg_log "using the server on 127.0.0.1:5432"
			return 0
		fi
		# A server without the test database: make it.
		if command -v psql >/dev/null 2>&1 &&
			herald_pg_answers 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' &&
			psql 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' -XAtqc 'CREATE DATABASE test' \
				</dev/null >/dev/null 2>&1 &&
			herald_pg_answers "$url"; then
			export HERALD_TEST_POSTGRES_URL=$url
			herald_pg_log "using the server on 127.0.0.1:5432 (created database test)"
			return 0
		fi
	fi
	herald_pg_local
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	herald_pg_log "this script is meant to be sourced (. .ci/postgres.sh); a cluster it starts stops when it exits"
fi
herald_pg_setup || return 1 2>/dev/null || exit 1
