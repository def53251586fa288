// Epoch election (docs/pob.md §4, docs/pob.md §4): from the registered
// validators (id, consensus key, Servi, stake) read from final state and a
// seed every node knows, every node computes the same committee: B believable
// validators by weighted sampling without replacement among those with
// Servi >= min_servi, then N normal validators from the rest. With fewer than
// B+4 eligible the chain runs in fallback: no believable league, all eligible
// (up to N) are normal validators.
// Thread contract: value types and pure functions.
#pragma once

#include <consensus/params.h>
#include <crypto/hash.h>
#include <crypto/keys.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iost::consensus {

struct Candidate {
    std::string id;         // validator (account) name
    crypto::PublicKey key;  // consensus key
    uint64_t servi = 0;
    uint64_t stake = 0;  // in whole tokens (any unit: only its log matters)
    // When it registered (block time, ns): orders newcomers for the reserved
    // seat (pob.md §4.1). Servi 0 marks a newcomer: every credit adds Servi
    // and penalties never take a credited validator below 1.
    int64_t registered_time = 0;
    friend bool operator==(const Candidate&, const Candidate&) = default;
};

struct Committee {
    uint64_t epoch = 0;
    crypto::Hash256 seed{};
    std::vector<Candidate> believable;  // election order
    std::vector<Candidate> normal;      // election order; index = bitmap position
    bool chain_fallback = false;        // too few eligible: one league (pob.md §5.4)

    size_t f() const { return MaxFaulty(normal.size()); }
    size_t quorum() const { return Quorum(normal.size()); }
    std::optional<size_t> NormalIndex(const std::string& id) const;
    bool IsBelievable(const std::string& id) const;
    const crypto::PublicKey* KeyOf(const std::string& id) const;  // either league
    std::vector<crypto::PublicKey> NormalKeys() const;
};

// Election weight: Servi × (1 + ⌊log2(1 + stake)⌋), so stake helps but the
// rich do not simply get richer; 0 when Servi < min_servi.
uint64_t ElectionWeight(const Candidate& c, uint64_t min_servi);

// A newcomer (pob.md §4.1): registered with stake, never credited (Servi 0).
bool IsNewcomer(const Candidate& c);

// Deterministic election. Candidates may come in any order (they are sorted
// by id first); duplicate ids or duplicate keys keep only the first by id
// order (a Sybil with one key must not vote twice). With newcomer_seats = k,
// the last k normal seats go to the k earliest-registered newcomers (ties by
// id), so a newcomer with j newcomers ahead of it is elected within ⌈(j+1)/k⌉
// elections; the other seats are drawn by weight as before.
Committee Elect(std::span<const Candidate> candidates, const crypto::Hash256& seed, uint64_t epoch,
                const Params& params);

// The seed of epoch e+1: SHA3("iost-pob-epoch" ‖ e+1 ‖ hash of epoch e's last
// final block). Epoch 0 uses the genesis hash in place of the block hash.
crypto::Hash256 EpochSeed(uint64_t epoch, const crypto::Hash256& last_block_hash);

}  // namespace iost::consensus
