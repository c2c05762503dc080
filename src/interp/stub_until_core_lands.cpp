// Temporary: lets the stages above build until the interpreter core lands.
#include "interp/interp.h"

namespace wharf::interp {
struct CompiledModule {};
Expected<std::shared_ptr<const CompiledModule>> compileModule(const Module&) {
  return std::shared_ptr<const CompiledModule>(std::make_shared<CompiledModule>());
}
const void* functionCode(const CompiledModule&, uint32_t) { return nullptr; }
Trap call(FuncInst* f, std::span<const Value> args, std::span<Value> results) {
  if (f->isHost()) return f->host(args, results);
  return Trap{TrapKind::Host, "interpreter not built yet"};
}
}  // namespace wharf::interp
