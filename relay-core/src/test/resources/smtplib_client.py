# Submits mail to Mailward with Python's smtplib (Debian's /usr/bin/python3), as an ESP would.
# usage: smtplib_client.py HOST PORT CAFILE USER PASSWORD MODE
# Prints one line per check: "<name> <code> <text>".
import smtplib, ssl, sys
from email.message import EmailMessage

host, port, cafile, user, password, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
ctx = ssl.create_default_context(cafile=cafile)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2

def out(name, code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    print(name, code, text.replace("\n", " "), flush=True)

s = smtplib.SMTP(host, port, local_hostname="esp.test", timeout=20)
s.ehlo()
s.starttls(context=ctx)
s.ehlo()
out("features", 250, " ".join(sorted(s.esmtp_features.keys())))
s.login(user, password)
out("login", 235, "ok")

if mode == "messages":
    m = EmailMessage()
    m["From"] = "news@clinic.test"
    m["To"] = "patient@example.test"
    m["Subject"] = "Plain ASCII"
    m.set_content("Hello,\n.a line with a leading dot\nbye\n")
    r = s.send_message(m)
    out("ascii", 250, s.noop()[1] if r == {} else str(r))

    m = EmailMessage()
    m["From"] = "news@clinic.test"
    m["To"] = "patient@example.test"
    m["Subject"] = "Grüße"
    m.set_content("Grüße aus der Klinik, Zürich\n", cte="8bit")
    s.send_message(m, mail_options=["BODY=8BITMIME"])
    out("8bitmime", 250, "sent")

    m = EmailMessage()
    m["From"] = "jörg@clinic.test"
    m["To"] = "δοκιμή@παράδειγμα.test"
    m["Subject"] = "UTF-8 addresses"
    m.set_content("SMTPUTF8 message\n", cte="8bit")
    s.send_message(m)   # smtplib adds SMTPUTF8 itself for non-ASCII addresses
    out("smtputf8", 250, "sent")

elif mode == "bdat":
    code, text = s.docmd("MAIL FROM:<news@clinic.test> BODY=8BITMIME")
    out("mail", code, text)
    code, text = s.docmd("RCPT TO:<patient@example.test>")
    out("rcpt", code, text)
    part1 = b"Subject: chunked\r\n\r\nfirst chunk\r\n"
    part2 = b"second chunk\r\n"
    s.send(b"BDAT %d\r\n" % len(part1) + part1)
    code, text = s.getreply()
    out("bdat1", code, text)
    s.send(b"BDAT %d LAST\r\n" % len(part2) + part2)
    code, text = s.getreply()
    out("bdat2", code, text)

elif mode == "lines":
    # Raw messages, as an ESP's template engine might produce them: smtplib sends bytes as they are.
    for name, msg in (("line998", b"Subject: edge\r\n\r\n" + b"a" * 998 + b"\r\n"),
                      ("line1500", b"Subject: long\r\n\r\n" + b"a" * 1500 + b"\r\n")):
        try:
            s.sendmail("news@clinic.test", ["patient@example.test"], msg)
            out(name, 250, "sent")
        except smtplib.SMTPDataError as e:
            out(name, e.smtp_code, e.smtp_error)

s.quit()
