// Errors are values: every fallible stage returns Expected<T>, carrying a
// message in the spec testsuite's wording plus the byte offset it refers to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace wharf {

struct Error {
  std::string message;  // spec wording, e.g. "unexpected end", "type mismatch"
  uint64_t offset = kNoOffset;  // byte offset in the module (or text), if known
  static constexpr uint64_t kNoOffset = ~uint64_t{0};

  bool hasOffset() const { return offset != kNoOffset; }
  // "message at byte 0x1f" (or just the message without an offset).
  std::string describe() const;
};

inline Error makeError(std::string message, uint64_t offset = Error::kNoOffset) {
  return Error{std::move(message), offset};
}

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error takeError() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  Error takeError() { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

// Propagate an error from an Expected<...> expression, binding the value otherwise.
#define WHARF_TRY(var, expr)                        \
  auto var##_result_ = (expr);                      \
  if (!var##_result_.ok()) return var##_result_.takeError(); \
  auto var = std::move(var##_result_).value()

#define WHARF_CHECK(expr)                                \
  do {                                                   \
    auto check_result_ = (expr);                         \
    if (!check_result_.ok()) return check_result_.takeError(); \
  } while (0)

}  // namespace wharf
