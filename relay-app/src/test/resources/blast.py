#!/usr/bin/python3
"""Test client: sends numbered messages over STARTTLS + AUTH from several threads
and records "<queue-id> <token>" for every message the relay answered 250 to.
Reconnects when the relay goes away (it is killed on purpose) and resends the
message it was sending. Stops after --seconds or when --count messages were acked.
"""
import argparse, os, smtplib, ssl, threading, time

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, required=True)
p.add_argument("--user", required=True)
p.add_argument("--password", required=True)
p.add_argument("--sender", required=True)
p.add_argument("--rcpt", required=True)
p.add_argument("--threads", type=int, default=4)
p.add_argument("--count", type=int, default=1000)
p.add_argument("--seconds", type=float, default=60)
p.add_argument("--size", type=int, default=2000)
p.add_argument("--out", required=True)
p.add_argument("--stop-file", default=None, help="stop cleanly once this file exists")
a = p.parse_args()

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
lock = threading.Lock()
acked = [0]
deadline = time.time() + a.seconds
out = open(a.out, "a", buffering=1)
# RFC 5322 lines (<= 998 octets; the relay refuses longer ones with 550 5.6.0)
_text = ("lorem ipsum dolor sit amet " * ((a.size // 27) + 1))[: a.size]
filler = "\r\n".join(_text[i:i + 76] for i in range(0, len(_text), 76))


def body(token):
    return ("From: <%s>\r\nTo: <%s>\r\nSubject: load test\r\nMessage-ID: <%s@test>\r\n\r\n%s\r\n%s\r\n"
            % (a.sender, a.rcpt, token, token, filler)).encode()


def worker(n):
    seq = 0
    s = None
    while time.time() < deadline:
        if a.stop_file and os.path.exists(a.stop_file):
            break
        with lock:
            if acked[0] >= a.count:
                break
        token = "tok-%d-%d-%d" % (os.getpid(), n, seq)
        try:
            if s is None:
                s = smtplib.SMTP(a.host, a.port, timeout=10)
                s.ehlo("blast.test")
                s.starttls(context=ctx)
                s.ehlo("blast.test")
                s.login(a.user, a.password)
            code, _ = s.mail(a.sender)
            if code != 250:
                raise smtplib.SMTPException("mail %d" % code)
            code, _ = s.rcpt(a.rcpt)
            if code != 250:
                raise smtplib.SMTPException("rcpt %d" % code)
            code, resp = s.data(body(token))
            if code == 250:
                qid = resp.decode().rsplit(" ", 1)[-1]
                with lock:
                    out.write("%s %s\n" % (qid, token))
                    acked[0] += 1
                seq += 1
            else:
                s.rset()
                time.sleep(0.05)
        except (OSError, smtplib.SMTPException):
            try:
                if s is not None:
                    s.close()
            except Exception:
                pass
            s = None
            time.sleep(0.1)
    if s is not None:
        try:
            s.quit()
        except Exception:
            pass


threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.threads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("acked", acked[0])
