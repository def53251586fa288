// Result<T, E>: the return type of every operation that can fail in an
// expected way (bad input, missing data). g++ 12 in C++20 has no
// std::expected, so this is a small stand-in with the same spirit
// (docs/architecture.md §2). Invariants use IOST_ASSERT instead.
// Thread contract: a value type; no shared state.
#pragma once

#include <util/assert.h>

#include <string>
#include <utility>
#include <variant>

namespace iost::util {

// The default error: a human-readable message, plus an optional numeric code
// that a caller may map to a protocol status.
struct Error {
    std::string message;
    int code = 0;
};

template <typename E>
struct Unexpected {
    E error;
};

// Err("...") builds the default error; Err(SomeEnum::kX) a typed one.
inline Unexpected<Error> Err(std::string message, int code = 0) {
    return {Error{std::move(message), code}};
}
template <typename E>
Unexpected<E> ErrOf(E e) {
    return {std::move(e)};
}

template <typename T, typename E = Error>
class [[nodiscard]] Result {
  public:
    Result(T value)
        : m_v(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    template <typename E2>
    Result(Unexpected<E2> e) : m_v(std::in_place_index<1>, E(std::move(e.error))) {}  // NOLINT

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        IOST_ASSERT(ok(), "Result::value() on an error");
        return std::get<0>(m_v);
    }
    const T& value() const& {
        IOST_ASSERT(ok(), "Result::value() on an error");
        return std::get<0>(m_v);
    }
    T&& value() && {
        IOST_ASSERT(ok(), "Result::value() on an error");
        return std::get<0>(std::move(m_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const {
        IOST_ASSERT(!ok(), "Result::error() on a value");
        return std::get<1>(m_v);
    }

  private:
    std::variant<T, E> m_v;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
  public:
    Result() = default;
    template <typename E2>
    Result(Unexpected<E2> e) : m_err(E(std::move(e.error))), m_ok(false) {}  // NOLINT

    bool ok() const { return m_ok; }
    explicit operator bool() const { return ok(); }
    const E& error() const {
        IOST_ASSERT(!ok(), "Result::error() on a value");
        return m_err;
    }

  private:
    E m_err{};
    bool m_ok = true;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

}  // namespace iost::util

// Propagates an error from an expression returning Result<...>.
#define IOST_TRY(expr)                                                          \
    do {                                                                        \
        auto&& iost_try_r_ = (expr);                                            \
        if (!iost_try_r_.ok()) return ::iost::util::ErrOf(iost_try_r_.error()); \
    } while (0)
