// Fuzz target: the binary account record (ledger::Account::Decode,
// docs/formats.md "Account record"), which a node reads back from its own
// state and, with state sync and snapshots, from other nodes' chunks.
// The first input byte picks the mode:
//  - even: Account::Decode(rest). Decoding never reads out of bounds, and an
//    accepted record is canonical: Encode(Decode(x)) == x, so one account
//    has one encoding (the state root hashes these bytes).
//  - odd: ledger::native::ParseFlatArray(rest), the contract-argument fast
//    path. Whatever it accepts, nlohmann::json accepts too, as the same value
//    with the same dump (the receipt text).
// fuzz-link: iost_ledger
#include <ledger/auth.h>
#include <ledger/native.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 0) {
        auto a = iost::ledger::Account::Decode(rest);
        if (a.ok()) FUZZ_CHECK(a->Encode() == rest);
        return 0;
    }
    auto fast = iost::ledger::native::ParseFlatArray(rest);
    if (fast) {
        auto slow = nlohmann::json::parse(rest, nullptr, /*allow_exceptions=*/false);
        FUZZ_CHECK(!slow.is_discarded());
        FUZZ_CHECK(slow == *fast);
        FUZZ_CHECK(slow.dump() == fast->dump());
    }
    return 0;
}
