// Fuzz target: core::TxFromJson, the /sendTx body parser (the node's most
// exposed input). Properties:
//  1. Parsing never crashes, hangs or allocates without bound, whatever the
//     bytes (invalid UTF-8, deep nesting, huge numbers, duplicate keys).
//  2. A parsed tx survives our own JSON form: TxFromJson(TxToJson(tx)) is the
//     same tx with the same Full hash (gas doubles, int64 digits, base64 and
//     string escapes all round-trip).
//  3. Its Full encoding decodes back to it (Tx::FromBytes), when within the
//     size limit, and VerifyForm runs to a verdict without crashing.
#include <core/tx.h>
#include <core/tx_json.h>
#include <crypto/keys.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#define FUZZ_CHECK(cond)               \
    do {                               \
        if (!(cond)) __builtin_trap(); \
    } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace iost::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto tx = TxFromJson(text);
    if (!tx.ok()) {
        FUZZ_CHECK(!tx.error().message.empty());
        return 0;
    }
    const auto again = TxFromJson(TxToJson(*tx));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(*again == *tx);
    FUZZ_CHECK(again->Hash() == tx->Hash());

    const auto full = tx->ToBytes(TxLevel::kFull);
    auto decoded = Tx::FromBytes(full);
    FUZZ_CHECK(decoded.ok() == (full.size() <= kMaxTxBytes));
    if (decoded.ok()) FUZZ_CHECK(*decoded == *tx);

    // Signature checks are slow; a few are enough to exercise the path.
    if (tx->signatures.size() + tx->publisher_sigs.size() <= 4) {
        (void)tx->VerifyForm(tx->chain_id, iost::crypto::RealVerifier());
    }
    (void)TxToApiJson(*tx);
    return 0;
}
