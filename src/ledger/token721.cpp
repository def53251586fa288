// token721.iost: IOST's native non-fungible token contract (go-iost
// vm/native/token721.go): create, issue, transfer, balanceOf, ownerOf,
// tokenOfOwnerByIndex, tokenMetadata, with go-iost's arguments, returns,
// receipts and error messages. Token ids are "0", "1", ... in issue order.
// State (schema.h): the token record, each id's owner and metadata, and the
// ids each owner holds in the order received (go-iost keeps the same order:
// its metadata map's key list); an owner's balance is that list's length.
// New records cost the publisher RAM (go-iost MapPut with the publisher as
// payer); records freed are not refunded (docs/contracts.md, RAM).
#include <core/account.h>
#include <ledger/native.h>

#include <algorithm>

namespace iost::ledger::native {
namespace {

using util::Err;
using util::Result;

constexpr std::string_view kTokenPermission = "token";
constexpr std::string_view kTransferPermission = "transfer";
constexpr std::string_view kContract = "token721.iost";

std::optional<schema::Token721Info> ReadInfo(ExecContext& ctx, std::string_view sym) {
    auto raw = ctx.Get(schema::Token721InfoKey(sym));
    if (!raw) return std::nullopt;
    auto info = schema::Token721Info::Decode(*raw);
    IOST_ASSERT(info.ok(), "stored token721 record must decode");
    return *info;
}

std::vector<std::string> ReadList(ExecContext& ctx, std::string_view sym, std::string_view owner) {
    auto raw = ctx.Get(schema::Token721ListKey(sym, owner));
    if (!raw) return {};
    auto list = schema::DecodeStringList(*raw);
    IOST_ASSERT(list.ok(), "stored token721 id list must decode");
    return std::move(*list);
}

void WriteList(ExecContext& ctx, std::string_view sym, std::string_view owner,
               const std::vector<std::string>& ids) {
    if (ids.empty()) {
        ctx.Delete(schema::Token721ListKey(sym, owner));
    } else {
        ctx.Put(schema::Token721ListKey(sym, owner), schema::EncodeStringList(ids));
    }
}

// `size` bytes of new state paid by the publisher.
void PayRam(ExecContext& ctx, size_t size) {
    ctx.ChargeRam(ctx.tx().publisher, static_cast<int64_t>(size));
}

std::string TokenIdMissing(std::string_view sym, std::string_view id) {
    return "error tokenID not exists. " + std::string(sym) + " " + std::string(id);
}

Result<std::string> Create(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& issuer = args.Str(1);
    const int64_t total = args.Num(2);
    IOST_TRY(CheckTokenSymbol(sym));
    if (!ctx.RequireAuth(issuer, kTokenPermission)) return Err("transaction has no permission");
    if (ReadInfo(ctx, sym)) return Err("token exists");
    // go-iost stores any number; a supply that can never issue is refused here.
    if (total <= 0) return Err("invalid totalSupply");
    schema::Token721Info info{issuer, total, 0};
    const std::string encoded = info.Encode();
    PayRam(ctx, schema::Token721InfoKey(sym).size() + encoded.size());
    ctx.Put(schema::Token721InfoKey(sym), encoded);
    ctx.Receipt("token721.iost/create", args.Dump());
    return std::string("[]");
}

Result<std::string> Issue(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& to = args.Str(1);
    const std::string& metadata = args.Str(2);
    auto info = ReadInfo(ctx, sym);
    if (!info) return Err("token not exists");
    if (info->total_supply - info->supply <= 0) return Err("supply too much");
    const std::string id = std::to_string(info->supply);
    if (!ctx.RequireAuth(info->issuer, kTokenPermission))
        return Err("transaction has no permission");
    info->supply += 1;
    ctx.Put(schema::Token721InfoKey(sym), info->Encode());
    PayRam(ctx, schema::Token721OwnerKey(sym, id).size() + to.size());
    ctx.Put(schema::Token721OwnerKey(sym, id), to);
    PayRam(ctx, schema::Token721MetadataKey(sym, id).size() + metadata.size());
    ctx.Put(schema::Token721MetadataKey(sym, id), metadata);
    auto ids = ReadList(ctx, sym, to);
    PayRam(ctx, (ids.empty() ? schema::Token721ListKey(sym, to).size() + 4 : 0) + 4 + id.size());
    ids.push_back(id);
    WriteList(ctx, sym, to, ids);
    ctx.Receipt("token721.iost/issue", args.Dump());
    return JsonArray({id});
}

Result<std::string> Transfer(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    const std::string& from = args.Str(1);
    const std::string& to = args.Str(2);
    const std::string& id = args.Str(3);
    if (from == to) return std::string("[]");  // go-iost: a no-op, no receipt
    if (!ReadInfo(ctx, sym)) return Err("token not exists");
    if (!ctx.RequireAuth(from, kTransferPermission)) return Err("transaction has no permission");
    auto owner = ctx.Get(schema::Token721OwnerKey(sym, id));
    if (!owner) return Err(TokenIdMissing(sym, id));
    if (*owner != from) {
        return Err("error token owner isn't from. owner: " + *owner + ", from: " + from);
    }
    ctx.Put(schema::Token721OwnerKey(sym, id), to);
    auto from_ids = ReadList(ctx, sym, from);
    std::erase(from_ids, id);
    WriteList(ctx, sym, from, from_ids);
    auto to_ids = ReadList(ctx, sym, to);
    PayRam(ctx, (to_ids.empty() ? schema::Token721ListKey(sym, to).size() + 4 : 0) + 4 + id.size());
    to_ids.push_back(id);
    WriteList(ctx, sym, to, to_ids);
    ctx.Receipt("token721.iost/transfer", args.Dump());
    return std::string("[]");
}

Result<std::string> BalanceOf(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    if (!ReadInfo(ctx, sym)) return Err("token not exists");
    return JsonArray({static_cast<int64_t>(ReadList(ctx, sym, args.Str(1)).size())});
}

Result<std::string> OwnerOf(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    if (!ReadInfo(ctx, sym)) return Err("token not exists");
    // go-iost answers a missing id with ErrTokenExists ("token exists"), which
    // misleads; we name the missing id instead.
    auto owner = ctx.Get(schema::Token721OwnerKey(sym, args.Str(1)));
    if (!owner) return Err(TokenIdMissing(sym, args.Str(1)));
    return JsonArray({*owner});
}

Result<std::string> TokenOfOwnerByIndex(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    if (!ReadInfo(ctx, sym)) return Err("token not exists");
    const auto ids = ReadList(ctx, sym, args.Str(1));
    const int64_t index = args.Num(2);
    if (index < 0 || index >= static_cast<int64_t>(ids.size())) return Err("out of range");
    return JsonArray({ids[static_cast<size_t>(index)]});
}

Result<std::string> TokenMetadata(ExecContext& ctx, Args& args) {
    const std::string& sym = args.Str(0);
    if (!ReadInfo(ctx, sym)) return Err("token not exists");
    auto meta = ctx.Get(schema::Token721MetadataKey(sym, args.Str(1)));
    if (!meta) return Err(TokenIdMissing(sym, args.Str(1)));
    return JsonArray({*meta});
}

}  // namespace

std::shared_ptr<const Contract> MakeToken721Contract() {
    using A = Arg;
    std::map<std::string, ActionDef, std::less<>> t;
    t["create"] = {{A::kString, A::kString, A::kNumber}, Create};
    t["issue"] = {{A::kString, A::kString, A::kString}, Issue};
    t["transfer"] = {{A::kString, A::kString, A::kString, A::kString}, Transfer};
    t["balanceOf"] = {{A::kString, A::kString}, BalanceOf};
    t["ownerOf"] = {{A::kString, A::kString}, OwnerOf};
    t["tokenOfOwnerByIndex"] = {{A::kString, A::kString, A::kNumber}, TokenOfOwnerByIndex};
    t["tokenMetadata"] = {{A::kString, A::kString}, TokenMetadata};
    return std::make_shared<NativeContract>(std::string(kContract), std::move(t),
                                            kGasPerNativeCall);
}

}  // namespace iost::ledger::native
