#include <core/genesis.h>
#include <devnet/options.h>
#include <util/text.h>

#include <charconv>

namespace iost::devnet {

using util::Err;

util::Result<uint32_t> ParseIpv4(std::string_view text) {
    uint32_t ip = 0;
    std::string_view rest = text;
    for (int part = 0; part < 4; ++part) {
        const size_t dot = rest.find('.');
        const std::string_view num = part < 3 ? rest.substr(0, dot) : rest;
        if ((part < 3 && dot == std::string_view::npos) || num.empty() || num.size() > 3) {
            return Err(util::Quoted(text) + " is not an IPv4 address (a.b.c.d)");
        }
        unsigned v = 0;
        auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
        if (ec != std::errc() || p != num.data() + num.size() || v > 255) {
            return Err(util::Quoted(text) + " is not an IPv4 address (a.b.c.d)");
        }
        ip = (ip << 8) | v;
        if (part < 3) rest = rest.substr(dot + 1);
    }
    return ip;
}

std::string FormatIpv4(uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
           std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

std::string NodeAddress(const NetworkShape& s, uint32_t index) {
    auto ip = ParseIpv4(s.host);
    IOST_ASSERT(ip.ok(), "a validated shape has an IPv4 host");
    return FormatIpv4(*ip + index);
}

util::Status ValidateShape(const NetworkShape& s) {
    if (s.chain_id == 0) return Err("--chain-id must be positive");
    if (s.iost_genesis && s.accounts > kMaxAccountsIostGenesis) {
        return Err("--accounts " + std::to_string(s.accounts) + ": at most " +
                   std::to_string(kMaxAccountsIostGenesis) +
                   " with --iost-genesis (admin holds the rest of the 21e9 supply)");
    }
    if (s.fallback) {
        if (s.validators() == 0)
            return Err("--believable/--normal: a network needs at least one validator");
    } else {
        if (s.believable == 0) {
            return Err(
                "--believable 0: PoB needs at least 1 believable validator (for a single PBFT "
                "league use --fallback)");
        }
        if (s.normal < kMinNormalForPob) {
            return Err(
                "--normal " + std::to_string(s.normal) + ": PoB needs at least " +
                std::to_string(kMinNormalForPob) +
                " normal validators (with fewer than B+4 eligible validators the chain runs in "
                "fallback, docs/pob.md §4); use --normal 4 or more, or --fallback");
        }
    }
    if (s.nodes() > kMaxNodes) {
        return Err("too many nodes (" + std::to_string(s.nodes()) + "): at most " +
                   std::to_string(kMaxNodes));
    }
    if (s.accounts > kMaxAccounts) {
        return Err("--accounts " + std::to_string(s.accounts) + ": at most " +
                   std::to_string(kMaxAccounts));
    }
    if (auto p = core::ParseProbabilityPpm(s.sampling); !p) {
        return Err("--sampling " + util::Quoted(s.sampling) + ": " + p.error().message +
                   " (a probability such as 0.1)");
    }
    auto ip = ParseIpv4(s.host);
    if (!ip) return Err("--host: " + ip.error().message);
    const uint32_t last = *ip & 255;
    if (last == 0 || last + s.nodes() - 1 > 254) {
        return Err("--host " + s.host + ": node i binds host+i, so " + std::to_string(s.nodes()) +
                   " nodes need addresses " + s.host + " .. " + FormatIpv4(*ip + s.nodes() - 1) +
                   " within one /24 avoiding .0 and .255; pick a lower last byte (e.g. " +
                   FormatIpv4((*ip & ~255u) | 1) + ")");
    }
    if (s.p2p_port == 0 || s.http_port == 0 || s.p2p_port == s.http_port) {
        return Err("ports: the P2P and HTTP ports must be two different non-zero ports (got " +
                   std::to_string(s.p2p_port) + " and " + std::to_string(s.http_port) + ")");
    }
    if (s.grpc_port == 0 || s.grpc_port == s.p2p_port || s.grpc_port == s.http_port) {
        return Err(
            "ports: the gRPC port must be non-zero and differ from the P2P and HTTP ports "
            "(got " +
            std::to_string(s.grpc_port) + ")");
    }
    if (s.micro_interval_ms < 10 || s.micro_interval_ms > 60'000) {
        return Err("--micro-interval-ms " + std::to_string(s.micro_interval_ms) +
                   ": must be in [10, 60000]");
    }
    if (s.final_interval_ms < s.micro_interval_ms || s.final_interval_ms > 60'000) {
        return Err("--final-interval-ms " + std::to_string(s.final_interval_ms) +
                   ": must be in [micro interval (" + std::to_string(s.micro_interval_ms) +
                   "), 60000]");
    }
    if (s.epoch_length < 10 || s.epoch_length > 1'000'000'000) {
        return Err("--epoch-length " + std::to_string(s.epoch_length) +
                   ": must be in [10, 1e9] final blocks");
    }
    if (s.snapshot_interval != 0 &&
        (s.snapshot_interval < kMinSnapshotInterval || s.snapshot_interval > 1'000'000'000)) {
        return Err("--snapshot-interval " + std::to_string(s.snapshot_interval) +
                   ": must be 0 (no snapshots) or in [" + std::to_string(kMinSnapshotInterval) +
                   ", 1e9] final blocks");
    }
    return {};
}

util::Result<NetworkShape> ShapeFromOptions(const DevnetOptions& o) {
    NetworkShape s;
    if (o.believable) s.believable = *o.believable;
    if (o.normal) s.normal = *o.normal;
    if (o.observers) s.observers = *o.observers;
    if (o.accounts) s.accounts = *o.accounts;
    if (o.sampling) s.sampling = *o.sampling;
    if (o.fallback) s.fallback = *o.fallback;
    if (o.host) s.host = *o.host;
    if (o.p2p_port) s.p2p_port = *o.p2p_port;
    if (o.http_port) s.http_port = *o.http_port;
    if (o.grpc_port) s.grpc_port = *o.grpc_port;
    if (o.micro_interval_ms) s.micro_interval_ms = *o.micro_interval_ms;
    if (o.final_interval_ms) s.final_interval_ms = *o.final_interval_ms;
    if (o.epoch_length) s.epoch_length = *o.epoch_length;
    if (o.snapshot_interval) s.snapshot_interval = *o.snapshot_interval;
    if (o.iost_genesis) s.iost_genesis = *o.iost_genesis;
    s.chain_id = o.chain_id ? *o.chain_id : (s.iost_genesis ? kIostLocalChainId : kDevnetChainId);
    IOST_TRY(ValidateShape(s));
    return s;
}

namespace {

template <typename T>
std::string Text(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
        return v;
    } else if constexpr (std::is_same_v<T, bool>) {
        return v ? "on" : "off";
    } else {
        return std::to_string(v);
    }
}

template <typename T>
util::Status Same(const char* option, const std::optional<T>& given, const T& existing) {
    if (!given || *given == existing) return {};
    return Err(std::string(option) + " " + Text(*given) + " differs from the existing devnet's " +
               Text(existing) +
               "; the genesis and keys are kept between runs: drop the option or add --reset "
               "(which deletes the chain)");
}

}  // namespace

util::Result<NetworkShape> ResumeShape(const NetworkShape& existing, const DevnetOptions& o) {
    IOST_TRY(Same("--believable", o.believable, existing.believable));
    IOST_TRY(Same("--normal", o.normal, existing.normal));
    IOST_TRY(Same("--observers", o.observers, existing.observers));
    IOST_TRY(Same("--accounts", o.accounts, existing.accounts));
    IOST_TRY(Same("--fallback", o.fallback, existing.fallback));
    IOST_TRY(Same("--host", o.host, existing.host));
    IOST_TRY(Same("--p2p-port", o.p2p_port, existing.p2p_port));
    IOST_TRY(Same("--http-port", o.http_port, existing.http_port));
    IOST_TRY(Same("--grpc-port", o.grpc_port, existing.grpc_port));
    IOST_TRY(Same("--micro-interval-ms", o.micro_interval_ms, existing.micro_interval_ms));
    IOST_TRY(Same("--final-interval-ms", o.final_interval_ms, existing.final_interval_ms));
    IOST_TRY(Same("--epoch-length", o.epoch_length, existing.epoch_length));
    IOST_TRY(Same("--snapshot-interval", o.snapshot_interval, existing.snapshot_interval));
    IOST_TRY(Same("--iost-genesis", o.iost_genesis, existing.iost_genesis));
    IOST_TRY(Same("--chain-id", o.chain_id, existing.chain_id));
    if (o.sampling) {
        // Compare values, not text: "0.10" is "0.1".
        auto a = core::ParseProbabilityPpm(*o.sampling);
        if (!a) return Err("--sampling " + util::Quoted(*o.sampling) + ": " + a.error().message);
        auto b = core::ParseProbabilityPpm(existing.sampling);
        if (!b || *a != *b) {
            return Err("--sampling " + *o.sampling + " differs from the existing devnet's " +
                       existing.sampling +
                       "; drop the option or add --reset (which deletes the chain)");
        }
    }
    IOST_TRY(ValidateShape(existing));
    return existing;
}

}  // namespace iost::devnet
