;; WASI calls that pay fuel by length, for --fuel at the exact charge.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: 40 bytes at 16; the count written goes to 8.
  (data (i32.const 0) "\10\00\00\00\28\00\00\00")
  (data (i32.const 16) "0123456789012345678901234567890123456789")
  (func (export "random") (param $n i32) (result i32)
    (call $random_get (i32.const 1024) (local.get $n)))
  (func (export "write") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
