;; Asks for two pages up front.
(module (memory 2))
