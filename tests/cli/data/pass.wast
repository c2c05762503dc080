(module
  (global (export "g") i32 (i32.const 42)))
(assert_return (get "g") (i32.const 42))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
