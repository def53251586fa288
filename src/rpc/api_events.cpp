// POST /subscribe: IOST's event stream (go-iost rpc Subscribe, core/event).
// Request {"topics": ["CONTRACT_RECEIPT" | "CONTRACT_EVENT" | 0 | 1, ...],
// "filter": {"contract_id": "token.iost"}}; the answer is a chunked stream,
// one line per event as go-iost's gateway streams it:
//   {"result":{"event":{"topic":"CONTRACT_RECEIPT","data":"...","time":"..."}}}
// Events come from final blocks: every contract receipt (CONTRACT_RECEIPT)
// and every blockchain.event of a JavaScript contract (CONTRACT_EVENT,
// kept in the transaction's receipt: docs/contracts.md "Events") of every
// successful transaction, in block order, once the block is final (go-iost
// posts them at execution; PoB shows only final results, so a subscriber
// never sees an event that a fork or a failed transaction takes back).
// Within a transaction its receipts come before its events. The filter's
// contract_id matches the contract that wrote the receipt or posted the
// event (go-iost event.Meta.ContractID).
//
// One feed thread (started with the first subscriber) follows the final
// height and pushes to the subscribers; a slow subscriber is dropped by the
// server's bounded stream buffer, never slows the others.
#include <rpc/api_internal.h>
#include <util/text.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace iost::rpc {

class EventHub {
  public:
    struct Sub {
        std::shared_ptr<Subscription> stream;
        bool receipts = false;
        bool events = false;
        std::string contract;  // "" = any
    };

    explicit EventHub(node::Node& n) : m_node(n) {}
    ~EventHub() {
        {
            std::lock_guard lk(m_cv_mu);
            m_stop = true;
        }
        m_cv.notify_all();
        if (m_thread.joinable()) m_thread.join();
    }

    // false: too many subscribers.
    bool Add(Sub sub) {
        std::lock_guard lk(m_mu);
        if (m_subs.size() >= kMaxSubscribers) return false;
        if (!m_thread.joinable()) {
            m_next_height = m_node.driver().Status().height + 1;
            m_thread = std::thread([this] { Run(); });
        } else if (m_subs.empty()) {
            m_next_height = m_node.driver().Status().height + 1;
        }
        auto stream = sub.stream;
        m_subs.push_back(std::move(sub));
        Subscription* key = stream.get();
        // Runs on a server thread (or inside Push, on ours): the recursive
        // mutex makes both safe, and Stop() returns only after it ran, so no
        // block is read once the server has stopped.
        stream->OnClose([this, key] {
            std::lock_guard lk2(m_mu);
            std::erase_if(m_subs, [key](const Sub& s) { return s.stream.get() == key; });
        });
        return true;
    }

    size_t subscribers() const {
        std::lock_guard lk(m_mu);
        return m_subs.size();
    }
    uint64_t events_sent() const { return m_sent.load(std::memory_order_relaxed); }

    static constexpr size_t kMaxSubscribers = 64;

  private:
    static constexpr uint64_t kMaxBlocksPerTick = 64;

    void Run() {
        for (;;) {
            {
                std::unique_lock lk(m_cv_mu);
                m_cv.wait_for(lk, std::chrono::milliseconds(100), [this] { return m_stop; });
                if (m_stop) return;
            }
            Tick();
        }
    }

    void Tick() {
        std::lock_guard lk(m_mu);
        if (m_subs.empty()) return;
        const uint64_t head = m_node.driver().Status().height;
        for (int i = 0; m_next_height <= head && i < static_cast<int>(kMaxBlocksPerTick);
             ++i, ++m_next_height) {
            auto b = LoadBlock(m_node, m_next_height, WithTxs::kNo);
            if (!b || !*b) return;  // not readable yet (or storage trouble): retry next tick
            const int64_t time = (*b)->block.time;
            for (const auto& rec : (*b)->receipts) {
                for (const auto& cr : rec.receipts) {
                    if (!Post(Topic::kReceipt, cr.func_name.substr(0, cr.func_name.find('/')),
                              cr.content, time))
                        return;
                }
                for (const auto& ev : rec.events) {
                    if (!Post(Topic::kEvent, ev.contract, ev.data, time)) return;
                }
            }
        }
    }

    enum class Topic { kReceipt, kEvent };

    // Pushes one event to the subscribers that want it; false once none is
    // left. Called with m_mu held.
    bool Post(Topic topic, const std::string& contract, const std::string& data, int64_t time) {
        json line;
        line["result"]["event"] = {
            {"topic", topic == Topic::kReceipt ? "CONTRACT_RECEIPT" : "CONTRACT_EVENT"},
            {"data", data},
            {"time", I64(time)}};
        std::string text;  // built for the first subscriber that wants it
        // Copy: Push may close a stream, whose OnClose edits m_subs.
        auto subs = m_subs;
        for (auto& s : subs) {
            if (!(topic == Topic::kReceipt ? s.receipts : s.events)) continue;
            if (!s.contract.empty() && s.contract != contract) continue;
            if (text.empty()) text = line.dump(-1, ' ', false, json::error_handler_t::replace);
            if (s.stream->Push(text)) m_sent.fetch_add(1, std::memory_order_relaxed);
        }
        return !m_subs.empty();
    }

    node::Node& m_node;
    mutable std::recursive_mutex m_mu;  // m_subs, m_next_height, and one Tick at a time
    std::vector<Sub> m_subs;
    uint64_t m_next_height = 1;
    std::atomic<uint64_t> m_sent{0};
    std::thread m_thread;
    std::mutex m_cv_mu;
    std::condition_variable m_cv;
    bool m_stop = false;
};

namespace {

constexpr size_t kMaxSubscribeBody = 16 << 10;

util::Result<EventHub::Sub> ParseSubscribe(std::string_view body) {
    auto j = ParseBodyObject(body, kMaxSubscribeBody);
    if (!j) return util::Err(j.error().message);
    EventHub::Sub sub;
    auto topics = j->find("topics");
    if (topics == j->end() || topics->is_null()) {
        return util::Err("topics: required, a list of CONTRACT_RECEIPT / CONTRACT_EVENT");
    }
    if (!topics->is_array() || topics->empty()) {
        return util::Err("topics: must be a non-empty list of CONTRACT_RECEIPT / CONTRACT_EVENT");
    }
    if (topics->size() > 8) return util::Err("topics: at most 8 entries");
    for (const auto& t : *topics) {
        if (t == "CONTRACT_RECEIPT" || t == 0) {
            sub.receipts = true;
        } else if (t == "CONTRACT_EVENT" || t == 1) {
            sub.events = true;
        } else {
            return util::Err("topics: unknown topic " + util::Quoted(t.dump()) +
                             " (CONTRACT_RECEIPT or CONTRACT_EVENT)");
        }
    }
    auto filter = j->find("filter");
    if (filter != j->end() && !filter->is_null()) {
        if (!filter->is_object()) return util::Err("filter: must be an object {contract_id}");
        const json* id = nullptr;
        for (const char* name : {"contract_id", "contractId"}) {
            auto it = filter->find(name);
            if (it == filter->end() || it->is_null()) continue;
            if (id) return util::Err("filter: both contract_id and contractId given");
            id = &*it;
        }
        if (id) {
            if (!id->is_string()) return util::Err("filter.contract_id: must be a string");
            sub.contract = id->get<std::string>();
            if (!sub.contract.empty()) {
                if (auto st = CheckId(sub.contract); !st)
                    return util::Err("filter.contract_id: " + st.error().message);
            }
        }
    }
    return sub;
}

}  // namespace

size_t EventSubscribers(const ApiContext& ctx) {
    return ctx.events ? ctx.events->subscribers() : 0;
}
uint64_t EventsSent(const ApiContext& ctx) { return ctx.events ? ctx.events->events_sent() : 0; }

void RegisterEventApi(ApiContext& ctx) {
    ctx.events = std::make_shared<EventHub>(*ctx.node);
    EventHub* hub = ctx.events.get();
    ctx.subscribe = [hub](const Request& r,
                          const std::shared_ptr<Subscription>& stream) -> std::optional<Response> {
        auto sub = ParseSubscribe(r.body);
        if (!sub) return BadRequest(sub.error().message);
        sub->stream = stream;
        if (!hub->Add(std::move(*sub))) {
            return Response::Error(
                503, grpc_code::kUnavailable,
                "too many subscribers (at most " + std::to_string(EventHub::kMaxSubscribers) + ")");
        }
        return std::nullopt;
    };
}

}  // namespace iost::rpc
