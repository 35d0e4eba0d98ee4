#!/usr/bin/env python3
"""Summarises an async-profiler 'collapsed' CPU profile of the Mailward relay by area.

Record one with the load bench:
  BENCH_MAILWARD_JVM_FLAGS="-agentpath:/path/libasyncProfiler.so=start,event=cpu,interval=1ms,file=/tmp/prof-%p.collapsed,collapsed" \
    benchmarks/load/run.sh --profiles P1 --systems mailward
then: benchmarks/load/profile-summary.py /tmp/prof-<pid>.collapsed [frame-substring ...]

Unlike JFR's execution samples, async-profiler sees native code (RocksDB, BoringSSL,
AWS-LC) and the kernel (fsync, page faults), which is where several of the relay's
costs were. Each stack is put in the first area whose pattern it contains.
"""
import collections
import sys

AREAS = [
    ("JIT compiler threads", "CompileBroker"),
    ("GC threads", "G1"), ("GC threads", "GCTaskThread"), ("GC threads", "WorkerThread::run"),
    ("spool: group sync (journal fdatasync, RocksDB WAL)", "GroupCommitter.sync"),
    ("spool: writer thread (journal appends, batches)", "GroupCommitter.run"),
    ("delivery: reading the spooled message (prepare, DKIM)", "DkimFinisher.prepare"),
    ("delivery: writing the message out", "SmtpConnection.lambda$sendBody"),
    ("policy (PHI scan, consent)", "org/mailward/policy/"),
    ("delivery scheduler", "delivery/schedule"),
    ("inbound SMTP (parsing, DATA, spool frames)", "org/mailward/core/"),
    ("delivery client (SMTP, TLS setup)", "org/mailward/delivery/"),
    ("TLS decrypt", "SslHandler.unwrap"), ("TLS encrypt", "SslHandler.wrap"),
    ("Netty I/O (epoll, socket writes)", "io/netty"),
    ("RocksDB (other)", "rocksdb"), ("Chronicle (other)", "openhft"),
]


def main():
    path, subs = sys.argv[1], sys.argv[2:]
    areas, frames, total = collections.Counter(), collections.Counter(), 0
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(" ")
        n = int(n)
        total += n
        area = next((name for name, pat in AREAS if pat in stack), "other")
        areas[area] += n
        frames[stack.split(";")[-1]] += n
    print(f"{total} CPU samples")
    for k, v in areas.most_common():
        print(f"{100 * v / total:6.1f}%  {k}")
    print("\nhottest frames (self):")
    for k, v in frames.most_common(20):
        print(f"{100 * v / total:6.1f}%  {k[:140]}")
    for s in subs:
        inner = collections.Counter()
        for line in open(path):
            stack, _, n = line.rstrip().rpartition(" ")
            if s in stack:
                fr = stack.split(";")
                i = max(j for j, x in enumerate(fr) if s in x)
                inner[";".join(x.split("(")[0] for x in fr[i + 1:i + 3])] += int(n)
        print(f"\nunder {s}:")
        for k, v in inner.most_common(12):
            print(f"{100 * v / total:6.1f}%  {k[:160]}")


if __name__ == "__main__":
    main()
