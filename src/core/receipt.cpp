#include <core/codec.h>
#include <core/receipt.h>

#include <nlohmann/json.hpp>

namespace iost::core {
namespace {

constexpr std::string_view kNames[] = {
    "SUCCESS", "GAS_RUN_OUT",     "BALANCE_NOT_ENOUGH", "WRONG_PARAMETER", "RUNTIME_ERROR",
    "TIMEOUT", "WRONG_TX_FORMAT", "DUPLICATE_SET_CODE", "UNKNOWN_ERROR",
};
constexpr size_t kMaxReceiptItems = 65'536;

}  // namespace

std::string_view StatusCodeName(StatusCode c) {
    const auto i = static_cast<size_t>(c);
    return i < std::size(kNames) ? kNames[i] : std::string_view("UNKNOWN_ERROR");
}

util::Result<StatusCode> StatusCodeFromName(std::string_view name) {
    for (size_t i = 0; i < std::size(kNames); ++i) {
        if (kNames[i] == name) return static_cast<StatusCode>(i);
    }
    return util::Err("unknown receipt status '" + std::string(name) + "'");
}

util::Result<StatusCode> StatusCodeFromInt(int32_t v) {
    if (v < 0 || static_cast<size_t>(v) >= std::size(kNames)) {
        return util::Err("unknown receipt status code " + std::to_string(v));
    }
    return static_cast<StatusCode>(v);
}

util::Bytes TxReceipt::Encode() const {
    Encoder e(128);
    e.WriteBytes(crypto::View(tx_hash));
    e.WriteInt64(gas_usage);
    {
        const size_t t = e.BeginNested();
        e.WriteInt32(static_cast<int32_t>(status.code));
        e.WriteString(status.message);
        e.EndNested(t);
    }
    e.WriteMapStringInt64(ram_usage);
    e.WriteStringList(returns);
    e.WriteInt32(static_cast<int32_t>(receipts.size()));
    for (const auto& r : receipts) {
        const size_t t = e.BeginNested();
        e.WriteString(r.func_name);
        e.WriteString(r.content);
        e.EndNested(t);
    }
    if (!events.empty()) {
        e.WriteInt32(static_cast<int32_t>(events.size()));
        for (const auto& ev : events) {
            const size_t t = e.BeginNested();
            e.WriteString(ev.contract);
            e.WriteString(ev.data);
            e.EndNested(t);
        }
    }
    return e.Take();
}

util::Result<TxReceipt> TxReceipt::Decode(util::ByteView bytes) {
    Decoder d(bytes);
    TxReceipt r;
    auto h = d.ReadBytesView();
    if (!h) return util::ErrOf(h.error());
    if (h->size() != r.tx_hash.size()) return util::Err("receipt: tx_hash must be 32 bytes");
    std::copy(h->begin(), h->end(), r.tx_hash.begin());
    auto gas = d.ReadInt64();
    if (!gas) return util::ErrOf(gas.error());
    r.gas_usage = *gas;
    auto st = d.ReadBytesView();
    if (!st) return util::ErrOf(st.error());
    {
        Decoder sd(*st);
        auto code = sd.ReadInt32();
        if (!code) return util::ErrOf(code.error());
        auto c = StatusCodeFromInt(*code);
        if (!c) return util::ErrOf(c.error());
        r.status.code = *c;
        auto msg = sd.ReadString();
        if (!msg) return util::ErrOf(msg.error());
        r.status.message = std::move(*msg);
        IOST_TRY(sd.ExpectEnd());
    }
    auto ram = d.ReadMapStringInt64(kMaxReceiptItems);
    if (!ram) return util::ErrOf(ram.error());
    r.ram_usage = std::move(*ram);
    auto rets = d.ReadStringList(kMaxReceiptItems);
    if (!rets) return util::ErrOf(rets.error());
    r.returns = std::move(*rets);
    auto items = d.ReadBytesList(kMaxReceiptItems);
    if (!items) return util::ErrOf(items.error());
    for (const auto& item : *items) {
        Decoder rd(item);
        ContractReceipt cr;
        auto f = rd.ReadString();
        if (!f) return util::ErrOf(f.error());
        auto c = rd.ReadString();
        if (!c) return util::ErrOf(c.error());
        IOST_TRY(rd.ExpectEnd());
        cr.func_name = std::move(*f);
        cr.content = std::move(*c);
        r.receipts.push_back(std::move(cr));
    }
    if (!d.AtEnd()) {
        auto evs = d.ReadBytesList(kMaxReceiptItems);
        if (!evs) return util::ErrOf(evs.error());
        if (evs->empty()) return util::Err("receipt: an empty events list must be omitted");
        for (const auto& item : *evs) {
            Decoder ed(item);
            ContractEvent ev;
            auto c = ed.ReadString();
            if (!c) return util::ErrOf(c.error());
            auto data = ed.ReadString();
            if (!data) return util::ErrOf(data.error());
            IOST_TRY(ed.ExpectEnd());
            ev.contract = std::move(*c);
            ev.data = std::move(*data);
            r.events.push_back(std::move(ev));
        }
    }
    IOST_TRY(d.ExpectEnd());
    return r;
}

crypto::Hash256 TxReceipt::Hash() const { return crypto::Sha3_256(Encode()); }

std::string TxReceipt::ToJson() const {
    nlohmann::ordered_json j;
    j["tx_hash"] = crypto::HashToBase58(tx_hash);
    // Display only: IOST's API prints gas as a double (value / 100).
    j["gas_usage"] = static_cast<double>(gas_usage) / 100.0;
    nlohmann::ordered_json ram = nlohmann::ordered_json::object();
    for (const auto& [k, v] : ram_usage) ram[k] = std::to_string(v);
    j["ram_usage"] = std::move(ram);
    j["status_code"] = std::string(StatusCodeName(status.code));
    j["message"] = status.message;
    j["returns"] = returns;
    nlohmann::ordered_json rs = nlohmann::ordered_json::array();
    for (const auto& r : receipts)
        rs.push_back({{"func_name", r.func_name}, {"content", r.content}});
    j["receipts"] = std::move(rs);
    return j.dump();
}

}  // namespace iost::core
