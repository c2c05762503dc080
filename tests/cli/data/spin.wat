;; An infinite loop and a bounded one, for --fuel.
(module
  (func (export "spin") (loop (br 0)))
  (func (export "count") (param $n i32) (result i32)
    (loop (br_if 0 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $n)))
