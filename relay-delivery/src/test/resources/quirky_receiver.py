# A receiving MTA with one deliberate quirk, for relay-delivery's tests (the
# well-behaved receiver is relay-testkit's receiver.py). aiosmtpd on loopback
# with STARTTLS and PIPELINING; each accepted message lands in OUT/<n>.eml
# behind X-Test-* lines saying what the session looked like. Quirks:
#   rcpt-421     answers RCPT with "421 4.7.0" and closes the connection at once
#   no-8bitmime  does not offer 8BITMIME (and refuses BODY=8BITMIME)
#   dsn          offers DSN and takes NOTIFY/ORCPT/RET/ENVID (recorded, not acted on)
# The port is listening when the file OUT/ready exists.
import argparse, asyncio, itertools, os, re, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

p = argparse.ArgumentParser()
p.add_argument('--host', required=True)
p.add_argument('--port', type=int, required=True)
p.add_argument('--cert', required=True)
p.add_argument('--key', required=True)
p.add_argument('--out', required=True)
p.add_argument('--quirk', required=True, choices=['rcpt-421', 'no-8bitmime', 'dsn'])
a = p.parse_args()
counter = itertools.count(1)
DSN_PARAM = re.compile(r'\s+(NOTIFY|ORCPT|RET|ENVID)=\S+', re.I)


class QuirkySMTP(SMTP):
    async def smtp_MAIL(self, arg):
        if a.quirk == 'no-8bitmime' and arg and 'BODY=8BITMIME' in arg.upper():
            return await self.push('555 5.5.4 BODY=8BITMIME not offered here')
        if a.quirk == 'dsn' and arg:
            self.session.dsn_mail = ' '.join(m.group(0).strip() for m in DSN_PARAM.finditer(arg))
            arg = DSN_PARAM.sub('', arg)
        return await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        if a.quirk == 'rcpt-421':
            await self.push('421 4.7.0 Too many messages from you, slow down')
            self.transport.close()
            return
        if a.quirk == 'dsn' and arg:
            self.session.dsn_rcpt = getattr(self.session, 'dsn_rcpt', []) + [
                ' '.join(m.group(0).strip() for m in DSN_PARAM.finditer(arg))]
            arg = DSN_PARAM.sub('', arg)
        return await super().smtp_RCPT(arg)


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        responses.insert(1, '250-PIPELINING')
        if a.quirk == 'no-8bitmime':
            responses = [r for r in responses if '8BITMIME' not in r]
        if a.quirk == 'dsn':
            responses.insert(1, '250-DSN')
        return responses

    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        meta = 'X-Test-TLS: %s\r\nX-Test-Mail-Options: %s\r\nX-Test-Dsn-Mail: %s\r\nX-Test-Dsn-Rcpt: %s\r\n' % (
            'yes' if session.ssl is not None else 'no', ' '.join(envelope.mail_options),
            getattr(session, 'dsn_mail', ''), ','.join(getattr(session, 'dsn_rcpt', [])))
        tmp = os.path.join(a.out, '%d.tmp' % n)
        with open(tmp, 'wb') as f:
            f.write(meta.encode())
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(a.out, '%d.eml' % n))
        return '250 2.0.0 Queued as %d' % n


class QuirkyController(Controller):
    def factory(self):
        return QuirkySMTP(self.handler, **self.SMTP_kwargs)


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(a.cert, a.key)
c = QuirkyController(Handler(), hostname=a.host, port=a.port, tls_context=ctx, require_starttls=False,
                     enable_SMTPUTF8=True, decode_data=False, ready_timeout=10)
c.start()
open(os.path.join(a.out, 'ready'), 'w').close()
try:
    sys.stdin.read()   # the test closes stdin (or the JVM exits) to stop us
finally:
    c.stop()
