#include <consensus/audit_assign.h>
#include <consensus/params.h>

#include <algorithm>

namespace iost::consensus {

namespace {

// The league without the producer, as index arithmetic: `skip` is the
// producer's index in `normal` (normal.size() when it is not a member).
struct League {
    std::span<const std::string> normal;
    size_t skip = 0;
    size_t size() const { return normal.size() - (skip < normal.size() ? 1 : 0); }
    // Position in the league without the producer → index in `normal`.
    size_t Index(size_t pos) const { return skip < normal.size() && pos >= skip ? pos + 1 : pos; }
};

League Without(std::span<const std::string> normal, const std::string& producer) {
    League l{normal, normal.size()};
    for (size_t i = 0; i < normal.size(); ++i) {
        if (normal[i] == producer) {
            l.skip = i;
            break;
        }
    }
    return l;
}

// The first member of the transaction's window: the hash is a SHA3 output,
// so its first 8 bytes are uniform and M ≤ a few hundred leaves no bias that
// matters. No secret or seed is mixed in: the guarantee does not depend on
// the forger's not knowing the assignment (docs/pob.md §7.4).
size_t Start(const crypto::Hash256& tx_hash, size_t m) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v = (v << 8) | tx_hash[i];
    return static_cast<size_t>(v % m);
}

}  // namespace

size_t AuditorsPerTx(size_t n) { return n == 0 ? 0 : MaxFaulty(n) + 1; }

std::vector<std::string> AuditorsOf(const crypto::Hash256& tx_hash,
                                    std::span<const std::string> normal,
                                    const std::string& producer, size_t count) {
    const League l = Without(normal, producer);
    const size_t m = l.size();
    std::vector<std::string> out;
    if (m == 0) return out;
    const size_t k = std::min(count, m);
    const size_t start = Start(tx_hash, m);
    out.reserve(k);
    for (size_t j = 0; j < k; ++j) out.push_back(normal[l.Index((start + j) % m)]);
    return out;
}

bool IsAssignedAuditor(const crypto::Hash256& tx_hash, std::span<const std::string> normal,
                       const std::string& producer, size_t count, const std::string& id) {
    if (id == producer) return false;
    const League l = Without(normal, producer);
    const size_t m = l.size();
    if (m == 0 || count == 0) return false;
    size_t pos = m;  // id's position in the league without the producer
    for (size_t i = 0, p = 0; i < normal.size(); ++i) {
        if (i == l.skip) continue;
        if (normal[i] == id) {
            pos = p;
            break;
        }
        ++p;
    }
    if (pos == m) return false;
    const size_t start = Start(tx_hash, m);
    return (pos + m - start) % m < std::min(count, m);
}

bool ShouldAudit(const crypto::Hash256& tx_hash, std::span<const std::string> normal,
                 const std::string& producer, size_t count, const std::string& self) {
    return self == producer || IsAssignedAuditor(tx_hash, normal, producer, count, self);
}

}  // namespace iost::consensus
