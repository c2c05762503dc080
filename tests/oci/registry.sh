#!/bin/bash
# The registry client end to end against Debian's docker-registry on
# loopback: plain http, then TLS (a CA made here) with htpasswd basic auth.
# build -> push -> rmi -> pull -> run; skopeo reads what Wharf pushed and
# Wharf pulls what skopeo pushed; bad credentials, a tampered blob (in the
# registry and in the store) and a truncated download each give one clear
# error and leave the store sound.
# Usage: tests/oci/registry.sh WHARF HELLO.wasm
set -u
WHARF=$1
HELLO=$2
for tool in docker-registry skopeo openssl htpasswd python3; do
  if ! command -v $tool >/dev/null; then
    echo "NOT RUN: $tool is not installed (scripts/setup.sh installs it)"
    exit 1
  fi
done
TMP=$(mktemp -d)
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
export WHARF_STORE=$TMP/store WHARF_CONFIG=$TMP/config.json
unset SSL_CERT_FILE
. "$(dirname "$0")/lib.sh"
check() { # check NAME CMD...: the command succeeds
  name=$1
  shift
  if "$@" >/dev/null 2>&1; then pass; else fail "$name: $*"; fi
}

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_registry DIR PORT [EXTRA-YAML]: serves until the test ends.
start_registry() {
  dir=$1 port=$2
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$3
YML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  PIDS="$PIDS $!"
  for _ in $(seq 100); do
    curl -s -o /dev/null ${4:-} "$5://127.0.0.1:$port/v2/" && return 0
    sleep 0.05
  done
  echo "registry on port $port did not start:"
  cat "$dir/log"
  exit 1
}

# ---- plain http on loopback
P1=$(freeport)
start_registry "$TMP/r1" "$P1" "" "" http
R1=127.0.0.1:$P1
check build "$WHARF" build -t $R1/demo/hello:v1 "$HELLO"
expect push 0 'Pushed' -- "$WHARF" push $R1/demo/hello:v1
expect push-again 0 'already exists' -- "$WHARF" push $R1/demo/hello:v1
digest=$(skopeo inspect --raw --tls-verify=false docker://$R1/demo/hello:v1 | sha256sum | cut -d' ' -f1)
mdigest=$("$WHARF" inspect $R1/demo/hello:v1 | grep -o 'sha256:[0-9a-f]*' | head -1)
[ "sha256:$digest" = "$mdigest" ] && pass || fail "registry serves manifest sha256:$digest, store has $mdigest"
check rmi "$WHARF" rmi $R1/demo/hello:v1
expect pull 0 'Downloaded newer image' -- "$WHARF" pull $R1/demo/hello:v1
expect run-pulled 0 '^hello from wasm' -- "$WHARF" run $R1/demo/hello:v1
check rmi2 "$WHARF" rmi $R1/demo/hello:v1
check prune "$WHARF" image prune
expect run-pulls-on-demand 0 '^hello from wasm' -- "$WHARF" run $R1/demo/hello:v1
expect pull-by-digest 0 '' -- "$WHARF" pull $R1/demo/hello@$mdigest
# Cross-repository mount: the same image under another repository.
check tag "$WHARF" tag $R1/demo/hello:v1 $R1/other/hello:v1
expect push-mount 0 'Mounted from demo/hello' -- "$WHARF" push $R1/other/hello:v1
# Chunked upload of a bigger layer.
head -c 300000 /dev/urandom >"$TMP/blob.bin"
check build-big "$WHARF" build -t $R1/demo/big:v1 --add "$TMP/blob.bin:/data.bin" "$HELLO"
expect push-chunked 0 'Pushed' -- "$WHARF" push --chunk-size 65536 $R1/demo/big:v1
check rmi-big "$WHARF" rmi $R1/demo/big:v1
check prune2 "$WHARF" image prune
expect pull-big 0 '' -- "$WHARF" pull $R1/demo/big:v1
# skopeo reads Wharf's push into an OCI layout.
check skopeo-reads skopeo copy --src-tls-verify=false docker://$R1/demo/hello:v1 oci:$TMP/layout:hello
# Wharf pulls what skopeo pushed: a Docker-style wasi/wasm image and the CNCF artifact.
check build-artifact "$WHARF" build --artifact -t art:v1 "$HELLO"
check save-artifact "$WHARF" save -o "$TMP/art.tar" art:v1
mkdir -p "$TMP/artlayout" && tar -xf "$TMP/art.tar" -C "$TMP/artlayout"
check skopeo-pushes-artifact skopeo copy --dest-tls-verify=false oci:$TMP/artlayout:v1 docker://$R1/sk/art:v1
expect pull-artifact 0 '' -- "$WHARF" pull $R1/sk/art:v1
expect run-artifact 0 '^hello from wasm' -- "$WHARF" run $R1/sk/art:v1
python3 - "$TMP/layout" "$TMP/wasi" <<'PY'
# An OCI layout of the hello image with the old `wasi/wasm` platform, in an index.
import hashlib, json, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
shutil.copytree(src, dst)
idx = json.load(open(os.path.join(src, "index.json")))
m = idx["manifests"][0]
man = json.load(open(os.path.join(src, "blobs/sha256", m["digest"][7:])))
cfgd = man["config"]["digest"][7:]
cfg = json.load(open(os.path.join(src, "blobs/sha256", cfgd)))
cfg["os"], cfg["architecture"] = "wasi", "wasm"
def put(obj):
    b = json.dumps(obj, separators=(",", ":")).encode()
    h = hashlib.sha256(b).hexdigest()
    open(os.path.join(dst, "blobs/sha256", h), "wb").write(b)
    return "sha256:" + h, len(b)
d, n = put(cfg)
man["config"]["digest"], man["config"]["size"] = d, n
md, mn = put(man)
sub = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
       "manifests": [{"mediaType": man["mediaType"], "digest": md, "size": mn,
                      "platform": {"os": "wasi", "architecture": "wasm"}}]}
sd, sn = put(sub)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": sub["mediaType"], "digest": sd, "size": sn,
           "annotations": {"org.opencontainers.image.ref.name": "wasi"}}]}, open(os.path.join(dst, "index.json"), "w"))
PY
check skopeo-pushes-wasi skopeo copy --all --dest-tls-verify=false oci:$TMP/wasi:wasi docker://$R1/sk/wasi:v1
expect pull-wasi-wasm 0 '' -- "$WHARF" pull $R1/sk/wasi:v1
expect run-wasi-wasm 0 '^hello from wasm' -- "$WHARF" run $R1/sk/wasi:v1

# Tampered blob in the registry: its bytes no longer match the digest.
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"][7:])' \
  "$TMP/layout/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$TMP/layout/index.json")")
data=$(find "$TMP/r1/data" -path "*blobs/sha256/${layer:0:2}/$layer/data")
cp "$data" "$TMP/layer.orig"
printf 'X' | dd of="$data" bs=1 seek=20 conv=notrunc 2>/dev/null
check rmi3 "$WHARF" rmi $R1/demo/hello:v1 $R1/demo/hello@$mdigest $R1/other/hello:v1 $R1/sk/wasi:v1
check prune3 "$WHARF" image prune

error pull-tampered 'does not match its digest' -- "$WHARF" pull -q $R1/demo/hello:v1
[ -z "$(ls "$WHARF_STORE/blobs/sha256" | grep "$layer")" ] && pass || fail "tampered layer entered the store"
expect images-after-tamper 0 '' -- "$WHARF" images
cp "$TMP/layer.orig" "$data"
expect pull-after-repair 0 '' -- "$WHARF" pull $R1/demo/hello:v1
# Tampered blob in the store: refused before use, removed, pulled again.
printf 'X' | dd of="$WHARF_STORE/blobs/sha256/$layer" bs=1 seek=20 conv=notrunc 2>/dev/null
rm -rf "$WHARF_STORE/rootfs"
error run-tampered-store 'corrupt|does not match' -- "$WHARF" run --pull never $R1/demo/hello:v1
expect pull-repairs-store 0 '' -- "$WHARF" pull $R1/demo/hello:v1
expect run-repaired 0 '^hello from wasm' -- "$WHARF" run $R1/demo/hello:v1

# Truncated downloads through a proxy that cuts every blob short: retried
# with Range requests, then one clear error; the first half is kept in tmp/
# and a later pull through an honest path resumes it.
PP=$(freeport)
python3 - "$PP" "$P1" >"$TMP/proxy.log" 2>&1 <<'PY' &
import http.server, sys, urllib.request
port, up = int(sys.argv[1]), int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (up, self.path), headers={k: v for k, v in self.headers.items() if k.lower() in ("accept", "range", "authorization")})
        try:
            r = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            r = e
        body = r.read()
        self.send_response(r.status if hasattr(r, "status") else r.code)
        for k, v in r.headers.items():
            if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if "/blobs/" in self.path and len(body) > 4096:  # layers, not configs
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
PIDS="$PIDS $!"
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$PP/v2/ && break; sleep 0.05; done
check rmi4 "$WHARF" rmi $R1/demo/hello:v1
check prune4 "$WHARF" image prune
error pull-truncated 'transfer closed|partial|bytes remaining' -- "$WHARF" pull -q --retries 2 127.0.0.1:$PP/demo/hello:v1
expect images-after-truncation 0 '' -- "$WHARF" images
grep -q demo/hello "$TMP/out" && fail "a truncated pull named the image" || pass
ls "$WHARF_STORE/tmp" | grep -q "^partial-$layer$" && pass || { fail "no partial download kept for resumption"; ls -la "$WHARF_STORE/tmp"; cat "$TMP/err"; }
expect pull-resumes 0 '' -- "$WHARF" pull $R1/demo/hello:v1
expect run-resumed 0 '^hello from wasm' -- "$WHARF" run $R1/demo/hello:v1

# ---- TLS with htpasswd basic auth
C=$TMP/tls
mkdir -p "$C"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Wharf test CA" -keyout "$C/ca.key" -out "$C/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$C/srv.key" -out "$C/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$C/ext"
openssl x509 -req -in "$C/srv.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 2 -extfile "$C/ext" -out "$C/srv.pem" 2>/dev/null
htpasswd -Bbc "$C/htpasswd" alice s3cret 2>/dev/null
P2=$(freeport)
start_registry "$TMP/r2" "$P2" "  tls:
    certificate: $C/srv.pem
    key: $C/srv.key
auth:
  htpasswd:
    realm: wharf-test
    path: $C/htpasswd" "--cacert $C/ca.pem" https
R2=127.0.0.1:$P2
check tag-tls "$WHARF" tag $R1/demo/hello:v1 $R2/secure/hello:v1
error push-untrusted 'certificate|TLS' -- "$WHARF" push -q $R2/secure/hello:v1
error push-no-creds 'unauthorized|authentication' -- "$WHARF" push -q --ca-file "$C/ca.pem" $R2/secure/hello:v1
error login-wrong 'unauthorized|authentication' -- "$WHARF" login --ca-file "$C/ca.pem" -u alice -p wrong $R2
expect login 0 'Login Succeeded' -- "$WHARF" login --ca-file "$C/ca.pem" -u alice --password-stdin $R2 < <(echo s3cret)
export SSL_CERT_FILE=$C/ca.pem
expect push-tls 0 'Pushed' -- "$WHARF" push $R2/secure/hello:v1
check rmi-tls "$WHARF" rmi $R2/secure/hello:v1
expect run-tls 0 '^hello from wasm' -- "$WHARF" run $R2/secure/hello:v1
check skopeo-tls skopeo copy --src-creds alice:s3cret --src-cert-dir "$C/none" docker://$R2/secure/hello:v1 oci:$TMP/layout2:x
expect logout 0 'Removing login credentials' -- "$WHARF" logout $R2
error pull-after-logout 'unauthorized|authentication' -- "$WHARF" pull -q $R2/secure/hello:v1
unset SSL_CERT_FILE

# ---- bad input
error unreachable 'unreachable' -- "$WHARF" pull -q 127.0.0.1:1/x/y:z
error unknown-tag 'not found|manifest unknown' -- "$WHARF" pull -q $R1/demo/hello:nosuchtag
error bad-ref 'invalid|reference' -- "$WHARF" pull 'UPPER/Case::x'
error push-unknown 'no such image' -- "$WHARF" push nosuch:v1
for v in pull push login logout; do expect help-$v 0 "Usage: wharf $v" -- "$WHARF" $v --help; done

echo "registry: $passed passed, $failed failed"
[ "$failed" = 0 ]
