# shellcheck shell=bash
# Shared by the benchmark scripts (bench-nbd, bench-collie): throw-away clusters on free ports, the servers'
# resident memory, timing, and cleanup of everything a run started. Sourced after common.sh, never run.
#
# A benchmark registers what it starts with bench_on_exit; bench_cleanup (installed as the EXIT trap by
# bench_init) runs those commands in reverse order, so an interrupted run (Ctrl-C, a failure) leaves no process
# behind. Only processes this run started are stopped: clusters through stop-sheepdog on their own run directory,
# other servers by the PID this script got when it started them.

BENCH_CLEANUP=()
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# bench_init: installs the cleanup trap.
bench_init() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# bench_on_exit COMMAND...: runs COMMAND when the script exits (the last registered runs first).
bench_on_exit() {
    local quoted
    quoted=$(printf '%q ' "$@")
    BENCH_CLEANUP+=("$quoted")
}

bench_cleanup() {
    local i
    for ((i = ${#BENCH_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${BENCH_CLEANUP[$i]}" >/dev/null 2>&1 || true
    done
    BENCH_CLEANUP=()
}

# bench_need TOOL PACKAGE...: fails with the Debian package to install when TOOL is missing.
bench_need() {
    local tool=$1
    shift
    command -v "$tool" >/dev/null || sd_die "$tool is missing: install it (Debian: apt-get install $*; scripts/test installs the test tools)"
}

bench_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# bench_free_base LOW COUNT OFFSET... -> a port P in LOW..LOW+5999 such that P+i+OFFSET (0 <= i < COUNT) is free
# for every OFFSET. Random, so that parallel runs rarely collide; callers keep below 32768, where Linux does not
# pick the local ports of outgoing connections.
bench_free_base() {
    local low=$1 count=$2 try base i off busy
    shift 2
    for ((try = 0; try < 50; try++)); do
        base=$((low + RANDOM % 6000)) busy=0
        for ((i = 0; i < count && !busy; i++)); do
            for off in "$@"; do
                if bench_port_in_use $((base + i + off)); then busy=1; break; fi
            done
        done
        [ "$busy" = 1 ] || { printf '%s' "$base"; return 0; }
    done
    sd_die "found no free port range after 50 tries"
}

# bench_start_cluster DIR NODES COPIES VDI SIZE LOG [OPTION...]: starts a cluster with start-sheepdog in DIR (on
# free ports), formats it with COPIES, creates VDI (unless '') of SIZE, and registers its stop; the OPTIONs (like
# --keys) go to start-sheepdog. Sets BENCH_PORT (sheep port of node 0) and BENCH_NBD_PORT (NBD port of node 0). A
# port taken by another program between the check and the start is retried with other ports.
bench_start_cluster() {
    local dir=$1 nodes=$2 copies=$3 vdi=$4 size=$5 log=$6 try
    shift 6
    for ((try = 1; try <= 3; try++)); do
        BENCH_PORT=$(bench_free_base 20000 "$nodes" 0 "$SD_MEMBERSHIP_OFFSET" "$SD_FD_OFFSET")
        BENCH_NBD_PORT=$(bench_free_base 12000 "$nodes" 0)
        # At exit (in this order): stop the daemons, then keep their logs beside LOG, as the data may be removed.
        bench_on_exit bench_keep_logs "$dir" "$(dirname "$log")/$(basename "$dir")"
        bench_on_exit "$SHEEPDOG_ROOT/scripts/stop-sheepdog" --dir "$dir" --timeout 20
        if "$SHEEPDOG_ROOT/scripts/start-sheepdog" --dir "$dir" --nodes "$nodes" --copies "$copies" \
                --vdi "$vdi" --size "$size" --port-base "$BENCH_PORT" --nbd-port-base "$BENCH_NBD_PORT" "$@" \
                >>"$log" 2>&1; then
            return 0
        fi
        grep -q 'in use' "$log" || break
        sd_note "a port was taken meanwhile; trying other ports"
    done
    sd_die "could not start a $nodes-node cluster; see $log"
}

# bench_keep_logs DIR PREFIX: copies the daemon logs DIR/sheep<i>.log to PREFIX-sheep<i>.log.
bench_keep_logs() {
    local f
    for f in "$1"/sheep*.log; do
        [ -e "$f" ] && cp "$f" "$2-${f##*/}"
    done
    return 0
}

# bench_alive PID...: true if every PID is a running process.
bench_alive() {
    local pid
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null || return 1; done
}

# bench_cluster_pids DIR -> the PIDs of the cluster's daemons, node 0 first, one per line.
bench_cluster_pids() {
    local i
    for i in $(sd_node_ids "$1"); do sd_running_pid "$1" "$i"; echo; done | grep .
}

# bench_rss_mib PID -> the process's resident set size in MiB (VmRSS), or '-' if it is gone.
bench_rss_mib() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024; found = 1 } END { if (!found) printf "-" }' "/proc/$1/status" 2>/dev/null \
        || printf -- '-'
}

# bench_tcp_bytes PORT... -> "CONNECTIONS BYTES": the established TCP connections on this host with an end on one
# of the PORTs, and the bytes their sockets have received so far (both directions of each connection: on loopback
# both ends are local, and every byte is received by one of them). A connection closed meanwhile is not counted.
bench_tcp_bytes() {
    ss -tinH state established 2>/dev/null | awk -v ports=" $* " '
        function port(a) { sub(/.*:/, "", a); return a }
        /^[^ \t]/ { lp = port($3); pp = port($4); keep = index(ports, " " lp " ") || index(ports, " " pp " ")
                    if (keep) conn[lp < pp ? lp "-" pp : pp "-" lp] = 1; next }
        keep && match($0, /bytes_received:[0-9]+/) { bytes += substr($0, RSTART + 15, RLENGTH - 15) }
        END { n = 0; for (c in conn) n++; printf "%d %.0f", n, bytes }'
}

# bench_wait_nbd URI SECONDS: waits until an NBD server answers at URI.
bench_wait_nbd() {
    local deadline=$((SECONDS + $2))
    until nbdinfo --size "$1" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# bench_wait_port_free PORT SECONDS: waits until nothing listens on PORT (a server just stopped may hold it).
bench_wait_port_free() {
    local deadline=$((SECONDS + $2))
    while bench_port_in_use "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# bench_now -> seconds since the epoch with nanoseconds, for timing with bench_elapsed.
bench_now() { date +%s.%N; }

# bench_elapsed START -> seconds since START (from bench_now), 3 decimals.
bench_elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }

# bench_bytes SIZE -> SIZE (bytes, or with a K/M/G/T suffix, powers of 1024) in bytes; fails on anything else.
bench_bytes() {
    local n
    n=$(numfmt --from=iec "${1%B}" 2>/dev/null) || return 1
    case $n in '' | *[!0-9]*) return 1 ;; esac
    printf '%s' "$n"
}

# bench_machine -> one line describing the machine, for result headers.
bench_machine() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    printf '%s CPUs (%s), %s GiB RAM, Linux %s' "$(nproc)" "${cpu:-unknown}" \
        "$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)"
}

# bench_load -> the load averages (1, 5, 15 minutes): other work on the machine skews every figure.
bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_disk DIR -> the device, file system type and free space DIR lives on.
bench_disk() {
    df -hT "$1" | awk 'NR == 2 { printf "%s (%s, %s free)", $1, $2, $5 }'
}
