# A receiving MTA for Mailward's delivery tests: aiosmtpd on loopback, with
# STARTTLS when a certificate is given. Writes every accepted message to
# OUT/<n>.eml with a small header of what the session looked like (TLS or not,
# session id, the transaction's number within its session, MAIL/RCPT), so tests can assert on what really arrived.
# Accepts messages up to --max-size bytes (default 64 MiB; aiosmtpd's own default is 32 MiB).
# Modes: ok | tempfail-data:N (first N DATA get 451) | reject-rcpt:SUBSTR (550 5.1.1)
#   | tempfail-until-released (every DATA gets 451 while OUT/tempfail exists; the test deletes it)
# Every 451 to DATA appends the transaction's recipients to OUT/tempfailed.txt, one per line.
import argparse, asyncio, itertools, os, ssl, sys, time
from aiosmtpd.controller import Controller

p = argparse.ArgumentParser()
p.add_argument('--host', required=True)
p.add_argument('--port', type=int, required=True)
p.add_argument('--cert')
p.add_argument('--key')
p.add_argument('--out', required=True)
p.add_argument('--mode', default='ok')
p.add_argument('--pipelining', default='yes')
p.add_argument('--max-size', type=int, default=64 * 1024 * 1024)
a = p.parse_args()
counter = itertools.count(1)
tempfails = [int(a.mode.split(':')[1]) if a.mode.startswith('tempfail-data:') else 0]
flag = os.path.join(a.out, 'tempfail')
if a.mode == 'tempfail-until-released':
    open(flag, 'w').close()

def tempfail(envelope):
    with open(os.path.join(a.out, 'tempfailed.txt'), 'a') as f:
        f.write(''.join(r + '\n' for r in envelope.rcpt_tos))
    return '451 4.3.0 Try again later'

class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if a.pipelining == 'yes':
            responses.insert(1, '250-PIPELINING')
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if a.mode.startswith('reject-rcpt:') and a.mode.split(':', 1)[1] in address:
            return '550 5.1.1 No such user here'
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        if tempfails[0] > 0:
            tempfails[0] -= 1
            return tempfail(envelope)
        if a.mode == 'tempfail-until-released' and os.path.exists(flag):
            return tempfail(envelope)
        n = next(counter)
        tls = session.ssl is not None
        session.mw_transactions = getattr(session, 'mw_transactions', 0) + 1
        meta = 'X-Test-TLS: %s\r\nX-Test-Session: %d\r\nX-Test-Transaction: %d\r\nX-Test-Mail-From: %s\r\nX-Test-Mail-Options: %s\r\nX-Test-Rcpt: %s\r\n' % (
            'yes' if tls else 'no', id(session), session.mw_transactions, envelope.mail_from, ' '.join(envelope.mail_options),
            ','.join(envelope.rcpt_tos))
        tmp = os.path.join(a.out, '%d.tmp' % n)
        with open(tmp, 'wb') as f:
            f.write(meta.encode())
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(a.out, '%d.eml' % n))
        return '250 2.0.0 Queued as %d' % n

ctx = None
if a.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
c = Controller(Handler(), hostname=a.host, port=a.port, tls_context=ctx, require_starttls=False,
               enable_SMTPUTF8=True, decode_data=False, ready_timeout=10,
               data_size_limit=a.max_size)
c.start()
print('READY', flush=True)
try:
    sys.stdin.read()   # the test closes stdin (or the JVM exits) to stop us
finally:
    c.stop()
