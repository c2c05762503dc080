(module
  (global (export "g") i32 (i32.const 42)))
(assert_return (get "g") (i32.const 43))
(assert_malformed (module quote "(func (i32.frobnicate))") "other wording")
