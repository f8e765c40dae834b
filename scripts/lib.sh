# shellcheck shell=bash
# Shared by scripts/demo and scripts/test (sourced, not run): installing what jwt_auth needs,
# building it, and a throwaway PostgreSQL cluster to try it in.
#
# Settings, all optional:
#   PG_CONFIG                    which pg_config to build against (default: pg_config on PATH)
#   JWT_AUTH_PORT                first TCP port to try for the cluster (default 54329)
#   JWT_AUTH_PRELOAD=1           put jwt_auth in shared_preload_libraries (login throttling)
#   JWT_AUTH_LOG_MIN_MESSAGES    the cluster's log_min_messages (default warning)

PG_CONFIG=${PG_CONFIG:-pg_config}

# Debian 12 packages: the server and its headers, pgTAP and pg_prove, OpenSSL and libcurl headers, clang and
# its runtime for the fuzzer, IPC::Run for the Perl cluster tests. libkrb5-dev is there because
# the server header libpq/libpq-be.h (the client's address) includes gssapi.h.
JWT_AUTH_PACKAGES=(
    postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap postgresql-contrib
    libssl-dev libargon2-dev libcrypt-dev libcurl4-openssl-dev libkrb5-dev clang libclang-rt-14-dev libipc-run-perl make gcc
    libtap-parser-sourcehandler-pgtap-perl
)

# Stop with a message unless we are root: we install packages and files, and start the
# cluster as the postgres user.
need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$0: run me as root (I install packages and start a cluster as postgres)" >&2
        exit 1
    fi
}

# Install the packages above that are not installed yet; do nothing when all are there.
install_deps() {
    local pkg missing=()
    for pkg in "${JWT_AUTH_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build with warnings as errors (the Makefile's WERROR switch) and install.
build_and_install() {
    local log
    log=$(mktemp /tmp/jwt_auth-build.XXXXXX.log)
    echo "building jwt_auth (log: $log)"
    # One build at a time in this tree (two test runs side by side share it and the install).
    if flock /tmp/jwt_auth-build.lock make PG_CONFIG="$PG_CONFIG" WERROR=1 >"$log" 2>&1 &&
        flock /tmp/jwt_auth-build.lock make PG_CONFIG="$PG_CONFIG" install >>"$log" 2>&1; then
        rm -f "$log"
        return 0
    fi
    echo "build failed; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
}

# Run a command as the postgres user, from a directory it can enter.
as_postgres() {
    (cd / && runuser -u postgres -- "$@")
}

# Print the first TCP port on 127.0.0.1, from JWT_AUTH_PORT up, that nobody listens on.
free_port() {
    local port=${JWT_AUTH_PORT:-54329}
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

# Create and start a throwaway cluster in a new temp directory owned by postgres, and point
# psql, pg_prove and pg_regress at it (PGHOST, PGPORT, PGUSER, PGDATABASE).
# Callers: trap cluster_stop EXIT, so it goes away even when something fails.
cluster_start() {
    local bindir port preload=''
    bindir=$("$PG_CONFIG" --bindir)
    JWT_AUTH_CLUSTER=$(mktemp -d /tmp/jwt_auth-cluster.XXXXXX)
    chown postgres: "$JWT_AUTH_CLUSTER"
    if ! as_postgres "$bindir/initdb" -D "$JWT_AUTH_CLUSTER/data" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$JWT_AUTH_CLUSTER/initdb.log" 2>&1; then
        cat "$JWT_AUTH_CLUSTER/initdb.log" >&2
        return 1
    fi
    [ "${JWT_AUTH_PRELOAD:-0}" = 1 ] && preload=jwt_auth
    port=$(free_port)
    # The file stays postgres's: appending does not change its owner.
    cat >>"$JWT_AUTH_CLUSTER/data/postgresql.conf" <<EOF

# throwaway cluster for jwt_auth's demo and tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$JWT_AUTH_CLUSTER'
shared_preload_libraries = '$preload'
log_min_messages = ${JWT_AUTH_LOG_MIN_MESSAGES:-warning}
fsync = off
EOF
    if ! as_postgres "$bindir/pg_ctl" -D "$JWT_AUTH_CLUSTER/data" \
        -l "$JWT_AUTH_CLUSTER/server.log" -w start >/dev/null; then
        echo "the cluster did not start; the end of its log:" >&2
        tail -n 20 "$JWT_AUTH_CLUSTER/server.log" >&2
        return 1
    fi
    export PGHOST=$JWT_AUTH_CLUSTER PGPORT=$port PGUSER=postgres PGDATABASE=postgres
    echo "cluster up on port $port (socket in $JWT_AUTH_CLUSTER)"
}

# Stop the cluster and remove its directory. Safe to call twice, or with no cluster; silent.
cluster_stop() {
    [ -n "${JWT_AUTH_CLUSTER:-}" ] || return 0
    if [ -f "$JWT_AUTH_CLUSTER/data/postmaster.pid" ]; then
        as_postgres "$("$PG_CONFIG" --bindir)/pg_ctl" -D "$JWT_AUTH_CLUSTER/data" \
            -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$JWT_AUTH_CLUSTER"
    JWT_AUTH_CLUSTER=
}
