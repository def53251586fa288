#include <storage/safety_store.h>
#include <storage/schema.h>

namespace iost::storage {

namespace {
constexpr size_t kMaxValidatorKeyBytes = 255;

util::Status CheckKey(util::ByteView key) {
    if (key.empty() || key.size() > kMaxValidatorKeyBytes) {
        return util::Err("storage: safety record key must be 1.." +
                         std::to_string(kMaxValidatorKeyBytes) + " bytes, got " +
                         std::to_string(key.size()));
    }
    return util::Ok();
}
}  // namespace

util::Result<std::unique_ptr<SafetyStore>> SafetyStore::Open(KvStore& kv) {
    IOST_TRY(EnsureSchema(kv));
    return std::unique_ptr<SafetyStore>(new SafetyStore(kv));
}

util::Status SafetyStore::Save(util::ByteView validator_key, util::ByteView record) {
    return SaveWith(validator_key, record, {}, {});
}

util::Status SafetyStore::SaveWith(util::ByteView validator_key, util::ByteView record,
                                   util::ByteView blob_key, util::ByteView blob) {
    IOST_TRY(CheckKey(validator_key));
    if (!blob_key.empty()) IOST_TRY(CheckKey(blob_key));
    if (record.empty()) return util::Err("storage: refusing to save an empty safety record");
    if (m_failed.load()) {
        return util::Err("storage: an earlier safety record save failed; the node must restart");
    }
    WriteBatch batch;
    batch.Put(PrefixedKey(table::kSafety, validator_key), record);
    if (!blob_key.empty()) batch.Put(PrefixedKey(table::kSafety, blob_key), blob);
    util::Status s = m_kv.Write(batch, Sync::kYes);
    if (!s.ok()) {
        m_failed.store(true);
        return util::Err("storage: saving the safety record failed; the vote must not be sent: " +
                         s.error().message);
    }
    return util::Ok();
}

util::Result<std::optional<util::Bytes>> SafetyStore::Load(util::ByteView validator_key) const {
    IOST_TRY(CheckKey(validator_key));
    return m_kv.Get(PrefixedKey(table::kSafety, validator_key));
}

}  // namespace iost::storage
