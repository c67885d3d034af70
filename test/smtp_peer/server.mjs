// A real SMTP server on loopback for the email task tests: prints
// "LISTENING <port>" once ready, then one JSON line per message received
// ({from, to, data}); requires AUTH with user "jobs" / password "s3cret";
// a message to a recipient starting with "busy" gets 451 (transient), one
// to "nobody" gets 550 (permanent) at RCPT TO.
import { SMTPServer } from "smtp-server";

const server = new SMTPServer({
  authOptional: false,
  allowInsecureAuth: true,
  disabledCommands: ["STARTTLS"],
  onAuth(auth, session, callback) {
    if (auth.username === "jobs" && auth.password === "s3cret") return callback(null, { user: "jobs" });
    return callback(new Error("Invalid username or password"));
  },
  onRcptTo(address, session, callback) {
    if (address.address.startsWith("busy")) {
      const e = new Error("Mailbox busy, try later");
      e.responseCode = 451;
      return callback(e);
    }
    if (address.address.startsWith("nobody")) {
      const e = new Error("No such user");
      e.responseCode = 550;
      return callback(e);
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      process.stdout.write(JSON.stringify({
        from: session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data: Buffer.concat(chunks).toString("latin1"),
      }) + "\n");
      callback();
    });
  },
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.server.address().port}\n`);
});
