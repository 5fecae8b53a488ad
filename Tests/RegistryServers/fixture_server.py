#!/usr/bin/env python3
"""Small HTTP servers the registry tests put next to a real registry (test code, not product).

token: a Docker token service. Checks Basic credentials, then issues an RS256 JWT with an x5c
       header, signed by `openssl` with the test key, for exactly the scope asked.
proxy: forwards every request to a registry, and can answer the first requests with 429/503,
       answer 403 to everything, answer blob GETs with a 307 to another server (or itself), offer the OCI referrers API for one subject, cut a blob short, corrupt a blob's bytes, add Basic credentials upstream, and log
       which requests carried Authorization or Cookie headers.
webhook: a chat webhook: appends each POST body as one line to --log, answering 200 (or 503 to the
       first --fail-first requests).
All bind 127.0.0.1 on a free port and write it to --port-file once listening.
"""
import argparse, base64, http.client, json, signal, subprocess, sys, threading, time, urllib.parse, uuid

# The test process that starts us may block signals, and a child inherits the mask: unblock them, or
# SIGTERM never stops this server.
signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if ARGS.mode == "token":
            self.token()
        else:
            self.proxy()

    do_HEAD = do_GET

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            FAILED[0] += 1
            if FAILED[0] <= ARGS.fail_first:
                self.send(503)
                return
            with open(ARGS.log, "ab") as log:
                log.write(body.replace(b"\n", b" ") + b"\n")
        self.send(200, b"ok")

    def token(self):
        auth = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(ARGS.user.encode()).decode()
        if auth != expected:
            self.send(401, b'{"details":"bad credentials"}')
            return
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        access = []
        for scope in query.get("scope", []):
            kind, name, actions = scope.split(":", 2) if scope.count(":") >= 2 else ("", "", "")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        cert = subprocess.run(["openssl", "x509", "-in", ARGS.cert, "-outform", "DER"], capture_output=True, check=True).stdout
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(cert).decode()]}
        now = int(time.time())
        claims = {"iss": ARGS.issuer, "sub": ARGS.user.split(":")[0], "aud": query.get("service", [""])[0],
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", ARGS.key], input=signing_input.encode(),
                                   capture_output=True, check=True).stdout
        token = signing_input + "." + b64url(signature)
        self.send(200, json.dumps({"token": token, "expires_in": 300}).encode(), [("Content-Type", "application/json")])

    def proxy(self):
        with LOCK:
            with open(ARGS.log, "a") as log:
                log.write(json.dumps({"path": self.path, "authorization": "Authorization" in self.headers,
                                      "cookie": "Cookie" in self.headers}) + "\n")
        is_blob = "/blobs/sha256:" in self.path
        with LOCK:
            FAILED[0] += 1
            failing = FAILED[0] <= ARGS.fail_first
        if ARGS.forbid:
            self.send(403, b'{"errors":[{"code":"DENIED"}]}')
            return
        if failing:
            self.send(429 if FAILED[0] % 2 else 503, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', [("Retry-After", ARGS.retry_after)])
            return
        for pair in ARGS.referrers:
            subject, manifest = pair.split("=")
            if self.path.endswith("/referrers/" + subject):
                index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest, "size": 0,
                     "artifactType": "application/vnd.in-toto+json"}]}
                self.send(200, json.dumps(index).encode(), [("Content-Type", "application/vnd.oci.image.index.v1+json")])
                return
        if ARGS.redirect_blobs and is_blob:
            target = f"http://127.0.0.1:{self.server.server_address[1]}" if ARGS.redirect_blobs == "self" else ARGS.redirect_blobs
            self.send(307, headers=[("Location", target + self.path), ("Set-Cookie", "session=front-secret")])
            return
        upstream = urllib.parse.urlparse(ARGS.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        if ARGS.add_basic:
            headers["Authorization"] = "Basic " + base64.b64encode(ARGS.add_basic.encode()).decode()
        connection.request(self.command, self.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        passed = [(k, v) for k, v in response.getheaders() if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        digest = self.path.rsplit("/", 1)[-1]
        if response.status == 200 and is_blob and digest in ARGS.truncate_blob:
            self.send_response(200)
            for key, value in passed:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        if response.status == 200 and is_blob and digest in ARGS.corrupt_blob:
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        self.send(response.status, body, passed)


parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["token", "proxy", "webhook"])
parser.add_argument("--port-file", required=True)
parser.add_argument("--key"); parser.add_argument("--cert"); parser.add_argument("--issuer"); parser.add_argument("--user")
parser.add_argument("--upstream"); parser.add_argument("--redirect-blobs"); parser.add_argument("--add-basic")
parser.add_argument("--truncate-blob", action="append", default=[]); parser.add_argument("--corrupt-blob", action="append", default=[])
parser.add_argument("--log", default="/dev/null")
parser.add_argument("--referrers", action="append", default=[], help="SUBJECT=MANIFEST: the referrers API lists MANIFEST for SUBJECT")
parser.add_argument("--forbid", action="store_true", help="answer every request with 403")
parser.add_argument("--fail-first", type=int, default=0, help="answer the first N requests with 429/503")
parser.add_argument("--retry-after", default="0", help="the Retry-After seconds those answers carry")
ARGS = parser.parse_args()
LOCK = threading.Lock()
FAILED = [0]
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(ARGS.port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
server.serve_forever()
