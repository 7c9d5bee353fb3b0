"""Summarises where a JFR recording's CPU samples went: the hottest methods (self time, the top frame of each
sample), the hottest of our own methods including what they call, and the share of a few areas of the daemon.
Reads `jfr print --json` output on stdin.

Usage: jfr print --events jdk.ExecutionSample --json REC.jfr | jfr_hot.py [TOP]

Only jdk.ExecutionSample counts: threads running Java code (or JIT-compiled code calling into the JVM). Threads
blocked in a system call (epoll_wait, pwrite, fsync) are not sampled by it.
"""
import collections
import json
import sys

# Areas, by the first frame from the top of the stack that matches; order matters (first match wins).
AREAS = [
    # JDK TLS (SSLEngine records, AES-GCM): these never call back into the pipeline, unlike Netty's SslHandler.
    ("TLS (JDK SSLEngine, AES-GCM)", ("sun.security.ssl.", "com.sun.crypto.provider.", "javax.crypto.")),
    ("CRC32C checksums", ("java.util.zip.CRC32C",)),
    ("RocksDB (JNI)", ("org.rocksdb.",)),
    ("file I/O (JDK)", ("sun.nio.ch.FileChannelImpl", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.IOUtil")),
    ("socket I/O (Netty epoll)", ("io.netty.channel.epoll.",)),
    ("Netty buffers and pipeline", ("io.netty.",)),
    ("JGroups and Raft", ("org.jgroups.",)),
    ("object store", ("io.sheepdog.store.",)),
    ("gateway and VDI I/O", ("io.sheepdog.daemon.gateway.", "io.sheepdog.daemon.vdi.")),
    ("sheep protocol", ("io.sheepdog.daemon.proto.", "io.sheepdog.daemon.client.", "io.sheepdog.daemon.server.")),
    ("NBD server", ("io.sheepdog.nbd.",)),
    ("other Sheepdog/J", ("io.sheepdog.",)),
    ("concurrency (JDK)", ("java.util.concurrent.",)),
]


def name(frame):
    """class.method, with dots (JFR spells most classes with slashes) and lambda classes folded to one name."""
    m = frame["method"]
    cls = m["type"]["name"].replace("/", ".")
    if "$$Lambda" in cls:
        cls = cls[:cls.index("$$Lambda")] + "$$Lambda"
    return "%s.%s" % (cls, m["name"])


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    events = json.load(sys.stdin)["recording"]["events"]
    self_time = collections.Counter()
    ours = collections.Counter()
    areas = collections.Counter()
    threads = collections.Counter()
    total = 0
    for e in events:
        stack = (e["values"].get("stackTrace") or {}).get("frames") or []
        if not stack:
            continue
        total += 1
        names = [name(f) for f in stack]
        self_time[names[0]] += 1
        for n in set(names):
            if n.startswith("io.sheepdog."):
                ours[n] += 1
        area = "other (JDK, JVM)"
        for label, prefixes in AREAS:
            if any(n.startswith(prefixes) for n in names):
                area = label
                break
        areas[area] += 1
        thread = (e["values"].get("sampledThread") or {}).get("javaName") or "?"
        threads[thread.rstrip("0123456789-")] += 1
    if not total:
        print("no execution samples")
        return

    def show(title, counter, n):
        print(title)
        for k, v in counter.most_common(n):
            print("  %5.1f%%  %s" % (100.0 * v / total, k))
        print()

    print("%d CPU samples" % total)
    print()
    show("By area (first matching frame from the top):", areas, len(AREAS) + 1)
    show("By thread pool:", threads, 8)
    show("Hottest methods (self):", self_time, top)
    show("Hottest Sheepdog/J methods (including callees):", ours, top)


if __name__ == "__main__":
    main()
