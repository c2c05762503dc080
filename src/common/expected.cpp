#include "common/expected.h"

#include <cstdio>

namespace wharf {

std::string Error::describe() const {
  if (!hasOffset()) return message;
  char buf[40];
  std::snprintf(buf, sizeof buf, " (at byte 0x%llx)", static_cast<unsigned long long>(offset));
  return message + buf;
}

}  // namespace wharf
