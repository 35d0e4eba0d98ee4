#!/usr/bin/python3
# Verifies a DKIM-signed message read from stdin with Debian's python3-dkim (dkimpy).
# argv[1] is the DNS TXT record of the key; no DNS is queried. Exit 0 when valid.
import sys
import dkim

record = sys.argv[1].encode("ascii")
message = sys.stdin.buffer.read()
ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
print("dkim verify: " + ("pass" if ok else "fail"))
sys.exit(0 if ok else 1)
