#include <storage/schema.h>
#include <storage/state_store.h>

namespace iost::storage {

util::Result<std::optional<util::Bytes>> StateStore::Get(util::ByteView key) const {
    return m_kv.Get(PrefixedKey(table::kState, key));
}

util::Status StateStore::ScanFrom(util::ByteView prefix, util::ByteView start,
                                  const ScanVisitor& visit) const {
    const util::Bytes full_prefix = PrefixedKey(table::kState, prefix);
    const util::Bytes full_start =
        start.empty() ? util::Bytes{} : PrefixedKey(table::kState, start);
    return m_kv.ScanFrom(full_prefix, full_start, [&](util::ByteView key, util::ByteView value) {
        return visit(key.subspan(1), value);
    });
}

}  // namespace iost::storage
