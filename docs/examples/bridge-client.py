#!/usr/bin/env python3
"""Runs `echo hello` through procbus's TCP bridge: spawn, grant credit, read the output, see the exit."""
import base64, json, os, socket, struct, sys

PORT = int(os.environ.get("PROCBUS_TCP_PORT", "7000"))
STATE = os.environ.get("PROCBUS_STATE_DIR") or os.path.join(
    os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "procbus")
TOKEN = os.environ.get("PROCBUS_TOKEN") or json.load(open(os.path.join(STATE, "tokens.json")))["tokens"][0]["token"]
AUTH = {"authorization": "Bearer " + TOKEN}

sock = socket.create_connection(("127.0.0.1", PORT))
incoming = sock.makefile("rb")

def send(frame):                                    # a frame: 4-byte big-endian length, then UTF-8 JSON
    data = json.dumps(frame).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)

def receive():
    (size,) = struct.unpack(">I", incoming.read(4))
    frame = json.loads(incoming.read(size))
    if frame["type"] == "err":
        sys.exit(f"procbus: {frame['failureCode']} {frame['message']}")
    return frame

def unb64(text):                                    # chunks are base64url without padding
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

# 1. spawn: the reply is the process's ProcessInfo (id, eventAddress, controlAddress, ...)
send({"type": "send", "address": "procbus.service", "replyAddress": "spawn-1",
      "headers": {"action": "spawn", **AUTH}, "body": {"request": {"command": ["echo", "hello"]}}})
info = receive()["body"]

# 2. subscribe to its events, then grant credit: nothing is read or published before the first grant
send({"type": "register", "address": info["eventAddress"], "headers": AUTH})
def grant(stdout, stderr):
    send({"type": "send", "address": info["controlAddress"], "headers": AUTH,
          "body": {"id": info["id"], "stdout": stdout, "stderr": stderr}})
grant(65536, 65536)

# 3. events arrive in seq order until "closed"; give back the credit each chunk used
while True:
    event = receive()
    kind = event["headers"]["type"]
    if kind in ("stdout", "stderr"):
        data = unb64(event["body"]["data"])
        (sys.stdout if kind == "stdout" else sys.stderr).buffer.write(data)
        grant(len(data) if kind == "stdout" else 0, len(data) if kind == "stderr" else 0)
    elif kind == "exit":
        status = event["body"]                      # {"code": 0} or {"signal": "KILL", "signalNumber": 9, ...}
    elif kind == "closed":
        break
sys.stdout.flush()
print("exit", status.get("code", status.get("signal")), file=sys.stderr)
