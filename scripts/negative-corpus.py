#!/usr/bin/env python3
"""Writes a seeded corpus of realistic files that hold no credential (#15): lockfiles with integrity
hashes, go.sum, pip hash pins, source maps, minified JavaScript, base64 images, UUID and hash lists,
Kubernetes manifests and .env templates with placeholders, documentation with stand-in keys. The
accuracy harness scans it; at most 0.5% of its files may be flagged. Usage: negative-corpus.py DIR [N]"""
import base64, hashlib, json, os, random, string, sys, uuid

out, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rng = random.Random(15)
def word(): return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
def b64(n): return base64.b64encode(rng.randbytes(n)).decode()
def hexs(n): return rng.randbytes(n).hex()
def ident(): return rng.choice(string.ascii_letters) + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(0, 3)))

def package_lock():
    deps = {f"node_modules/{word()}": {"version": f"{rng.randint(0,9)}.{rng.randint(0,20)}.{rng.randint(0,9)}",
            "resolved": f"https://registry.npmjs.org/{word()}/-/{word()}-1.0.0.tgz", "integrity": "sha512-" + b64(64)} for _ in range(40)}
    return "package-lock.json", json.dumps({"name": word(), "lockfileVersion": 3, "packages": deps}, indent=2)
def yarn_lock():
    return "yarn.lock", "\n".join(f'{word()}@^1.0.0:\n  version "1.{rng.randint(0,9)}.0"\n  resolved "https://registry.yarnpkg.com/{word()}/-/x.tgz#{hexs(20)}"\n  integrity sha512-{b64(64)}\n' for _ in range(40))
def go_sum():
    return "go.sum", "\n".join(f"github.com/{word()}/{word()} v1.{rng.randint(0,9)}.0 h1:{b64(32)}" for _ in range(60))
def pip_hashes():
    return "requirements.txt", "\n".join(f"{word()}==1.{rng.randint(0,9)} \\\n    --hash=sha256:{hexs(32)}" for _ in range(40))
def source_map():
    mappings = ";".join(",".join("".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(rng.randint(4, 8))) for _ in range(8)) for _ in range(200))
    return "app.js.map", json.dumps({"version": 3, "sources": [f"src/{word()}.ts"], "names": [word() for _ in range(30)], "mappings": mappings})
def minified_js():
    body = ";".join(f"var {ident()}=function({ident()},{ident()}){{return {ident()}.{word()}({ident()},\"{word()}\")}}" for _ in range(300))
    return "bundle.min.js", body
def data_uri():
    return "icons.css", "\n".join(f".i{n}{{background:url(data:image/png;base64,{b64(300)})}}" for n in range(20))
def uuids():
    return "ids.csv", "id,name,created\n" + "\n".join(f"{uuid.UUID(bytes=rng.randbytes(16))},{word()},2024-0{rng.randint(1,9)}-1{rng.randint(0,9)}" for _ in range(200))
def git_hashes():
    return "packed-refs", "\n".join(f"{hexs(20)} refs/tags/v{rng.randint(0,9)}.{rng.randint(0,99)}" for _ in range(100))
def k8s_manifest():
    return "deployment.yaml", f"""apiVersion: v1
kind: Secret
metadata:
  name: {word()}
stringData:
  DB_PASSWORD: ${{DB_PASSWORD}}
  API_TOKEN: "<your-api-token>"
  SECRET_KEY: changeme
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {word()}
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.org/{word()}@sha256:{hexs(32)}
          env:
            - name: PASSWORD
              valueFrom: {{secretKeyRef: {{name: db, key: password}}}}
"""
def env_template():
    return ".env.example", f"""DATABASE_URL=postgres://user:password@localhost:5432/{word()}
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
AWS_SECRET_ACCESS_KEY=your_secret_access_key_here
GITHUB_TOKEN=<token>
SENTRY_DSN=
JWT_SECRET=${{JWT_SECRET}}
"""
def docs():
    return "README.md", f"""# {word()}

Set `API_KEY=YOUR_API_KEY` and run `curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/{word()}`.
Password hashes use `bcrypt` with a cost of 12. The commit `{hexs(20)}` fixed it; see #{rng.randint(100,999)}.
"""
def html_sri():
    return "index.html", "\n".join(f'<script src="https://cdn.example.org/{word()}.js" integrity="sha384-{b64(48)}" crossorigin="anonymous"></script>' for _ in range(20))
def checksums():
    return "SHA256SUMS", "\n".join(f"{hexs(32)}  {word()}-{rng.randint(1,9)}.tar.gz" for _ in range(50))

kinds = [package_lock, yarn_lock, go_sum, pip_hashes, source_map, minified_js, data_uri, uuids, git_hashes, k8s_manifest,
         env_template, docs, html_sri, checksums]
for n in range(count):
    name, text = kinds[n % len(kinds)]()
    directory = os.path.join(out, f"{n // len(kinds):04d}")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "w") as f:
        f.write(text)
print(count)
