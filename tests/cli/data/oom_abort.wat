;; Grows until refused, then gives up the way an allocator's abort() does.
(module
  (memory 1)
  (func (export "_start")
    (loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
