(module
  (import "env" "f" (func))
  (import "env" "g" (global i32)))
