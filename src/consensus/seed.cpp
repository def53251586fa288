#include <consensus/seed.h>
#include <core/codec.h>

#include <algorithm>

namespace iost::consensus {

SeedWindow WindowOf(uint64_t height, uint64_t epoch_length) {
    if (epoch_length < 2 || height == 0) return SeedWindow::kNone;
    const uint64_t offset = (height - 1) % epoch_length;
    return offset < epoch_length / 2 ? SeedWindow::kCommit : SeedWindow::kReveal;
}

util::Bytes SeedSecretMessage(uint32_t chain_id, uint64_t epoch) {
    core::Encoder e;
    e.WriteString("iost-pob-seed-secret");
    e.WriteInt64(static_cast<int64_t>(chain_id));
    e.WriteInt64(static_cast<int64_t>(epoch));
    return e.Take();
}

crypto::Hash256 SeedSecret(util::ByteView signature) {
    core::Encoder e;
    e.WriteString("iost-pob-seed-secret");
    e.WriteBytes(signature);
    return crypto::Sha3_256(e.bytes());
}

crypto::Hash256 SeedCommitment(const crypto::Hash256& secret) {
    core::Encoder e;
    e.WriteString("iost-pob-seed-commit");
    e.WriteBytes(crypto::View(secret));
    return crypto::Sha3_256(e.bytes());
}

const char* SeedRejectName(SeedReject r) {
    switch (r) {
        case SeedReject::kFieldsWhenOff:
            return "seed fields while commit-reveal is off";
        case SeedReject::kCommitOutsideWindow:
            return "seed commitment outside the commit window";
        case SeedReject::kCommitRepeated:
            return "second seed commitment of the proposer in this epoch";
        case SeedReject::kRevealOutsideWindow:
            return "seed reveal outside the reveal window";
        case SeedReject::kRevealWithoutCommit:
            return "seed reveal without a commitment";
        case SeedReject::kRevealRepeated:
            return "second seed reveal of the proposer in this epoch";
        case SeedReject::kRevealDoesNotMatch:
            return "seed reveal does not match the commitment";
    }
    return "unknown";
}

util::Result<void, SeedReject> CheckSeedFields(const Params& params, const SeedBook& book,
                                               const core::FinalBlock& b) {
    if (!b.seed_commit && !b.seed_reveal) return {};
    if (!params.seed_commit_reveal) return util::ErrOf(SeedReject::kFieldsWhenOff);
    const SeedWindow w = WindowOf(b.height, params.epoch_length);
    if (b.seed_commit) {
        if (w != SeedWindow::kCommit) return util::ErrOf(SeedReject::kCommitOutsideWindow);
        if (book.commits.count(b.proposer)) return util::ErrOf(SeedReject::kCommitRepeated);
    }
    if (b.seed_reveal) {
        // A block in the commit window cannot reveal (its own commitment in
        // the same block would let a proposer commit after seeing others).
        if (w != SeedWindow::kReveal) return util::ErrOf(SeedReject::kRevealOutsideWindow);
        auto it = book.commits.find(b.proposer);
        if (it == book.commits.end()) return util::ErrOf(SeedReject::kRevealWithoutCommit);
        if (book.reveals.count(b.proposer)) return util::ErrOf(SeedReject::kRevealRepeated);
        if (SeedCommitment(*b.seed_reveal) != it->second)
            return util::ErrOf(SeedReject::kRevealDoesNotMatch);
    }
    return {};
}

void RecordSeedFields(SeedBook& book, const core::FinalBlock& b) {
    if (b.seed_commit) book.commits.emplace(b.proposer, *b.seed_commit);
    if (b.seed_reveal) book.reveals.emplace(b.proposer, *b.seed_reveal);
}

std::vector<std::string> Withholders(const SeedBook& book) {
    std::vector<std::string> out;
    for (const auto& [id, c] : book.commits) {
        if (!book.reveals.count(id)) out.push_back(id);
    }
    return out;
}

crypto::Hash256 NextEpochSeed(const Params& params, uint64_t next_epoch,
                              const crypto::Hash256& seed, const SeedBook& book,
                              const crypto::Hash256& last_block_hash) {
    if (!params.seed_commit_reveal) return EpochSeed(next_epoch, last_block_hash);
    core::Encoder e;
    e.WriteString("iost-pob-seed-v1");
    e.WriteInt64(static_cast<int64_t>(next_epoch));
    e.WriteBytes(crypto::View(seed));
    e.WriteInt32(static_cast<int32_t>(book.reveals.size()));
    for (const auto& [id, secret] : book.reveals) {  // std::map: validator-id order
        e.WriteString(id);
        e.WriteBytes(crypto::View(secret));
    }
    return crypto::Sha3_256(e.bytes());
}

std::vector<Candidate> SeedEligible(const Params& params, std::span<const Candidate> candidates,
                                    const SeedBook& book) {
    std::vector<Candidate> out;
    out.reserve(candidates.size());
    for (const auto& c : candidates) {
        if (params.seed_commit_reveal && book.commits.count(c.id) && !book.reveals.count(c.id))
            continue;
        out.push_back(c);
    }
    return out;
}

}  // namespace iost::consensus
