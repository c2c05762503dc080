;; A table bomb: grows a table 1024 elements at a time until refused.
(module
  (table $t 0 funcref)
  (func (export "_start")
    (loop $more
      (br_if $more (i32.ne (table.grow $t (ref.null func) (i32.const 1024)) (i32.const -1))))))
