#include <core/codec.h>
#include <ledger/schema.h>

namespace iost::ledger::schema {
namespace {

std::string Join(std::string_view a, std::string_view b) {
    std::string k;
    k.reserve(a.size() + b.size());
    k.append(a).append(b);
    return k;
}
std::string Join3(std::string_view a, std::string_view b, std::string_view c) {
    std::string k;
    k.reserve(a.size() + b.size() + 1 + c.size());
    k.append(a).append(b).push_back('/');
    k.append(c);
    return k;
}
std::string AsStr(const util::Bytes& b) { return std::string(b.begin(), b.end()); }

#define SCHEMA_READ(var, expr, what) \
    auto var = (expr);               \
    if (!var)                        \
    return util::Err(std::string("corrupt state value (") + (what) + "): " + var.error().message)

}  // namespace

std::string AccountKey(std::string_view name) { return Join("acc/", name); }
std::string TokenInfoKey(std::string_view symbol) { return Join("ti/", symbol); }
std::string BalanceKey(std::string_view symbol, std::string_view holder) {
    return Join3("tb/", symbol, holder);
}
std::string FreezeKey(std::string_view symbol, std::string_view holder) {
    return Join3("tf/", symbol, holder);
}
std::string GasKey(std::string_view name) { return Join("gas/", name); }
std::string GasPledgeKey(std::string_view pledger, std::string_view user) {
    return Join3("gp/", pledger, user);
}
std::string RamSelfKey(std::string_view name) { return Join("ram/self/", name); }
std::string ValidatorKey(std::string_view name) { return Join("vp/v/", name); }
std::string ValidatorPubkeyKey(std::string_view pubkey_base58) {
    return Join("vp/key/", pubkey_base58);
}
std::string VoteKey(std::string_view voter, std::string_view producer) {
    return Join3("vp/vote/", voter, producer);
}
std::string DedupKey(const crypto::Hash256& tx_hash) {
    return Join("dd/",
                std::string_view(reinterpret_cast<const char*>(tx_hash.data()), tx_hash.size()));
}
std::string TxDebitsKey(const crypto::Hash256& tx_hash) {
    return Join("fd/",
                std::string_view(reinterpret_cast<const char*>(tx_hash.data()), tx_hash.size()));
}
std::string TxCompensatedKey(const crypto::Hash256& tx_hash) {
    return Join("fc/",
                std::string_view(reinterpret_cast<const char*>(tx_hash.data()), tx_hash.size()));
}
std::string DebitHeightKey(uint64_t height) {
    return Join("fdh/", EncodeI64(static_cast<int64_t>(height)));
}
std::string DedupBucketKey(int64_t second) { return Join("ddb/", EncodeI64(second)); }
std::string Token721InfoKey(std::string_view symbol) { return Join("t7i/", symbol); }
std::string Token721OwnerKey(std::string_view symbol, std::string_view token_id) {
    return Join3("t7o/", symbol, token_id);
}
std::string Token721MetadataKey(std::string_view symbol, std::string_view token_id) {
    return Join3("t7m/", symbol, token_id);
}
std::string Token721ListKey(std::string_view symbol, std::string_view owner) {
    return Join3("t7l/", symbol, owner);
}

std::string Token721Info::Encode() const {
    core::Encoder e(32);
    e.WriteString(issuer).WriteInt64(total_supply).WriteInt64(supply);
    return AsStr(e.bytes());
}

util::Result<Token721Info> Token721Info::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    SCHEMA_READ(issuer, d.ReadString(), "token721 issuer");
    SCHEMA_READ(total, d.ReadInt64(), "token721 total");
    SCHEMA_READ(supply, d.ReadInt64(), "token721 supply");
    IOST_TRY(d.ExpectEnd());
    Token721Info t;
    t.issuer = std::move(*issuer);
    t.total_supply = *total;
    t.supply = *supply;
    return t;
}

std::string EncodeStringList(const std::vector<std::string>& items) {
    core::Encoder e;
    e.WriteStringList(items);
    return AsStr(e.bytes());
}

util::Result<std::vector<std::string>> DecodeStringList(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    SCHEMA_READ(items, d.ReadStringList(bytes.size() / 4),
                "string list");  // 4 bytes per item at least
    IOST_TRY(d.ExpectEnd());
    return std::move(*items);
}

std::string EncodeI64(int64_t v) {
    std::string s(8, '\0');
    const auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) s[static_cast<size_t>(i)] = static_cast<char>(u >> (56 - 8 * i));
    return s;
}

util::Result<int64_t> DecodeI64(std::string_view b) {
    if (b.size() != 8) return util::Err("corrupt state value: int64 must be 8 bytes");
    uint64_t u = 0;
    for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
    return static_cast<int64_t>(u);
}

std::string TokenInfo::Encode() const {
    core::Encoder e(64);
    e.WriteString(issuer).WriteInt64(total_supply).WriteInt64(supply).WriteInt32(decimal);
    e.WriteByte(can_transfer ? 1 : 0).WriteByte(only_issuer_can_transfer ? 1 : 0);
    e.WriteString(full_name).WriteString(default_rate);
    return AsStr(e.bytes());
}

util::Result<TokenInfo> TokenInfo::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    TokenInfo t;
    SCHEMA_READ(issuer, d.ReadString(), "token issuer");
    SCHEMA_READ(total, d.ReadInt64(), "token total");
    SCHEMA_READ(supply, d.ReadInt64(), "token supply");
    SCHEMA_READ(dec, d.ReadInt32(), "token decimal");
    SCHEMA_READ(ct, d.ReadByte(), "token canTransfer");
    SCHEMA_READ(oi, d.ReadByte(), "token onlyIssuer");
    SCHEMA_READ(fn, d.ReadString(), "token fullName");
    SCHEMA_READ(dr, d.ReadString(), "token defaultRate");
    IOST_TRY(d.ExpectEnd());
    t.issuer = std::move(*issuer);
    t.total_supply = *total;
    t.supply = *supply;
    t.decimal = *dec;
    t.can_transfer = *ct != 0;
    t.only_issuer_can_transfer = *oi != 0;
    t.full_name = std::move(*fn);
    t.default_rate = std::move(*dr);
    return t;
}

std::string EncodeDebits(const std::vector<TokenDebit>& debits) {
    core::Encoder e(4 + 32 * debits.size());
    e.WriteInt32(static_cast<int32_t>(debits.size()));
    for (const auto& d : debits) e.WriteString(d.account).WriteString(d.token).WriteInt64(d.amount);
    return AsStr(e.bytes());
}

util::Result<std::vector<TokenDebit>> DecodeDebits(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    SCHEMA_READ(n, d.ReadCount(1'000'000, 16), "debit count");
    std::vector<TokenDebit> out;
    out.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        SCHEMA_READ(a, d.ReadString(), "debit account");
        SCHEMA_READ(t, d.ReadString(), "debit token");
        SCHEMA_READ(v, d.ReadInt64(), "debit amount");
        out.push_back({std::move(*a), std::move(*t), *v});
    }
    IOST_TRY(d.ExpectEnd());
    return out;
}

std::string EncodeStrings(const std::vector<std::string>& items) {
    core::Encoder e(16 * items.size() + 4);
    e.WriteStringList(items);
    return AsStr(e.bytes());
}

util::Result<std::vector<std::string>> DecodeStrings(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    SCHEMA_READ(v, d.ReadStringList(10'000'000), "string list");
    IOST_TRY(d.ExpectEnd());
    return std::move(*v);
}

std::string EncodeFreezeList(const std::vector<FreezeItem>& items) {
    core::Encoder e(4 + 16 * items.size());
    e.WriteInt32(static_cast<int32_t>(items.size()));
    for (const auto& it : items) e.WriteInt64(it.ftime).WriteInt64(it.amount);
    return AsStr(e.bytes());
}

util::Result<std::vector<FreezeItem>> DecodeFreezeList(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    SCHEMA_READ(n, d.ReadCount(1'000'000, 16), "freeze count");
    std::vector<FreezeItem> out;
    out.reserve(*n);
    for (size_t i = 0; i < *n; ++i) {
        SCHEMA_READ(t, d.ReadInt64(), "freeze time");
        SCHEMA_READ(a, d.ReadInt64(), "freeze amount");
        out.push_back({*t, *a});
    }
    IOST_TRY(d.ExpectEnd());
    return out;
}

std::string GasState::Encode() const {
    core::Encoder e(32);
    e.WriteInt64(pledge_total).WriteInt64(limit).WriteInt64(stock).WriteInt64(update_time);
    return AsStr(e.bytes());
}

util::Result<GasState> GasState::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    GasState g;
    SCHEMA_READ(p, d.ReadInt64(), "gas pledge");
    SCHEMA_READ(l, d.ReadInt64(), "gas limit");
    SCHEMA_READ(s, d.ReadInt64(), "gas stock");
    SCHEMA_READ(t, d.ReadInt64(), "gas time");
    IOST_TRY(d.ExpectEnd());
    g.pledge_total = *p;
    g.limit = *l;
    g.stock = *s;
    g.update_time = *t;
    return g;
}

std::string RamPool::Encode() const {
    core::Encoder e(24);
    e.WriteInt64(left_space).WriteInt64(used_space).WriteInt64(balance);
    return AsStr(e.bytes());
}

util::Result<RamPool> RamPool::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    RamPool r;
    SCHEMA_READ(l, d.ReadInt64(), "ram left");
    SCHEMA_READ(u, d.ReadInt64(), "ram used");
    SCHEMA_READ(b, d.ReadInt64(), "ram balance");
    IOST_TRY(d.ExpectEnd());
    r.left_space = *l;
    r.used_space = *u;
    r.balance = *b;
    return r;
}

std::string ValidatorRecord::Encode() const {
    core::Encoder e(128);
    e.WriteByte(static_cast<uint8_t>(consensus_key.algorithm)).WriteBytes(consensus_key.bytes);
    e.WriteString(loc).WriteString(url).WriteString(net_id);
    e.WriteByte(is_producer ? 1 : 0).WriteByte(static_cast<uint8_t>(status));
    e.WriteInt64(votes).WriteInt64(servi).WriteInt64(registered_time);
    return AsStr(e.bytes());
}

util::Result<ValidatorRecord> ValidatorRecord::Decode(std::string_view bytes) {
    core::Decoder d(util::AsBytes(bytes));
    ValidatorRecord v;
    SCHEMA_READ(alg, d.ReadByte(), "validator key algorithm");
    auto a = crypto::AlgorithmFromByte(*alg);
    if (!a) return util::Err("corrupt state value: validator key algorithm");
    SCHEMA_READ(key, d.ReadBytes(), "validator key");
    SCHEMA_READ(loc, d.ReadString(), "validator loc");
    SCHEMA_READ(url, d.ReadString(), "validator url");
    SCHEMA_READ(net, d.ReadString(), "validator netId");
    SCHEMA_READ(prod, d.ReadByte(), "validator isProducer");
    SCHEMA_READ(st, d.ReadByte(), "validator status");
    SCHEMA_READ(votes, d.ReadInt64(), "validator votes");
    SCHEMA_READ(servi, d.ReadInt64(), "validator servi");
    SCHEMA_READ(rt, d.ReadInt64(), "validator time");
    IOST_TRY(d.ExpectEnd());
    if (*st > 2) return util::Err("corrupt state value: validator status");
    v.consensus_key = {*a, std::move(*key)};
    v.loc = std::move(*loc);
    v.url = std::move(*url);
    v.net_id = std::move(*net);
    v.is_producer = *prod != 0;
    v.status = static_cast<ValidatorStatus>(*st);
    v.votes = *votes;
    v.servi = *servi;
    v.registered_time = *rt;
    return v;
}

}  // namespace iost::ledger::schema
