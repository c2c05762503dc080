;; Five tables of 32 MiB each: more than a store's tables may hold together.
(module
  (table 4194304 funcref)
  (table 4194304 funcref)
  (table 4194304 funcref)
  (table 4194304 funcref)
  (table 4194304 funcref))
