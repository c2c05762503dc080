#!/bin/bash
# The image verbs end to end: build (reproducible, small, all three forms),
# images, inspect, tag, rmi, image prune, save/load (read back by skopeo, and
# skopeo's archives read by Wharf), run IMAGE, concurrent use of one store,
# and one clear error line for each kind of bad input.
# Usage: tests/oci/images.sh WHARF HELLO.wasm
set -u
WHARF=$1
HELLO=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
export WHARF_STORE=$TMP/store
unset SOURCE_DATE_EPOCH
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/data"
echo "data file" >"$TMP/data/msg.txt"

# --- build: the three forms, reproducible, small
expect build-plain 0 'hello:latest sha256:[0-9a-f]{64}' -- "$WHARF" build -t hello "$HELLO"
expect build-full 0 'app:v1 sha256:' -- "$WHARF" build -t app:v1 --env GREETING=hi --add "$TMP/data:/data" \
  --label org.example=yes --cmd default-arg --linux-compat "$HELLO"
expect build-artifact 0 'art:latest sha256:' -- "$WHARF" build -t art --artifact "$HELLO"
d1=$("$WHARF" images -q | sort | tr '\n' ' ')
WHARF_STORE=$TMP/store2 "$WHARF" build -t hello "$HELLO" >/dev/null
WHARF_STORE=$TMP/store2 "$WHARF" build -t app:v1 --env GREETING=hi --add "$TMP/data:/data" \
  --label org.example=yes --cmd default-arg --linux-compat "$HELLO" >/dev/null
WHARF_STORE=$TMP/store2 "$WHARF" build -t art --artifact "$HELLO" >/dev/null
d2=$(WHARF_STORE=$TMP/store2 "$WHARF" images -q | sort | tr '\n' ' ')
if [ "$d1" = "$d2" ] && [ -n "$d1" ]; then pass; else fail "reproducible: $d1 vs $d2"; fi
d3=$(SOURCE_DATE_EPOCH=1700000000 WHARF_STORE=$TMP/store3 "$WHARF" build -t hello "$HELLO" | cut -d' ' -f2)
d4=$("$WHARF" inspect hello | sed -n 's/.*"Id": "\(.*\)".*/\1/p')
if [ -n "$d3" ] && [ "$d3" != "$d4" ]; then pass; else fail "SOURCE_DATE_EPOCH changes the digest: $d3 $d4"; fi
size=$("$WHARF" inspect hello | sed -n 's/^  "Size": \([0-9]*\).*/\1/p')
if [ -n "$size" ] && [ "$size" -lt 102400 ]; then pass; else fail "hello image is $size bytes (want < 100 KB)"; fi
echo "hello image: $size bytes (manifest + config + layer)"

# --- images, inspect
expect images 0 'REPOSITORY +TAG +IMAGE ID +SIZE.*app +v1 .*art +latest .*hello +latest ' -- "$WHARF" images
expect inspect-index 0 '"MediaType": "application/vnd.oci.image.index.v1\+json".*"Platform": "wasip1/wasm"' -- \
  "$WHARF" inspect app:v1
expect inspect-artifact 0 '"Format": "CNCF Wasm artifact".*"mediaType": "application/vnd.wasm.config.v0\+json"' -- \
  "$WHARF" inspect art
expect inspect-label 0 '"org.example": "yes"' -- "$WHARF" inspect app:v1

# --- run IMAGE: argv (Cmd replaced by arguments), env, the image's files as /
expect run-plain 0 '^hello from wasm a b$' -- "$WHARF" run hello a b
expect run-cmd 0 '^hello from wasm default-arg \[hi\]$' -- "$WHARF" run app:v1
expect run-files 0 'hello from wasm cat=/data/msg.txt \[hi\].data file' -- "$WHARF" run app:v1 cat=/data/msg.txt
expect run-exit 7 'hello from wasm exit=7' -- "$WHARF" run app:v1 exit=7
expect run-env 0 '\[override\]' -- "$WHARF" run --env GREETING=override app:v1
expect run-artifact 0 '^hello from wasm x$' -- "$WHARF" run art x
expect run-by-id 0 'hello from wasm' -- "$WHARF" run "$(echo "$d4" | cut -c8-19)"
expect run-readonly 1 'cannot open /data/new' -- "$WHARF" run app:v1 cat=/data/new

# --- tag, rmi, prune
expect tag 0 '' -- "$WHARF" tag hello localhost:5000/team/hello:1.0
expect tag-listed 0 'localhost:5000/team/hello +1.0 ' -- "$WHARF" images
expect run-tagged 0 'hello from wasm' -- "$WHARF" run localhost:5000/team/hello:1.0
error rmi-ambiguous 'has 2 names' -- "$WHARF" rmi "$(echo "$d4" | cut -c8-19)"
expect rmi-name 0 'Untagged: localhost:5000/team/hello:1.0' -- "$WHARF" rmi localhost:5000/team/hello:1.0
expect still-there 0 'hello from wasm' -- "$WHARF" run hello
blobs_before=$(ls "$WHARF_STORE/blobs/sha256" | wc -l)
expect rmi-app 0 'Untagged: app:v1.*Deleted: ' -- "$WHARF" rmi app:v1
blobs_after=$(ls "$WHARF_STORE/blobs/sha256" | wc -l)
if [ "$blobs_after" -lt "$blobs_before" ]; then pass; else fail "rmi removed no blobs ($blobs_before -> $blobs_after)"; fi
expect run-others 0 'hello from wasm' -- "$WHARF" run art
echo stray >"$TMP/stray"
cp "$TMP/stray" "$WHARF_STORE/blobs/sha256/$(sha256sum "$TMP/stray" | cut -d' ' -f1)"
expect prune 0 'Deleted 1 blobs' -- "$WHARF" image prune
expect prune-again 0 'Deleted 0 blobs' -- "$WHARF" image prune

# --- save / load, and skopeo both ways
"$WHARF" build -t app:v1 --env GREETING=hi --add "$TMP/data:/data" --linux-compat "$HELLO" >/dev/null
expect save 0 '' -- "$WHARF" save -o "$TMP/images.tar" hello app:v1 art
expect save-layout 0 'oci-layout.*index.json.*manifest.json.*blobs/sha256/' -- tar tf "$TMP/images.tar"
expect save-names 0 '"io.containerd.image.name":"docker.io/library/app:v1","org.opencontainers.image.ref.name":"v1"' -- \
  tar xOf "$TMP/images.tar" index.json
WHARF_STORE=$TMP/loaded expect load 0 'Loaded image: hello:latest.*Loaded image: app:v1.*Loaded image: art:latest' -- \
  "$WHARF" load -i "$TMP/images.tar"
WHARF_STORE=$TMP/loaded expect run-loaded 0 'hello from wasm cat=/data/msg.txt \[hi\].data file' -- \
  "$WHARF" run app:v1 cat=/data/msg.txt
if command -v skopeo >/dev/null; then
  expect skopeo-reads 0 '"os": ?"wasip1"' -- skopeo inspect --raw --config oci-archive:"$TMP/images.tar":latest
  expect skopeo-copy 0 '' -- skopeo copy --all -q oci-archive:"$TMP/images.tar":v1 oci:"$TMP/skopeo-layout":v1
  expect skopeo-archive 0 '' -- skopeo copy --all -q oci:"$TMP/skopeo-layout":v1 \
    oci-archive:"$TMP/from-skopeo.tar":docker.io/library/via-skopeo:2
  WHARF_STORE=$TMP/loaded expect load-skopeo 0 'Loaded image: via-skopeo:2' -- "$WHARF" load -i "$TMP/from-skopeo.tar"
  WHARF_STORE=$TMP/loaded expect run-skopeo 0 'hello from wasm z \[hi\]' -- "$WHARF" run via-skopeo:2 z
else
  fail "skopeo is not installed (scripts/setup.sh installs it)"
fi

# --- concurrency: builds, tags, runs, removals and prunes at once
for i in 1 2 3 4 5 6; do
  (
    for j in 1 2 3 4 5; do
      "$WHARF" build -t "c$i:$j" --env "N=$i$j" "$HELLO" >/dev/null || echo "build c$i:$j failed"
      "$WHARF" run "c$i:$j" >/dev/null || echo "run c$i:$j failed"
      "$WHARF" tag "c$i:$j" "d$i:$j" || echo "tag c$i:$j failed"
      "$WHARF" rmi "c$i:$j" >/dev/null || echo "rmi c$i:$j failed"
      "$WHARF" image prune >/dev/null || echo "prune failed"
    done
  ) >"$TMP/conc$i" 2>&1 &
done
wait
if cat "$TMP"/conc* | grep -q .; then fail "concurrent use: $(cat "$TMP"/conc* | head -5)"; else pass; fi
n=$("$WHARF" images | grep -c '^d[1-6] ')
if [ "$n" = 30 ]; then pass; else fail "concurrent use: $n of 30 names survived"; fi
ok=0
for i in 1 2 3 4 5 6; do for j in 1 2 3 4 5; do
  "$WHARF" run "d$i:$j" >/dev/null 2>&1 && ok=$((ok + 1))
done; done
if [ "$ok" = 30 ]; then pass; else fail "concurrent use: $ok of 30 images still run"; fi

# --- bad input: one clear line each
error unknown-image 'no such image: nosuch' -- "$WHARF" run nosuch
error unknown-rmi 'no such image: nosuch' -- "$WHARF" rmi nosuch
error unknown-inspect 'no such image: nosuch' -- "$WHARF" inspect nosuch
error bad-reference 'invalid reference "Bad/Name"' -- "$WHARF" build -t Bad/Name "$HELLO"
error not-wasm 'is not a WebAssembly binary module' -- "$WHARF" build -t x "$TMP/stray"
error no-module 'cannot add .*nope.wasm' -- "$WHARF" build -t x "$TMP/nope.wasm"
error bad-add 'HOST:GUEST' -- "$WHARF" build -t x --add nocolon "$HELLO"
error artifact-add 'artifact images hold one module' -- "$WHARF" build -t x --artifact --add "$TMP/data:/d" "$HELLO"
error load-missing 'cannot read' -- "$WHARF" load -i "$TMP/nope.tar"
echo "not a tar" >"$TMP/bad.tar"
error load-garbage 'not a valid image archive|not an OCI image archive' -- "$WHARF" load -i "$TMP/bad.tar"
head -c 3000 "$TMP/images.tar" >"$TMP/truncated.tar"
error load-truncated 'truncated|damaged|not a valid|not an OCI' -- env WHARF_STORE="$TMP/trunc" "$WHARF" load -i "$TMP/truncated.tar"
if [ -z "$(WHARF_STORE=$TMP/trunc "$WHARF" images -q)" ]; then pass; else fail "a truncated load named images"; fi
# A tampered blob in the store is found, reported and not used.
manifest=$("$WHARF" inspect hello | sed -n 's/.*"ManifestDigest": "sha256:\(.*\)".*/\1/p')
config=$(sed -n 's/.*"config":{[^}]*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$WHARF_STORE/blobs/sha256/$manifest")
chmod u+w "$WHARF_STORE/blobs/sha256/$config"
echo '{"os":"linux"}' >"$WHARF_STORE/blobs/sha256/$config"
error tampered-config "blob sha256:$config in the store is corrupt" -- "$WHARF" run hello
echo '{"schemaVersion":2,' >"$TMP/m"
cp "$TMP/m" "$WHARF_STORE/blobs/sha256/$(sha256sum "$TMP/m" | cut -d' ' -f1)"
cat >"$TMP/idx.py" <<PY
import json,sys
p=sys.argv[1]; i=json.load(open(p))
i["manifests"].append({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$(sha256sum "$TMP/m" | cut -d' ' -f1)","size":$(wc -c <"$TMP/m"),"annotations":{"io.containerd.image.name":"docker.io/library/broken:latest"}})
json.dump(i,open(p,"w"))
PY
python3 "$TMP/idx.py" "$WHARF_STORE/index.json"
error malformed-manifest 'malformed image manifest: not valid JSON' -- "$WHARF" run broken
for verb in build images rmi tag save load inspect "image prune"; do
  # shellcheck disable=SC2086
  expect "help-$verb" 0 'Usage' -- "$WHARF" $verb --help
done

echo "images: $passed passed, $failed failed"
[ "$failed" = 0 ]
