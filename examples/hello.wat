;; The smallest WASI hello world: writes its arguments after a greeting.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Hello, world!")
  ;; iovec at 16: one buffer (ptr, len); argc/argv-size at 32/36; argv at 64; strings at 1024
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  (func (export "_start")
    (local $i i32) (local $s i32) (local $n i32)
    (call $write (i32.const 0) (i32.const 13))
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (drop (call $args_get (i32.const 64) (i32.const 1024)))
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 32))))
        (local.set $s (i32.load (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $n (i32.const 0))
        (block $end (loop $len
          (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $s) (local.get $n)))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $len)))
        (i32.store8 (i32.const 14) (i32.const 32))
        (call $write (i32.const 14) (i32.const 1))
        (call $write (local.get $s) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store8 (i32.const 14) (i32.const 10))
    (call $write (i32.const 14) (i32.const 1))))
