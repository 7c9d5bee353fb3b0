# shellcheck shell=bash
# Shared by the scripts in scripts/: finding Java 17+, building the jars once, and launching a main class.
# Sourced, never run. The caller sets SHEEPDOG_ROOT (the repository root) and runs under `set -euo pipefail`.
#
# Environment:
#   JAVA_HOME           preferred Java installation; otherwise `java` on PATH
#   JAVA_OPTS           extra JVM options, split on whitespace (for example "-Xmx2g -Dio.netty.leakDetection.level=advanced")
#   SHEEPDOG_NO_BUILD=1 never run Maven: fail if the build output is missing (the integration tests set it, so a
#                       test never starts a nested build)

SHEEPDOG_VERSION=0.1.0-SNAPSHOT
SHEEPDOG_MIN_JAVA=17
# A sheep on port P also listens on P+1000 (JGroups membership) and P+1100 (its failure detector); see
# io.sheepdog.membership.MembershipConfig.PORT_OFFSET and FD_PORT_OFFSET.
SD_MEMBERSHIP_OFFSET=1000
SD_FD_OFFSET=1100

sd_prog=$(basename "$0")

sd_die() {
    printf '%s: %s\n' "$sd_prog" "$*" >&2
    exit 1
}

sd_note() {
    printf '%s: %s\n' "$sd_prog" "$*" >&2
}

# Sets SD_JAVA to a java binary of version >= 17: $JAVA_HOME/bin/java if that exists, else the first on PATH.
sd_find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        SD_JAVA=$JAVA_HOME/bin/java
    elif SD_JAVA=$(command -v java); then
        [ -z "${JAVA_HOME:-}" ] || sd_note "JAVA_HOME=$JAVA_HOME has no bin/java; using $SD_JAVA from PATH"
    else
        sd_die "no Java found: install a JDK $SHEEPDOG_MIN_JAVA or newer (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
    fi
    local version major
    # First line is like: openjdk version "17.0.15" 2025-04-15  |  java version "1.8.0_292"  |  openjdk version "21-ea"
    version=$("$SD_JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    major=${version%%.*}
    [ "$major" != 1 ] || major=$(printf '%s' "$version" | cut -d. -f2)
    major=${major%%[!0-9]*}
    if [ -z "$major" ] || [ "$major" -lt "$SHEEPDOG_MIN_JAVA" ]; then
        sd_die "$SD_JAVA is Java '${version:-unknown}', but Java $SHEEPDOG_MIN_JAVA or newer is needed (set JAVA_HOME to a JDK $SHEEPDOG_MIN_JAVA+)"
    fi
}

# sd_module_jar MODULE -> path of the module's jar; its runtime dependencies are in the sibling lib/.
sd_module_jar() {
    printf '%s/%s/target/%s-%s.jar' "$SHEEPDOG_ROOT" "$1" "$1" "$SHEEPDOG_VERSION"
}

# sd_ensure_built MODULE... : builds the whole reactor once if the jar or lib/ of any MODULE is missing.
# Concurrent callers (start-sheepdog starting several nodes, a user in another terminal) serialise on a lock
# so only the first one runs Maven; the others find the output present when they get the lock.
sd_ensure_built() {
    sd_built "$@" && return 0
    [ "${SHEEPDOG_NO_BUILD:-0}" != 1 ] || sd_die "build output missing ($(sd_module_jar "$1")) and SHEEPDOG_NO_BUILD=1: run 'mvn -DskipTests package' in $SHEEPDOG_ROOT"
    command -v mvn >/dev/null || sd_die "the build output is missing and Maven (mvn) is not installed: install maven (Debian: apt-get install maven)"
    local lock
    lock=${TMPDIR:-/tmp}/sheepdog-build-$(printf '%s' "$SHEEPDOG_ROOT" | cksum | cut -d' ' -f1).lock
    (
        if command -v flock >/dev/null; then
            exec 9>"$lock"
            flock 9
        fi
        sd_built "$@" && exit 0
        sd_note "building Sheepdog/J once (mvn -DskipTests package in $SHEEPDOG_ROOT); this takes a minute..."
        mvn -B -q -Dstyle.color=never -f "$SHEEPDOG_ROOT/pom.xml" -DskipTests package >&2 || sd_die "the build failed (see the Maven output above)"
    ) || exit 1
    sd_built "$@" || sd_die "the build finished but $(sd_module_jar "$1") or its lib/ is still missing"
}

sd_built() {
    local m jar
    for m in "$@"; do
        jar=$(sd_module_jar "$m")
        [ -f "$jar" ] && [ -d "$(dirname "$jar")/lib" ] || return 1
    done
}

# sd_exec MODULE MAIN_CLASS ARGS... : replaces the shell with the JVM running MAIN_CLASS of MODULE.
# With SD_CDS_NAME set (scripts/collie sets it), the JVM maps a class-data-sharing archive of the classes an earlier
# run loaded (target/cds/NAME-JAVA.jsa, one per Java installation), which saves about a third of a short command's
# start. The first run, and the first after a rebuild, records that archive as it exits. SHEEPDOG_CDS=0 turns it off.
sd_exec() {
    local module=$1 main=$2 jar cp jsa
    shift 2
    sd_find_java
    sd_ensure_built "$module"
    jar=$(sd_module_jar "$module")
    cp="$jar:$(dirname "$jar")/lib/*"
    if [ -n "${SD_CDS_NAME:-}" ] && [ "${SHEEPDOG_CDS:-1}" != 0 ]; then
        jsa=$(sd_cds_archive "$jar")
        # The JVM checks the archive against the jars too, and without it runs as if it had none; its notes about
        # that (and about classes it cannot archive) are off, and other JVM warnings go to stderr, not into the
        # data a command writes to stdout.
        local opts=(-Xlog:disable '-Xlog:all=warning,cds*=off:stderr')
        if [ -f "$jsa" ] && [ -z "$(find "$jar" "$(dirname "$jar")/lib" -newer "$jsa" -print -quit 2>/dev/null)" ]; then
            # shellcheck disable=SC2086
            exec "$SD_JAVA" ${JAVA_OPTS:-} "${opts[@]}" -XX:SharedArchiveFile="$jsa" -cp "$cp" "$main" "$@"
        fi
        if [ ! -e "$jsa.unsupported" ] && mkdir -p "$(dirname "$jsa")" 2>/dev/null && [ -w "$(dirname "$jsa")" ]; then
            # Record under a private name and rename: concurrent first runs each write their own, the last one wins.
            local rc=0
            # shellcheck disable=SC2086
            "$SD_JAVA" ${JAVA_OPTS:-} "${opts[@]}" -XX:ArchiveClassesAtExit="$jsa.$$" -cp "$cp" "$main" "$@" || rc=$?
            # A Java without a base archive writes none: remember that rather than trying on every run.
            mv -f "$jsa.$$" "$jsa" 2>/dev/null || touch "$jsa.unsupported" 2>/dev/null || true
            exit "$rc"
        fi
    fi
    # JAVA_OPTS is split on purpose: it holds several options.
    # shellcheck disable=SC2086
    exec "$SD_JAVA" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}

# sd_cds_archive JAR -> where the CDS archive of SD_CDS_NAME for SD_JAVA lives (an archive fits one JVM build only).
sd_cds_archive() {
    local java_id
    java_id=$(readlink -f "$SD_JAVA" | cksum | cut -d' ' -f1)
    printf '%s/cds/%s-%s.jsa' "$(dirname "$1")" "$SD_CDS_NAME" "$java_id"
}

# ---------------------------------------------------------------- cluster run directories (start/stop-sheepdog)
# Layout of a run directory DIR: node i keeps its store in DIR/i, its PID file in DIR/sheep<i>.pid (written by the
# daemon once it listens, removed by it on a clean shutdown) and its log in DIR/sheep<i>.log.

sd_pidfile() { printf '%s/sheep%s.pid' "$1" "$2"; }
sd_logfile() { printf '%s/sheep%s.log' "$1" "$2"; }

# sd_cmdline PID -> the process's arguments, one per line (empty if it is gone).
sd_cmdline() {
    if [ -r "/proc/$1/cmdline" ]; then
        tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null || true
    else
        ps -o args= -p "$1" 2>/dev/null | tr ' ' '\n' || true
    fi
}

# sd_is_sheep_of PID STORE_DIR : true iff PID is a live sheep daemon serving STORE_DIR. A PID file can outlive its
# daemon (kill -9, a crash) and the number be reused, so a PID is only trusted after this check.
sd_is_sheep_of() {
    local args
    args=$(sd_cmdline "$1")
    printf '%s\n' "$args" | grep -qxF io.sheepdog.daemon.SheepMain || return 1
    [ "$(printf '%s\n' "$args" | tail -n 1)" = "$2" ]
}

# sd_running_pid DIR I -> the PID of node I of DIR if it is running (per its PID file); nothing otherwise.
sd_running_pid() {
    local pidfile pid=
    pidfile=$(sd_pidfile "$1" "$2")
    [ -f "$pidfile" ] || return 0
    read -r pid <"$pidfile" 2>/dev/null || true
    case $pid in '' | *[!0-9]*) return 0 ;; esac
    if sd_is_sheep_of "$pid" "$1/$2"; then printf '%s' "$pid"; fi
}

# sd_arg_of PID OPTION -> the value following OPTION on the process's command line.
sd_arg_of() {
    sd_cmdline "$1" | awk -v opt="$2" 'found { print; exit } $0 == opt { found = 1 }'
}

# sd_node_ids DIR -> the node numbers that have a PID file in DIR, ascending.
sd_node_ids() {
    local f
    for f in "$1"/sheep*.pid; do
        [ -e "$f" ] || continue
        f=${f##*/sheep}
        f=${f%.pid}
        case $f in '' | *[!0-9]*) ;; *) printf '%s\n' "$f" ;; esac
    done | sort -n
}

# sd_usage SCRIPT -> the script's header comment (after the shebang, up to the first line that is no comment).
sd_usage() {
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}
