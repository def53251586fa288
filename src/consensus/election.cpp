#include <consensus/election.h>
#include <core/codec.h>

#include <algorithm>
#include <set>

namespace iost::consensus {

std::optional<size_t> Committee::NormalIndex(const std::string& id) const {
    for (size_t i = 0; i < normal.size(); ++i) {
        if (normal[i].id == id) return i;
    }
    return std::nullopt;
}

bool Committee::IsBelievable(const std::string& id) const {
    return std::any_of(believable.begin(), believable.end(),
                       [&](const Candidate& c) { return c.id == id; });
}

const crypto::PublicKey* Committee::KeyOf(const std::string& id) const {
    for (const auto* list : {&normal, &believable}) {
        for (const auto& c : *list) {
            if (c.id == id) return &c.key;
        }
    }
    return nullptr;
}

std::vector<crypto::PublicKey> Committee::NormalKeys() const {
    std::vector<crypto::PublicKey> out;
    out.reserve(normal.size());
    for (const auto& c : normal) out.push_back(c.key);
    return out;
}

uint64_t ElectionWeight(const Candidate& c, uint64_t min_servi) {
    if (c.servi == 0 || c.servi < min_servi) return 0;
    uint64_t log2 = 0;
    // ⌊log2(1 + stake)⌋ without overflow at stake = UINT64_MAX.
    for (uint64_t s = c.stake == UINT64_MAX ? c.stake : c.stake + 1; s > 1; s >>= 1) ++log2;
    const uint64_t factor = 1 + log2;
    // Servi is capped so that the product and the running total cannot
    // overflow (2^40 × 65 × 2^12 candidates < 2^64).
    const uint64_t servi = std::min<uint64_t>(c.servi, uint64_t{1} << 40);
    return servi * factor;
}

bool IsNewcomer(const Candidate& c) { return c.servi == 0 && c.stake > 0; }

crypto::Hash256 EpochSeed(uint64_t epoch, const crypto::Hash256& last_block_hash) {
    core::Encoder e;
    e.WriteString("iost-pob-epoch");
    e.WriteInt64(static_cast<int64_t>(epoch));
    e.WriteBytes(crypto::View(last_block_hash));
    return crypto::Sha3_256(e.bytes());
}

namespace {

// A uniform-enough draw in [0, bound): 128 bits of SHA3 reduced mod bound;
// the bias is below 2^-64 for any 64-bit bound.
uint64_t Draw(const crypto::Hash256& seed, uint64_t k, uint64_t bound) {
    core::Encoder e;
    e.WriteString("iost-pob-elect");
    e.WriteBytes(crypto::View(seed));
    e.WriteInt64(static_cast<int64_t>(k));
    const crypto::Hash256 h = crypto::Sha3_256(e.bytes());
    unsigned __int128 v = 0;
    for (int i = 0; i < 16; ++i) v = (v << 8) | h[static_cast<size_t>(i)];
    return static_cast<uint64_t>(v % bound);
}

}  // namespace

Committee Elect(std::span<const Candidate> candidates, const crypto::Hash256& seed, uint64_t epoch,
                const Params& params) {
    std::vector<Candidate> sorted(candidates.begin(), candidates.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Candidate& a, const Candidate& b) { return a.id < b.id; });
    std::vector<Candidate> pool;
    std::vector<uint64_t> weights;
    std::vector<Candidate> newcomers;
    std::set<std::string> ids;
    std::set<crypto::PublicKey> keys;
    for (auto& c : sorted) {
        const uint64_t w = ElectionWeight(c, params.min_servi);
        const bool newcomer = params.newcomer_seats > 0 && IsNewcomer(c);
        if (w == 0 && !newcomer) continue;
        if (!ids.insert(c.id).second || !keys.insert(c.key).second) continue;
        if (w == 0) {
            newcomers.push_back(c);
            continue;
        }
        pool.push_back(c);
        weights.push_back(w);
    }
    // pob.md §4.1: reserved normal seats, earliest registration first.
    std::stable_sort(newcomers.begin(), newcomers.end(),
                     [](const Candidate& a, const Candidate& b) {
                         return a.registered_time < b.registered_time;
                     });
    const size_t seats = std::min<size_t>(
        {newcomers.size(), params.newcomer_seats, static_cast<size_t>(params.normal_size)});
    newcomers.resize(seats);

    Committee out;
    out.epoch = epoch;
    out.seed = seed;
    const size_t eligible = pool.size() + seats;
    out.chain_fallback = eligible < static_cast<size_t>(params.believable_size) + 4;
    const size_t want_b = out.chain_fallback ? 0 : params.believable_size;
    const size_t want_n = params.normal_size - seats;

    uint64_t total = 0;
    for (uint64_t w : weights) total += w;
    uint64_t k = 0;
    while (!pool.empty() && out.believable.size() + out.normal.size() < want_b + want_n) {
        const uint64_t r = Draw(seed, k++, total);
        uint64_t acc = 0;
        size_t pick = 0;
        for (; pick < pool.size(); ++pick) {
            acc += weights[pick];
            if (r < acc) break;
        }
        if (out.believable.size() < want_b) {
            out.believable.push_back(pool[pick]);
        } else {
            out.normal.push_back(pool[pick]);
        }
        total -= weights[pick];
        pool.erase(pool.begin() + static_cast<ptrdiff_t>(pick));
        weights.erase(weights.begin() + static_cast<ptrdiff_t>(pick));
    }
    for (auto& c : newcomers) out.normal.push_back(std::move(c));
    return out;
}

}  // namespace iost::consensus
