;; Running a module without --invoke calls its `_start` export.
(module
  (func (export "_start") (result i32) (i32.const 7)))
