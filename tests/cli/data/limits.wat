;; Hostile guests for the resource limits.
(module
  (memory 0)
  ;; Unbounded recursion: stopped by the call-depth limit.
  (func $rec (export "rec") (call $rec))
  ;; A memory bomb: grows one page at a time until refused; returns the pages it got.
  (func (export "bomb") (result i32) (local $n i32)
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $more)))
    (local.get $n)))
