#!/usr/bin/env bash
# Cold start of a hello container, in one hyperfine session (medians):
#   - `ctr run --rm` of the hello Wasm image through Wharf's OCI runtime
#     (wharf-runc behind containerd's runc v2 shim), when it is built;
#   - `ctr run --rm` of the same hello as a static Linux executable under runc;
#   - `wharf run IMAGE` with the image in the store.
# and the ratio of the Linux container to `wharf run IMAGE` (the goal: ≥ 100×).
# containerd runs from a temporary directory (own root, state, socket) and is
# stopped at the end. Needs root, containerd, runc, hyperfine, clang-19.
#
# Usage: bench/coldstart.sh [--runs N]      (default 30 runs, 3 warmup)
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=30
[[ ${1:-} == --runs ]] && runs=${2:?--runs needs a number}
wharf=${WHARF:-$root/build/wharf}
for tool in containerd ctr runc hyperfine clang-19 python3; do
  command -v $tool >/dev/null || { echo "error: needs $tool (scripts/setup.sh --deps)" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "error: needs root (containerd)" >&2; exit 1; }
[[ -x $wharf ]] || { echo "error: no wharf at $wharf" >&2; exit 1; }
T=$(mktemp -d /tmp/wharf-coldstart.XXXXXX)
cpid=""
cleanup() {
  [[ -n $cpid ]] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  umount -R "$T"/root/* 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

printf '#include <stdio.h>\nint main(void) { puts("Hello, world!"); return 0; }\n' >"$T/hello.c"
clang-19 --target=wasm32-wasi -O2 -s "$T/hello.c" -o "$T/hello.wasm" || exit 1
mkdir -p "$T/linux-rootfs"
clang-19 -O2 -static -s "$T/hello.c" -o "$T/linux-rootfs/hello" || exit 1
export WHARF_STORE=$T/store
"$wharf" build -t bench/hello:wasm "$T/hello.wasm" >/dev/null || exit 1
"$wharf" save -o "$T/hello.tar" bench/hello:wasm || exit 1

mkdir -p "$T/run"
cat >"$T/config.toml" <<TOML
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/run/containerd.sock"
[ttrpc]
  address = "$T/run/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$T/opt"
TOML
containerd --config "$T/config.toml" >"$T/containerd.log" 2>&1 &
cpid=$!
ctr="ctr --address $T/run/containerd.sock"
for _ in $(seq 100); do $ctr version >/dev/null 2>&1 && break; sleep 0.05; done
$ctr images import "$T/hello.tar" >/dev/null || { echo "error: ctr images import failed" >&2; exit 1; }

common="--fifo-dir $T/fifo --runc-root $T/runc"
cmds=(-n "ctr run --rm (Linux static hello, runc)" "$ctr run --rm $common --rootfs $T/linux-rootfs bench-linux /hello")
runtime=${WHARF_RUNC:-$(dirname "$wharf")/wharf-runc}
if [[ -x $runtime ]]; then
  cmds+=(-n "ctr run --rm (Wasm hello, wharf-runc)"
    "$ctr run --rm $common --runtime io.containerd.runc.v2 --runc-binary $runtime docker.io/bench/hello:wasm bench-wasm")
else
  echo "not run: ctr run of the Wasm image — no OCI runtime at $runtime yet (issue #13)"
fi
cmds+=(-n "wharf run IMAGE (in the store)" "$wharf run bench/hello:wasm")
hyperfine -N --warmup 3 --runs "$runs" --export-json "$T/result.json" "${cmds[@]}" >"$T/hyperfine.txt" 2>&1 ||
  { cat "$T/hyperfine.txt"; exit 1; }
python3 - "$T/result.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
for name, ms in r.items():
    print(f"{name:45s} {ms:8.2f} ms (median)")
linux = next(v for k, v in r.items() if k.startswith("ctr run --rm (Linux"))
wharf = r["wharf run IMAGE (in the store)"]
print(f"Linux container / wharf run IMAGE: {linux / wharf:.1f}x (goal: >= 100x)")
wasm = [v for k, v in r.items() if "wharf-runc" in k]
if wasm:
    print(f"ctr run Linux / ctr run Wasm: {linux / wasm[0]:.2f}x")
PY
