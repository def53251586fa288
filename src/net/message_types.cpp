#include <net/message_types.h>

#include <algorithm>

namespace iost::net {

bool IsInternalType(uint16_t type) { return type >= 1 && type <= 7; }

bool IsApplicationType(uint16_t type) { return type >= 16 && type <= 25; }

bool IsKnownType(uint16_t type) { return IsInternalType(type) || IsApplicationType(type); }

bool IsGossipType(uint16_t type) {
    switch (static_cast<MessageType>(type)) {
        case MessageType::kTx:
        case MessageType::kMicroBlock:
        case MessageType::kVote:
        case MessageType::kEvidence:
            return true;
        default:
            return false;
    }
}

Priority PriorityOf(uint16_t type) {
    switch (static_cast<MessageType>(type)) {
        // Bulk traffic: tx gossip and sync. A dropped sync response is
        // re-requested by the node on its own timeout.
        case MessageType::kTx:
        case MessageType::kSyncRequest:
        case MessageType::kSyncResponse:
        case MessageType::kGetSnapshotManifest:
        case MessageType::kSnapshotManifest:
        case MessageType::kGetStateChunk:
        case MessageType::kStateChunk:
            return Priority::kLow;
        default:
            return Priority::kHigh;
    }
}

uint32_t MaxPayloadFor(uint16_t type, uint32_t global_max) {
    uint32_t cap = global_max;
    switch (static_cast<MessageType>(type)) {
        case MessageType::kHello:
        case MessageType::kHelloProof:
        case MessageType::kReject:
            cap = kMaxHandshakePayload;
            break;
        case MessageType::kPing:
        case MessageType::kPong:
            cap = 8;
            break;
        case MessageType::kGetPeers:
            cap = 0;
            break;
        case MessageType::kPeers:
            cap = 8 * 1024;  // 2 + 64 * 51 bytes fits
            break;
        case MessageType::kTx:
            // IOST transactions are a few hundred bytes; contract deploys are
            // the big ones and stay far below this.
            cap = 256 * 1024;
            break;
        case MessageType::kSyncRequest:
            cap = 4 * 1024;
            break;
        case MessageType::kEvidence:
            cap = 1u << 20;
            break;
        case MessageType::kGetSnapshotManifest:
            cap = 8;
            break;
        case MessageType::kGetStateChunk:
            cap = 12;
            break;
        case MessageType::kSnapshotManifest:
            // Piece hashes (4,096 + 1,024 at most) and a checkpoint, a block
            // and a certificate, each bounded by the decoder.
            cap = 4u << 20;
            break;
        default:  // MicroBlock, Vote (pre-prepare carries a FinalBlock), SyncResponse, unknown
            break;
    }
    return std::min(cap, global_max);
}

std::string_view TypeName(uint16_t type) {
    switch (static_cast<MessageType>(type)) {
        case MessageType::kHello:
            return "Hello";
        case MessageType::kHelloProof:
            return "HelloProof";
        case MessageType::kReject:
            return "Reject";
        case MessageType::kPing:
            return "Ping";
        case MessageType::kPong:
            return "Pong";
        case MessageType::kGetPeers:
            return "GetPeers";
        case MessageType::kPeers:
            return "Peers";
        case MessageType::kTx:
            return "Tx";
        case MessageType::kMicroBlock:
            return "MicroBlock";
        case MessageType::kVote:
            return "Vote";
        case MessageType::kEvidence:
            return "Evidence";
        case MessageType::kSyncRequest:
            return "SyncRequest";
        case MessageType::kSyncResponse:
            return "SyncResponse";
        case MessageType::kGetSnapshotManifest:
            return "GetSnapshotManifest";
        case MessageType::kSnapshotManifest:
            return "SnapshotManifest";
        case MessageType::kGetStateChunk:
            return "GetStateChunk";
        case MessageType::kStateChunk:
            return "StateChunk";
    }
    return "Unknown";
}

}  // namespace iost::net
