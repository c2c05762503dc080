;; Functions for `wharf run --invoke` golden tests.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "pair") (param i32) (result i32 f64) (local.get 0) (f64.const 0.5))
  (func (export "none"))
  (func (export "null") (result funcref) (ref.null func))
  (global (export "g") i32 (i32.const 1)))
