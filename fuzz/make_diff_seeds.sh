#!/bin/sh
# Seeds for fuzz_diff (generated at run time, never committed):
#   OUTDIR/ttf-N.wasm    N valid random modules from binaryen's translate-to-fuzz
#                        (wasm-opt -ttf), limited to WebAssembly 2.0 features
#   OUTDIR/loops-*.wasm  hand-written loop kernels shaped like the code the
#                        superinstructions were made for (every family of
#                        src/interp/fusion.h and the immediate forms)
#   OUTDIR/fusion-*.wasm the modules of tests/interp/fusion.wast
# Usage: fuzz/make_diff_seeds.sh OUTDIR [N]   (N defaults to 200)
# Needs wasm-opt (binaryen) and wat2wasm, wast2json, wasm-validate (wabt).
set -eu
out=${1:?usage: make_diff_seeds.sh OUTDIR [N]}
count=${2:-200}
here=$(dirname "$0")
for tool in wasm-opt wat2wasm wast2json wasm-validate; do
  command -v $tool >/dev/null || { echo "make_diff_seeds.sh: $tool not found" >&2; exit 1; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 2.0 = mvp + these. binaryen 108 often writes typed function references
# ((ref $t), a 3.0 type) into reference-types modules, so those are checked
# with wabt (which accepts 2.0 only) and made again without reference types
# if needed.
features="--mvp-features --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int
  --enable-simd --enable-bulk-memory --enable-multivalue"
made=0 i=0
while [ $made -lt "$count" ]; do
  i=$((i + 1))
  # Input sizes from 1 to 32 KB: larger inputs make larger modules.
  head -c $(( ($(od -An -N2 -tu2 /dev/urandom) % 32 + 1) * 1024 )) /dev/urandom >"$tmp/random"
  ok=0
  for extra in --enable-reference-types --enable-reference-types ""; do
    # shellcheck disable=SC2086
    if wasm-opt -ttf "$tmp/random" -o "$tmp/seed.wasm" $features $extra >/dev/null 2>&1 &&
      wasm-validate "$tmp/seed.wasm" >/dev/null 2>&1; then
      ok=1
      break
    fi
  done
  [ $ok = 1 ] || continue
  mv "$tmp/seed.wasm" "$out/ttf-$i.wasm"
  made=$((made + 1))
done

# Every module below starts by filling part of its memory with a pseudo-random
# pattern (so loads see varied integers, NaNs and infinities; the start
# function must stay within fuzz_diff's 100000 fuel) and masks its loop
# counts, so that calls with arbitrary arguments still run whole loops.
cat >"$tmp/loops-int.wat" <<'EOF'
(module
  (memory (export "mem") 1)
  (global $g (mut i64) (i64.const 0))
  (func $init (local $i i32) (local $x i32)
    (local.set $x (i32.const 0x12345678))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (i32.store (local.get $i) (local.get $x))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 0x4000)))))
  (start $init)
  ;; a[i] loads (shift + add address), load + op, step + compare + branch
  (func (export "sum_i32") (param $n i32) (param $base i32) (result i32) (local $i i32) (local $s i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (local.set $base (i32.and (local.get $base) (i32.const 0x7ffc)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $s (i32.add (local.get $s)
          (i32.load offset=4 (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $base)))))
        (local.set $s (i32.xor (local.get $s) (i32.load (local.get $i))))
        (local.set $s (i32.sub (i32.mul (local.get $s) (i32.const 3)) (local.get $i)))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (local.get $s))
  ;; i64: immediates that fit in 32 bits and ones that do not, sub by constants,
  ;; two steps, load + add address, op + store
  (func (export "i64_mix") (param $n i32) (param $x i64) (result i64) (local $i i32) (local $j i32) (local $acc i64)
    (local.set $n (i32.and (local.get $n) (i32.const 511)))
    (loop $l
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 0x5851f42d4c957f2d)) (local.get $x)))
      (local.set $acc (i64.sub (local.get $acc) (i64.const -7)))
      (local.set $acc (i64.xor (local.get $acc) (i64.load (i32.add (local.get $j) (i32.const 16)))))
      (local.set $x (i64.add (local.get $x) (i64.const 0x100000001)))
      (i64.store (i32.add (local.get $j) (i32.const 0x1000)) (i64.xor (local.get $acc) (local.get $x)))
      (i64.store offset=8 (local.get $j) (i64.and (local.get $acc) (i64.const 0xffffffff)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br_if $l (i64.lt_s (i64.extend_i32_u (local.get $i)) (i64.extend_i32_s (local.get $n)))))
    (global.set $g (local.get $acc))
    (i64.sub (local.get $acc) (i64.const 0x7fffffff)))
  ;; read-modify-write in place and elsewhere, both operand orders, i32/i64
  (func (export "rmw_int") (param $n i32) (param $y i32) (param $z i64) (local $p i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (loop $l
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (local.get $y)))
      (i32.store offset=4 (local.get $p) (i32.sub (local.get $y) (i32.load offset=4 (local.get $p))))
      (i32.store offset=8 (local.get $p) (i32.xor (i32.load (local.get $p)) (local.get $y)))
      (i64.store offset=16 (local.get $p) (i64.sub (i64.load offset=16 (local.get $p)) (local.get $z)))
      (i64.store offset=24 (local.get $p) (i64.xor (local.get $z) (i64.load offset=24 (local.get $p))))
      (i32.store8 offset=3 (local.get $p) (i32.add (local.get $y) (local.get $n)))
      (i32.store (local.get $p) (i32.or (i32.load (local.get $p)) (local.get $y)))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  ;; compare + branch on loads (also via local.tee and add addresses), byte scans
  (func (export "scan") (param $p i32) (param $c i32) (result i32) (local $v i32) (local $k i32) (local $hits i32)
    (local.set $p (i32.and (local.get $p) (i32.const 0xfff0)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $l
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.and (local.get $c) (i32.const 255)))
          (then (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))
        (if (i32.lt_s (i32.load8_s (i32.add (local.get $p) (local.get $k))) (i32.const 0))
          (then (local.set $hits (i32.add (local.get $hits) (i32.const 3)))))
        (br_if $done (i32.eqz (i32.load16_u offset=2 (local.get $p))))
        (br_if $done (i32.gt_u (local.tee $v (i32.load (local.get $p))) (local.get $v)))
        (br_if $done (i64.eq (i64.load (local.get $p)) (i64.extend_i32_u (local.get $c))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (i32.const 0xfff0)))))
    (i32.add (local.get $hits) (local.get $v)))
  ;; (load (local.tee p (i32.add p 4))), select on compares, br_table on computed indices
  (func (export "select_switch") (param $n i32) (param $a i64) (param $b i64) (result i64)
    (local $p i32) (local $v i32) (local $r i64)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (loop $l
      (local.set $v (i32.load (local.tee $p (i32.add (local.get $p) (i32.const 4)))))
      (local.set $r (i64.add (local.get $r)
        (select (local.get $a) (local.get $b) (i32.lt_s (local.get $v) (local.get $n)))))
      (local.set $a (select (local.get $a) (i64.extend_i32_s (local.get $v)) (i64.gt_u (local.get $a) (i64.const -5))))
      (block $d (block $c2 (block $c1 (block $c0
        (br_table $c0 $c1 $c2 $d (i32.and (local.get $v) (i32.const 3))))
          (local.set $r (i64.xor (local.get $r) (i64.const 1))) (br $d))
          (local.set $r (i64.rotl (local.get $r) (i64.const 7))) (br $d))
          (local.set $r (i64.sub (local.get $r) (local.get $b))))
      (block $e (block $f1 (block $f0
        (br_table $f0 $f1 $e (i32.sub (local.get $v) (i32.const 7))))
          (local.set $r (i64.add (local.get $r) (i64.const 3))) (br $e))
          (local.set $r (i64.mul (local.get $r) (i64.const 5))))
      (block $h (block $h1 (block $h0
        (br_table $h0 $h1 $h (i32.shr_u (local.get $v) (i32.const 30))))
          (local.set $r (i64.add (local.get $r) (i64.const 11))) (br $h))
          (local.set $r (i64.xor (local.get $r) (local.get $a))))
      (br_if $l (i32.gt_s (local.tee $n (i32.add (local.get $n) (i32.const -1))) (i32.const 0))))
    (local.get $r))
  ;; hash rounds: XOR of shifts and rotations of one value and of several
  (func (export "sigma") (param $n i32) (param $e i32) (param $w i64) (result i64) (local $a i32) (local $b i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (loop $l
      (local.set $a (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
        (i32.rotr (local.get $e) (i32.const 25))))
      (local.set $b (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 7)) (i32.rotl (local.get $e) (i32.const 14)))
        (i32.shr_u (local.get $a) (i32.const 3))))
      (local.set $e (i32.add (i32.xor (i32.shl (local.get $a) (i32.const 35)) (i32.shr_u (local.get $b) (i32.const 10)))
        (i32.load (i32.and (local.get $e) (i32.const 0xfffc)))))
      (local.set $w (i64.xor (i64.xor (i64.rotr (local.get $w) (i64.const 28)) (i64.rotr (local.get $w) (i64.const 34)))
        (i64.shl (local.get $w) (i64.const 65))))
      (local.set $w (i64.add (local.get $w) (i64.xor (i64.shr_u (local.get $w) (i64.const 7)) (i64.rotl (local.get $w) (i64.const 0)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $w) (i64.extend_i32_u (local.get $e))))
  ;; rotating locals (copy pairs and triples, copies before the back edge)
  (func (export "fib") (param $n i32) (result i64) (local $a i64) (local $b i64) (local $c i64) (local $t i64)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (local.set $b (i64.const 1))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $c))
        (local.set $c (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i64.xor (local.get $a) (i64.shl (local.get $c) (i64.const 1))))
  ;; load and store at a + b, br_if on a local just counted down
  (func (export "countdown") (param $n i32) (param $k i32) (result i32) (local $s i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (local.set $k (i32.and (local.get $k) (i32.const 0xeff0)))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $s (i32.load (i32.add (local.get $k) (local.get $n))))
        (i32.store (i32.add (local.get $n) (i32.const 0x2000)) (local.get $s))
        (i64.store16 (i32.add (local.get $k) (local.get $n)) (i64.extend_i32_s (local.get $s)))
        (local.set $s (i32.xor (local.get $s) (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $s))
  ;; a loop whose body starts with a copy (the back edge does it), and
  ;; multi-value loop parameters
  (func (export "loop_params") (param $n i32) (param $x i32) (result i32 i32) (local $y i32)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (local.get $x) (local.get $n)
    (loop $l (param i32 i32) (result i32 i32)
      (local.set $n)
      (local.set $y)
      (local.set $x (local.get $y))
      (local.get $x) (i32.mul (local.get $x) (i32.const 3)) (i32.add)
      (local.get $n) (i32.sub (i32.const 1))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "loop_copy") (param $n i32) (param $x i32) (result i32) (local $i i32) (local $s i32)
    (local.set $n (i32.and (local.get $n) (i32.const 255)))
    (loop $l
      (local.set $s (local.get $i))
      (local.set $x (i32.add (i32.mul (local.get $x) (local.get $s)) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $x) (local.get $s)))
)
EOF

cat >"$tmp/loops-float.wat" <<'EOF'
(module
  (memory (export "mem") 1)
  (func $init (local $i i32) (local $x i64)
    (local.set $x (i64.const 0x123456789abcdef))
    (loop $l
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
      ;; mostly ordinary doubles, some NaNs, infinities and denormals
      (i64.store (local.get $i) (select (local.get $x)
        (i64.or (i64.and (local.get $x) (i64.const 0x800fffffffffffff)) (i64.const 0x3ff0000000000000))
        (i64.eqz (i64.and (local.get $x) (i64.const 0xf00)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.const 0x4000)))))
  (start $init)
  ;; y[j] += a * x[j], both orders, f64/f32/i32/i64, addresses a + b
  (func (export "axpy") (param $n i32) (param $a f64) (param $af f32) (param $ai i32) (param $al i64)
    (local $px i32) (local $py i32) (local $j i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (local.set $py (i32.const 0x8000))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (f64.store (local.get $py) (f64.add (f64.load (local.get $py)) (f64.mul (local.get $a) (f64.load (local.get $px)))))
        (f64.store offset=8 (local.get $py)
          (f64.add (f64.mul (f64.load offset=8 (local.get $px)) (local.get $a)) (f64.load offset=8 (local.get $py))))
        (f32.store offset=16 (local.get $py)
          (f32.sub (f32.load offset=16 (local.get $py)) (f32.mul (local.get $af) (f32.load (i32.add (local.get $px) (local.get $j))))))
        (i32.store offset=20 (local.get $py)
          (i32.add (i32.mul (i32.load offset=20 (local.get $px)) (local.get $ai)) (i32.load offset=20 (local.get $py))))
        (i64.store offset=24 (local.get $py)
          (i64.sub (i64.load offset=24 (local.get $py)) (i64.mul (local.get $al) (i64.load offset=24 (local.get $px)))))
        (f64.store offset=32 (local.get $px)
          (f64.add (f64.mul (local.get $a) (f64.load (local.get $py))) (f64.load offset=40 (local.get $px))))
        (local.set $px (i32.add (local.get $px) (i32.const 32)))
        (local.set $py (i32.add (local.get $py) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
  ;; p[i] -= x * y * z and p[i] += z * (x * y), f64 and f32
  (func (export "nbody") (param $n i32) (param $x f64) (param $y f64) (param $z f64) (param $xf f32)
    (local $p i32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (loop $l
      (f64.store (local.get $p) (f64.sub (f64.load (local.get $p)) (f64.mul (f64.mul (local.get $x) (local.get $y)) (local.get $z))))
      (f64.store offset=8 (local.get $p)
        (f64.add (f64.mul (local.get $z) (f64.mul (local.get $x) (local.get $y))) (f64.load offset=8 (local.get $p))))
      (f64.store offset=16 (local.get $p)
        (f64.add (f64.load offset=24 (local.get $p)) (f64.mul (f64.mul (local.get $x) (local.get $x)) (local.get $y))))
      (f32.store offset=32 (local.get $p)
        (f32.sub (f32.load offset=32 (local.get $p)) (f32.mul (f32.mul (local.get $xf) (local.get $xf)) (local.get $xf))))
      (local.set $x (f64.add (local.get $x) (f64.load offset=40 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 48)))
      (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))))
  ;; float chains, load + op (f64.div too), conversions, add-addressed loads
  (func (export "dot") (param $n i32) (param $k i32) (result f64) (local $i i32) (local $s f64) (local $t f32)
    (local.set $n (i32.and (local.get $n) (i32.const 1023)))
    (local.set $k (i32.and (local.get $k) (i32.const 0xff8)))
    (loop $l
      (local.set $s (f64.add (local.get $s)
        (f64.mul (f64.load (i32.add (i32.shl (local.get $i) (i32.const 3)) (i32.const 0x100)))
                 (f64.load (i32.add (local.get $k) (local.get $i))))))
      (local.set $s (f64.div (local.get $s) (f64.load offset=8 (local.get $k))))
      (local.set $s (f64.sub (f64.convert_i32_s (i32.add (local.get $i) (local.get $k))) (local.get $s)))
      (local.set $t (f32.mul (f32.add (local.get $t) (f32.load (local.get $i))) (f32.const 0.5)))
      (f32.store (i32.add (i32.shl (local.get $i) (i32.const 2)) (i32.const 0x4000)) (local.get $t))
      (f64.store (i32.add (local.get $k) (i32.const 0x2000)) (f64.mul (local.get $s) (local.get $s)))
      (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.add (local.get $s) (f64.promote_f32 (local.get $t))))
)
EOF

for wat in "$tmp"/loops-*.wat; do
  wat2wasm "$wat" -o "$out/$(basename "$wat" .wat).wasm"
done
wast2json "$here/../tests/interp/fusion.wast" -o "$tmp/fusion.json" >/dev/null
for f in "$tmp"/fusion.*.wasm; do
  [ -e "$f" ] && mv "$f" "$out/fusion-$(basename "$f" | cut -d. -f2).wasm"
done
echo "make_diff_seeds.sh: $(ls "$out" | wc -l) seeds in $out"
