#include <consensus/checkpoint.h>
#include <core/codec.h>

#include <algorithm>

namespace iost::consensus {

namespace {

// 2: candidates carry registered_time; the epoch's `worked` set (issue #13).
// 3: the epoch seed's book (commitments, reveals; pob.md §4.2). 2 is read
// with an empty book (written before commit–reveal existed).
// 4: the epoch's vote tally (pob.md §4.1 vote accounting); 3 is read with an
// empty tally.
constexpr uint8_t kFormat = 4;
constexpr uint8_t kFormatNoVotes = 3;
constexpr uint8_t kFormatNoSeed = 2;
// Bounds on decoding: far above any real chain's, far below what would let
// a corrupt record allocate without limit.
constexpr size_t kMaxMembers = 4'096;
constexpr size_t kMaxPastCommittees = 100'000;
constexpr size_t kMaxSetItems = 10'000'000;

void WriteHash(core::Encoder& e, const crypto::Hash256& h) { e.WriteBytes(crypto::View(h)); }

util::Result<crypto::Hash256> ReadHash(core::Decoder& d) {
    auto v = d.ReadBytesView();
    IOST_TRY(v);
    if (v->size() != 32) return util::Err("checkpoint: a hash must be 32 bytes");
    crypto::Hash256 h;
    std::copy(v->begin(), v->end(), h.begin());
    return h;
}

void WriteCandidates(core::Encoder& e, const std::vector<Candidate>& cs) {
    e.WriteInt32(static_cast<int32_t>(cs.size()));
    for (const auto& c : cs) {
        e.WriteString(c.id);
        e.WriteByte(static_cast<uint8_t>(c.key.algorithm));
        e.WriteBytes(c.key.bytes);
        e.WriteInt64(static_cast<int64_t>(c.servi));
        e.WriteInt64(static_cast<int64_t>(c.stake));
        e.WriteInt64(c.registered_time);
    }
}

util::Result<std::vector<Candidate>> ReadCandidates(core::Decoder& d) {
    auto n = d.ReadCount(kMaxMembers, 4 + 1 + 4 + 24);
    IOST_TRY(n);
    std::vector<Candidate> out(*n);
    for (auto& c : out) {
        auto id = d.ReadString();
        IOST_TRY(id);
        c.id = std::move(*id);
        auto alg = d.ReadByte();
        IOST_TRY(alg);
        auto a = crypto::AlgorithmFromByte(*alg);
        if (!a) return util::Err("checkpoint: " + a.error().message);
        c.key.algorithm = *a;
        auto key = d.ReadBytes();
        IOST_TRY(key);
        c.key.bytes = std::move(*key);
        auto servi = d.ReadInt64();
        IOST_TRY(servi);
        auto stake = d.ReadInt64();
        IOST_TRY(stake);
        auto registered = d.ReadInt64();
        IOST_TRY(registered);
        c.servi = static_cast<uint64_t>(*servi);
        c.stake = static_cast<uint64_t>(*stake);
        c.registered_time = *registered;
    }
    return out;
}

void WriteCommittee(core::Encoder& e, const Committee& c) {
    e.WriteInt64(static_cast<int64_t>(c.epoch));
    WriteHash(e, c.seed);
    WriteCandidates(e, c.believable);
    WriteCandidates(e, c.normal);
    e.WriteByte(c.chain_fallback ? 1 : 0);
}

util::Result<Committee> ReadCommittee(core::Decoder& d) {
    Committee c;
    auto epoch = d.ReadInt64();
    IOST_TRY(epoch);
    c.epoch = static_cast<uint64_t>(*epoch);
    auto seed = ReadHash(d);
    IOST_TRY(seed);
    c.seed = *seed;
    auto b = ReadCandidates(d);
    IOST_TRY(b);
    c.believable = std::move(*b);
    auto n = ReadCandidates(d);
    IOST_TRY(n);
    c.normal = std::move(*n);
    auto fb = d.ReadByte();
    IOST_TRY(fb);
    if (*fb > 1) return util::Err("checkpoint: chain_fallback flag must be 0 or 1");
    c.chain_fallback = *fb == 1;
    return c;
}

}  // namespace

util::Bytes EncodeCheckpoint(const EngineCheckpoint& c) {
    core::Encoder e(1024);
    e.WriteByte(kFormat);
    e.WriteInt64(static_cast<int64_t>(c.height));
    WriteHash(e, c.last_hash);
    e.WriteInt64(c.last_time);
    WriteCommittee(e, c.committee);
    e.WriteByte(c.prev_committee ? 1 : 0);
    if (c.prev_committee) WriteCommittee(e, *c.prev_committee);
    e.WriteInt32(static_cast<int32_t>(c.past_committees.size()));
    for (const auto& [epoch, com] : c.past_committees) {
        e.WriteInt64(static_cast<int64_t>(epoch));
        WriteCommittee(e, com);
    }
    e.WriteStringList(std::vector<std::string>(c.slashed.begin(), c.slashed.end()));
    e.WriteInt32(static_cast<int32_t>(c.compensated.size()));
    for (const auto& h : c.compensated) WriteHash(e, h);
    e.WriteStringList(std::vector<std::string>(c.fallback.begin(), c.fallback.end()));
    e.WriteInt32(static_cast<int32_t>(c.included.size()));
    for (const auto& [producer, tip] : c.included) {
        e.WriteString(producer);
        e.WriteInt64(static_cast<int64_t>(tip.first));
        WriteHash(e, tip.second);
    }
    e.WriteStringList(std::vector<std::string>(c.worked.begin(), c.worked.end()));
    for (const auto* m : {&c.seed.commits, &c.seed.reveals}) {
        e.WriteInt32(static_cast<int32_t>(m->size()));
        for (const auto& [id, h] : *m) {
            e.WriteString(id);
            WriteHash(e, h);
        }
    }
    e.WriteInt64(static_cast<int64_t>(c.votes.certificates));
    e.WriteInt32(static_cast<int32_t>(c.votes.absent.size()));
    for (const auto& [id, n] : c.votes.absent) {
        e.WriteString(id);
        e.WriteInt64(static_cast<int64_t>(n));
    }
    return e.Take();
}

util::Result<EngineCheckpoint> DecodeCheckpoint(util::ByteView b) {
    core::Decoder d(b);
    EngineCheckpoint c;
    auto fmt = d.ReadByte();
    IOST_TRY(fmt);
    if (*fmt != kFormat && *fmt != kFormatNoVotes && *fmt != kFormatNoSeed) {
        return util::Err("checkpoint: unknown format " + std::to_string(*fmt) +
                         " (this build reads " + std::to_string(kFormat) + ")");
    }
    auto height = d.ReadInt64();
    IOST_TRY(height);
    c.height = static_cast<uint64_t>(*height);
    auto last = ReadHash(d);
    IOST_TRY(last);
    c.last_hash = *last;
    auto t = d.ReadInt64();
    IOST_TRY(t);
    c.last_time = *t;
    auto com = ReadCommittee(d);
    IOST_TRY(com);
    c.committee = std::move(*com);
    auto has_prev = d.ReadByte();
    IOST_TRY(has_prev);
    if (*has_prev > 1) return util::Err("checkpoint: previous-committee flag must be 0 or 1");
    if (*has_prev) {
        auto prev = ReadCommittee(d);
        IOST_TRY(prev);
        c.prev_committee = std::move(*prev);
    }
    auto past = d.ReadCount(kMaxPastCommittees, 8 + 36 + 13);
    IOST_TRY(past);
    for (size_t i = 0; i < *past; ++i) {
        auto epoch = d.ReadInt64();
        IOST_TRY(epoch);
        auto pc = ReadCommittee(d);
        IOST_TRY(pc);
        if (!c.past_committees.emplace(static_cast<uint64_t>(*epoch), std::move(*pc)).second)
            return util::Err("checkpoint: a past committee's epoch is listed twice");
    }
    auto slashed = d.ReadStringList(kMaxSetItems);
    IOST_TRY(slashed);
    c.slashed.insert(slashed->begin(), slashed->end());
    auto ncomp = d.ReadCount(kMaxSetItems, 36);
    IOST_TRY(ncomp);
    for (size_t i = 0; i < *ncomp; ++i) {
        auto h = ReadHash(d);
        IOST_TRY(h);
        c.compensated.insert(*h);
    }
    auto fallback = d.ReadStringList(kMaxSetItems);
    IOST_TRY(fallback);
    c.fallback.insert(fallback->begin(), fallback->end());
    auto ninc = d.ReadCount(kMaxSetItems, 4 + 8 + 36);
    IOST_TRY(ninc);
    for (size_t i = 0; i < *ninc; ++i) {
        auto producer = d.ReadString();
        IOST_TRY(producer);
        auto seq = d.ReadInt64();
        IOST_TRY(seq);
        auto h = ReadHash(d);
        IOST_TRY(h);
        c.included[*producer] = {static_cast<uint64_t>(*seq), *h};
    }
    auto worked = d.ReadStringList(kMaxSetItems);
    IOST_TRY(worked);
    c.worked.insert(worked->begin(), worked->end());
    if (*fmt >= kFormatNoVotes) {
        for (auto* m : {&c.seed.commits, &c.seed.reveals}) {
            auto n = d.ReadCount(kMaxMembers, 4 + 4 + 32);
            IOST_TRY(n);
            for (size_t i = 0; i < *n; ++i) {
                auto id = d.ReadString();
                IOST_TRY(id);
                auto h = ReadHash(d);
                IOST_TRY(h);
                if (!m->emplace(std::move(*id), *h).second)
                    return util::Err("checkpoint: a seed book lists a validator twice");
            }
        }
        if (!std::includes(c.seed.commits.begin(), c.seed.commits.end(), c.seed.reveals.begin(),
                           c.seed.reveals.end(),
                           [](const auto& x, const auto& y) { return x.first < y.first; })) {
            return util::Err("checkpoint: a seed reveal without a commitment");
        }
    }
    if (*fmt == kFormat) {
        auto certs = d.ReadInt64();
        IOST_TRY(certs);
        c.votes.certificates = static_cast<uint64_t>(*certs);
        auto n = d.ReadCount(kMaxMembers, 4 + 8);
        IOST_TRY(n);
        for (size_t i = 0; i < *n; ++i) {
            auto id = d.ReadString();
            IOST_TRY(id);
            auto absent = d.ReadInt64();
            IOST_TRY(absent);
            if (*absent <= 0 || static_cast<uint64_t>(*absent) > c.votes.certificates)
                return util::Err("checkpoint: an absence count out of range");
            if (!c.votes.absent.emplace(std::move(*id), static_cast<uint64_t>(*absent)).second)
                return util::Err("checkpoint: a vote tally lists a validator twice");
        }
    }
    if (!d.AtEnd()) return util::Err("checkpoint: trailing bytes after the record");
    return c;
}

}  // namespace iost::consensus
