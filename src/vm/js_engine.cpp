#include <crypto/hash.h>
#include <crypto/keys.h>
#include <crypto/ripemd160.h>
#include <ledger/code.h>
#include <libplatform/libplatform.h>
#include <util/bytes.h>
#include <v8.h>
#include <vm/js_engine.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace iost::vm {

extern const unsigned char kJs_acorn[];
extern const size_t kJs_acorn_size;
extern const unsigned char kJs_bignumber[];
extern const size_t kJs_bignumber_size;
extern const unsigned char kJs_instrument[];
extern const size_t kJs_instrument_size;
extern const unsigned char kJs_prelude[];
extern const size_t kJs_prelude_size;

namespace {

std::string_view Embedded(const unsigned char* p, size_t n) {
    return std::string_view(reinterpret_cast<const char*>(p), n);
}

using ledger::ExecContext;
using nlohmann::json;

// Instrumented sources kept per source text (the transform is pure).
constexpr size_t kMaxCachedCode = 256;
// Longest return value of one call, bytes (ours).
constexpr size_t kMaxReturnBytes = 65'536;

enum class Kill { kNone, kGas, kTimeout, kHeap };

void InitV8Once() {
    static std::once_flag once;
    static std::unique_ptr<v8::Platform> platform;
    std::call_once(once, [] {
        platform = v8::platform::NewDefaultPlatform();
        v8::V8::InitializePlatform(platform.get());
        v8::V8::Initialize();
    });
}

v8::Local<v8::String> V8Str(v8::Isolate* iso, std::string_view s) {
    return v8::String::NewFromUtf8(iso, s.data(), v8::NewStringType::kNormal,
                                   static_cast<int>(s.size()))
        .ToLocalChecked();
}

std::string StdStr(v8::Isolate* iso, v8::Local<v8::Value> v) {
    v8::String::Utf8Value u(iso, v);
    return *u ? std::string(*u, static_cast<size_t>(u.length())) : std::string();
}

// The message of whatever a contract threw, without running contract code
// (a thrown object's toString could loop): Error → "Error: msg" by its own
// properties, strings and numbers as text, anything else by its type.
std::string ExceptionText(v8::Isolate* iso, v8::Local<v8::Context> ctx, v8::Local<v8::Value> ex) {
    if (ex.IsEmpty()) return "unknown error";
    if (ex->IsNativeError()) {
        auto obj = ex.As<v8::Object>();
        v8::Local<v8::Value> msg;
        std::string name = "Error";
        v8::Local<v8::Value> nv;
        if (obj->GetRealNamedProperty(ctx, V8Str(iso, "message")).ToLocal(&msg) &&
            msg->IsString()) {
            if (obj->GetRealNamedProperty(ctx, V8Str(iso, "name")).ToLocal(&nv) && nv->IsString()) {
                name = StdStr(iso, nv);
            }
            return name + ": " + StdStr(iso, msg);
        }
        return name;
    }
    if (ex->IsString() || ex->IsNumber() || ex->IsBoolean() || ex->IsNull() || ex->IsUndefined()) {
        return StdStr(iso, ex);
    }
    return "uncaught " + StdStr(iso, ex->TypeOf(iso));
}

class JsEngine;

struct Frame {
    ExecContext* ctx;
    std::string id;
    std::string owner;
    // The ABI being run: blockchain.receipt names its receipt
    // "<contract id>/<abi>" (go-iost vm/host/vm_apis.go receipt).
    std::string action;
    // JavaScript call depth this frame's contract starts at (its caller's
    // depth when it called blockchain.call; 0 at the top).
    int32_t depth_base = 0;
};

class JsEngine final : public ledger::CodeEngine {
  public:
    explicit JsEngine(JsEngineOptions o) : m_opt(o) {
        InitV8Once();
        v8::Isolate::CreateParams p;
        m_alloc.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
        p.array_buffer_allocator = m_alloc.get();
        p.constraints.set_max_old_generation_size_in_bytes(m_opt.heap_limit_bytes);
        m_iso = v8::Isolate::New(p);
        m_iso->AddNearHeapLimitCallback(&JsEngine::NearHeapLimit, this);
        m_iso->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
        v8::Locker lock(m_iso);
        v8::Isolate::Scope is(m_iso);
        v8::HandleScope hs(m_iso);
        // The instrumenter's own context: acorn + instrument.js.
        auto tool = v8::Context::New(m_iso);
        v8::Context::Scope cs(tool);
        for (auto src :
             {Embedded(kJs_acorn, kJs_acorn_size), Embedded(kJs_instrument, kJs_instrument_size)}) {
            auto script = v8::Script::Compile(tool, V8Str(m_iso, src)).ToLocalChecked();
            (void)script->Run(tool).ToLocalChecked();
        }
        auto fn = tool->Global()->Get(tool, V8Str(m_iso, "_IOSTInstrument")).ToLocalChecked();
        IOST_ASSERT(fn->IsFunction(), "instrument.js defines _IOSTInstrument");
        m_instrument.Reset(m_iso, fn.As<v8::Function>());
        m_tool.Reset(m_iso, tool);
        // bignumber.js and the prelude are compiled once, bound per context.
        v8::ScriptCompiler::Source bn(V8Str(m_iso, Embedded(kJs_bignumber, kJs_bignumber_size)));
        m_bignumber.Reset(m_iso,
                          v8::ScriptCompiler::CompileUnboundScript(m_iso, &bn).ToLocalChecked());
        v8::ScriptCompiler::Source pre(V8Str(m_iso, Embedded(kJs_prelude, kJs_prelude_size)));
        m_prelude.Reset(m_iso,
                        v8::ScriptCompiler::CompileUnboundScript(m_iso, &pre).ToLocalChecked());
        m_watchdog = std::thread([this] { WatchdogLoop(); });
    }

    ~JsEngine() override {
        {
            std::lock_guard g(m_wd_mu);
            m_stop = true;
        }
        m_wd_cv.notify_all();
        m_watchdog.join();
        {
            v8::Locker lock(m_iso);
            m_instrument.Reset();
            m_tool.Reset();
            m_bignumber.Reset();
            m_prelude.Reset();
        }
        m_iso->Dispose();
    }

    util::Status CheckCode(std::string_view code) const override {
        std::lock_guard g(m_mu);
        v8::Locker lock(m_iso);
        v8::Isolate::Scope is(m_iso);
        v8::HandleScope hs(m_iso);
        std::string err;
        auto r = Instrument(code, &err);
        if (!r) return util::Err(err);
        return util::Ok();
    }

    util::Result<std::string> Run(ExecContext& ctx, std::string_view id, std::string_view code,
                                  std::string_view action, std::string_view data) const override {
        std::lock_guard g(m_mu);
        v8::Locker lock(m_iso);
        v8::Isolate::Scope is(m_iso);
        v8::HandleScope hs(m_iso);
        const bool top = m_frames.empty();
        if (top) {
            m_kill = Kill::kNone;
            Arm(true);
        }
        auto owner = ctx.state().Get(ledger::CodeOwnerKey(id));
        m_frames.push_back({&ctx, std::string(id), owner.value_or(""), std::string(action),
                            top ? 0 : m_call_depth});
        auto r = RunInContext(code, action, data);
        m_frames.pop_back();
        const Kill kill = m_kill;
        if (top) {
            Arm(false);
            if (m_iso->IsExecutionTerminating()) m_iso->CancelTerminateExecution();
            if (kill == Kill::kHeap) {
                m_iso->LowMemoryNotification();
                m_iso->RemoveNearHeapLimitCallback(&JsEngine::NearHeapLimit,
                                                   m_opt.heap_limit_bytes);
                m_iso->AddNearHeapLimitCallback(&JsEngine::NearHeapLimit,
                                                const_cast<JsEngine*>(this));
            }
        }
        switch (kill) {
            case Kill::kGas:
                return util::Err("out of gas");
            case Kill::kTimeout:
                return util::Err("timeout");
            case Kill::kHeap:
                return util::Err("out of memory: heap limit exceeded");
            case Kill::kNone:
                break;
        }
        return r;
    }

  private:
    // --- instrumentation (cached per source) ---
    std::optional<std::string> Instrument(std::string_view code, std::string* err) const {
        std::string key(code);
        if (auto it = m_cache.find(key); it != m_cache.end()) return it->second;
        auto tool = m_tool.Get(m_iso);
        v8::Context::Scope cs(tool);
        v8::TryCatch tc(m_iso);
        v8::Local<v8::Value> arg = V8Str(m_iso, code);
        auto fn = m_instrument.Get(m_iso);
        v8::Local<v8::Value> out;
        if (!fn->Call(tool, tool->Global(), 1, &arg).ToLocal(&out) || !out->IsString()) {
            *err =
                tc.HasCaught() ? ExceptionText(m_iso, tool, tc.Exception()) : "instrument failed";
            if (err->starts_with("Error: ")) *err = err->substr(7);
            return std::nullopt;
        }
        std::string s = StdStr(m_iso, out);
        if (m_cache.size() >= kMaxCachedCode) m_cache.clear();
        m_cache.emplace(std::move(key), s);
        return s;
    }

    util::Result<std::string> RunInContext(std::string_view code, std::string_view action,
                                           std::string_view data) const {
        std::string err;
        auto inst = Instrument(code, &err);
        if (!inst) return util::Err(err);
        auto ctx = v8::Context::New(m_iso);
        ctx->AllowCodeGenerationFromStrings(false);
        v8::Context::Scope cs(ctx);
        v8::TryCatch tc(m_iso);
        auto fail = [&](const char* where) -> util::Result<std::string> {
            if (m_kill == Kill::kNone && tc.HasCaught() && IsStackOverflow(ctx, tc.Exception())) {
                Exhaust();
            }
            if (m_kill != Kill::kNone || !tc.HasCaught()) return util::Err(where);
            return util::Err(ExceptionText(m_iso, ctx, tc.Exception()));
        };
        ctx->Global()->Set(ctx, V8Str(m_iso, "_IOSTNative"), NativeObject(ctx)).Check();
        v8::Local<v8::Value> ignored;
        v8::Local<v8::Value> invoker;
        if (!m_prelude.Get(m_iso)->BindToCurrentContext()->Run(ctx).ToLocal(&invoker) ||
            !invoker->IsFunction()) {
            return fail("prelude failed");
        }
        v8::ScriptOrigin origin(m_iso, V8Str(m_iso, m_frames.back().id));
        v8::Local<v8::Script> script;
        if (!v8::Script::Compile(ctx, V8Str(m_iso, *inst), &origin).ToLocal(&script)) {
            return fail("compile failed");
        }
        if (!script->Run(ctx).ToLocal(&ignored)) return fail("code failed");
        v8::Local<v8::Value> args[2] = {V8Str(m_iso, action), V8Str(m_iso, data)};
        v8::Local<v8::Value> out;
        if (!invoker.As<v8::Function>()->Call(ctx, ctx->Global(), 2, args).ToLocal(&out)) {
            return fail("call failed");
        }
        if (!out->IsString()) return util::Err("return value is not JSON");
        std::string text = StdStr(m_iso, out);
        if (text.size() > kMaxReturnBytes) return util::Err("return value too large");
        return text;
    }

    // --- host functions (the prelude wraps them as storage/blockchain) ---
    v8::Local<v8::Object> NativeObject(v8::Local<v8::Context> ctx) const {
        auto obj = v8::Object::New(m_iso);
        auto data = v8::External::New(m_iso, const_cast<JsEngine*>(this));
        auto add = [&](const char* name, v8::FunctionCallback cb) {
            auto f = v8::Function::New(ctx, cb, data).ToLocalChecked();
            obj->Set(ctx, V8Str(m_iso, name), f).Check();
        };
        add("gas", &JsEngine::NGas);
        add("exhaust", &JsEngine::NExhaust);
        add("depthBase", &JsEngine::NDepthBase);
        add("get", &JsEngine::NGet);
        add("has", &JsEngine::NHas);
        add("put", &JsEngine::NPut);
        add("del", &JsEngine::NDel);
        add("mapGet", &JsEngine::NMapGet);
        add("mapHas", &JsEngine::NMapHas);
        add("mapPut", &JsEngine::NMapPut);
        add("mapDel", &JsEngine::NMapDel);
        add("mapKeys", &JsEngine::NMapKeys);
        add("globalGet", &JsEngine::NGlobalGet);
        add("globalHas", &JsEngine::NGlobalHas);
        add("globalMapGet", &JsEngine::NGlobalMapGet);
        add("globalMapHas", &JsEngine::NGlobalMapHas);
        add("globalMapKeys", &JsEngine::NGlobalMapKeys);
        add("call", &JsEngine::NCall);
        add("requireAuth", &JsEngine::NRequireAuth);
        add("receipt", &JsEngine::NReceipt);
        add("event", &JsEngine::NEvent);
        add("blockInfo", &JsEngine::NBlockInfo);
        add("txInfo", &JsEngine::NTxInfo);
        add("contextInfo", &JsEngine::NContextInfo);
        add("contractOwner", &JsEngine::NContractOwner);
        add("sha3", &JsEngine::NSha3);
        add("sha3Hex", &JsEngine::NSha3Hex);
        add("ripemd160Hex", &JsEngine::NRipemd160Hex);
        add("verify", &JsEngine::NVerify);
        add("loadBigNumber", &JsEngine::NLoadBigNumber);
        return obj;
    }

    using Info = v8::FunctionCallbackInfo<v8::Value>;
    static JsEngine& Self(const Info& a) {
        return *static_cast<JsEngine*>(a.Data().As<v8::External>()->Value());
    }
    Frame& Top() const { return m_frames.back(); }
    static std::string Arg(const Info& a, int i) {
        if (i >= a.Length() || !a[i]->IsString()) return {};
        return StdStr(a.GetIsolate(), a[i]);
    }
    static void Throw(const Info& a, const std::string& msg) {
        a.GetIsolate()->ThrowException(v8::Exception::Error(V8Str(a.GetIsolate(), msg)));
    }
    // After a charge: past the gas limit, stop everything (uncatchable).
    void CheckGas() const {
        if (Top().ctx->OutOfGas() && m_kill == Kill::kNone) {
            m_kill = Kill::kGas;
            m_iso->TerminateExecution();
        }
    }
    static void SetStr(const Info& a, const std::optional<std::string>& v) {
        if (!v) {
            a.GetReturnValue().SetNull();
        } else {
            a.GetReturnValue().Set(V8Str(a.GetIsolate(), *v));
        }
    }

    // The depth at which V8 overflows its stack depends on its frame sizes,
    // i.e. on what its JIT compiled, so neither the depth nor the gas spent
    // until then is the same on every node: an overflow, wherever it is
    // caught (instrument.js reports caught errors), ends the transaction as
    // out of gas, charged in full.
    bool IsStackOverflow(v8::Local<v8::Context> ctx, v8::Local<v8::Value> ex) const {
        if (ex.IsEmpty() || !ex->IsNativeError()) return false;
        v8::Local<v8::Value> msg;
        return ex.As<v8::Object>()
                   ->GetRealNamedProperty(ctx, V8Str(m_iso, "message"))
                   .ToLocal(&msg) &&
               msg->IsString() && StdStr(m_iso, msg) == "Maximum call stack size exceeded";
    }
    // Charges the rest of the gas limit and stops the call: what exceeds a
    // size cap, or overflows the stack, ends "out of gas" on every node.
    void Exhaust() const {
        Top().ctx->ChargeCpu(int64_t{1} << 50);
        CheckGas();
    }
    static void NExhaust(const Info& a) { Self(a).Exhaust(); }
    static void NDepthBase(const Info& a) { a.GetReturnValue().Set(Self(a).Top().depth_base); }

    static void NGas(const Info& a) {
        auto& s = Self(a);
        int64_t n = 1;
        if (a.Length() > 0 && a[0]->IsInt32()) n = std::max(1, a[0].As<v8::Int32>()->Value());
        s.Top().ctx->ChargeCpu(n);
        s.CheckGas();
    }

    // Storage writes charge RAM to the payer: the contract's owner unless the
    // contract names the publisher.
    util::Result<std::string> Payer(const std::string& p) const {
        const Frame& f = Top();
        if (p.empty() || p == f.owner) return f.owner;
        if (p == f.ctx->tx().publisher) return p;
        return util::Err("storage payer must be the publisher or the contract owner, got " + p);
    }
    void WriteValue(const Info& a, const std::string& key, const std::string& value,
                    const std::string& payer_arg) const {
        auto payer = Payer(payer_arg);
        if (!payer) return Throw(a, payer.error().message);
        if (value.size() > ledger::kMaxStorageValueBytes) {
            return Throw(a, "storage value too large: " + std::to_string(value.size()) + " bytes");
        }
        ExecContext& c = *Top().ctx;
        auto old = c.Get(key);
        const int64_t delta =
            old ? static_cast<int64_t>(value.size()) - static_cast<int64_t>(old->size())
                : static_cast<int64_t>(key.size() + value.size());
        c.ChargeRam(*payer, delta);
        c.Put(key, value);
        CheckGas();
    }
    void DeleteValue(const std::string& key) const {
        ExecContext& c = *Top().ctx;
        auto old = c.Get(key);
        if (!old) return;
        c.ChargeRam(Top().owner, -static_cast<int64_t>(key.size() + old->size()));
        c.Delete(key);
        CheckGas();
    }
    // go-iost host.IsValidKey, for the keys and fields that put, del,
    // mapPut and mapDel take: 1 to 64 bytes, every character printable
    // ASCII (32-126) but '-' and '@' (go-iost's separators), with its
    // texts (the character as Go prints a rune: its code point).
    static constexpr size_t kMaxKeyBytes = 64;
    static_assert(kMaxKeyBytes <= ledger::kMaxStorageKeyBytes);
    static bool KeyOk(const Info& a, const std::string& k) {
        if (k.empty() || k.size() > kMaxKeyBytes) {
            Throw(a, "key or field length invalid. expected [1, 64], actual " +
                         std::to_string(k.size()));
            return false;
        }
        for (size_t i = 0; i < k.size(); ++i) {
            const auto c = static_cast<unsigned char>(k[i]);
            if (c >= 32 && c <= 126 && c != '-' && c != '@') continue;
            Throw(a, "key or field has invalid char, " + std::to_string(RuneAt(k, i)));
            return false;
        }
        return true;
    }
    // The code point of the UTF-8 sequence at k[i] (U+FFFD if malformed,
    // as Go's range over a string yields).
    static uint32_t RuneAt(const std::string& k, size_t i) {
        const auto c = static_cast<unsigned char>(k[i]);
        if (c < 0x80) return c;
        const int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
        if (n < 0 || c >= 0xF8 || i + static_cast<size_t>(n) >= k.size()) return 0xFFFD;
        uint32_t r = c & (0x3Fu >> n);
        for (int j = 1; j <= n; ++j) {
            const auto d = static_cast<unsigned char>(k[i + static_cast<size_t>(j)]);
            if ((d & 0xC0) != 0x80) return 0xFFFD;
            r = (r << 6) | (d & 0x3F);
        }
        return r;
    }
    std::optional<std::string> Read(const std::string& key) const {
        auto v = Top().ctx->Get(key);
        CheckGas();
        return v;
    }
    std::vector<std::string> Fields(const std::string& list_key) const {
        std::vector<std::string> out;
        if (auto raw = Read(list_key)) {
            auto j = json::parse(*raw, nullptr, false);
            if (j.is_array()) {
                for (auto& e : j) out.push_back(e.get<std::string>());
            }
        }
        return out;
    }

    static void NGet(const Info& a) {
        auto& s = Self(a);
        SetStr(a, s.Read(ledger::StorageKey(s.Top().id, Arg(a, 0))));
    }
    static void NHas(const Info& a) {
        auto& s = Self(a);
        a.GetReturnValue().Set(s.Read(ledger::StorageKey(s.Top().id, Arg(a, 0))).has_value());
    }
    static void NPut(const Info& a) {
        auto& s = Self(a);
        const std::string k = Arg(a, 0);
        if (!KeyOk(a, k)) return;
        s.WriteValue(a, ledger::StorageKey(s.Top().id, k), Arg(a, 1), Arg(a, 2));
    }
    static void NDel(const Info& a) {
        auto& s = Self(a);
        const std::string k = Arg(a, 0);
        if (!KeyOk(a, k)) return;
        s.DeleteValue(ledger::StorageKey(s.Top().id, k));
    }
    static void NMapGet(const Info& a) {
        auto& s = Self(a);
        SetStr(a, s.Read(ledger::StorageMapKey(s.Top().id, Arg(a, 0), Arg(a, 1))));
    }
    static void NMapHas(const Info& a) {
        auto& s = Self(a);
        a.GetReturnValue().Set(
            s.Read(ledger::StorageMapKey(s.Top().id, Arg(a, 0), Arg(a, 1))).has_value());
    }
    static void NMapPut(const Info& a) {
        auto& s = Self(a);
        const std::string k = Arg(a, 0), f = Arg(a, 1);
        if (!KeyOk(a, k) || !KeyOk(a, f)) return;
        const std::string mk = ledger::StorageMapKey(s.Top().id, k, f);
        const bool existed = s.Read(mk).has_value();
        s.WriteValue(a, mk, Arg(a, 2), Arg(a, 3));
        if (existed || s.m_kill != Kill::kNone) return;
        auto fields = s.Fields(ledger::StorageMapFieldsKey(s.Top().id, k));
        fields.push_back(f);
        s.WriteValue(a, ledger::StorageMapFieldsKey(s.Top().id, k), json(fields).dump(), Arg(a, 3));
    }
    static void NMapDel(const Info& a) {
        auto& s = Self(a);
        const std::string k = Arg(a, 0), f = Arg(a, 1);
        if (!KeyOk(a, k) || !KeyOk(a, f)) return;
        const std::string mk = ledger::StorageMapKey(s.Top().id, k, f);
        if (!s.Read(mk)) return;
        s.DeleteValue(mk);
        auto fields = s.Fields(ledger::StorageMapFieldsKey(s.Top().id, k));
        std::erase(fields, f);
        const std::string lk = ledger::StorageMapFieldsKey(s.Top().id, k);
        if (fields.empty()) {
            s.DeleteValue(lk);
        } else {
            s.WriteValue(a, lk, json(fields).dump(), "");
        }
    }
    static void NMapKeys(const Info& a) {
        auto& s = Self(a);
        SetStr(a, json(s.Fields(ledger::StorageMapFieldsKey(s.Top().id, Arg(a, 0)))).dump());
    }
    static void NGlobalGet(const Info& a) {
        SetStr(a, Self(a).Read(ledger::StorageKey(Arg(a, 0), Arg(a, 1))));
    }
    static void NGlobalHas(const Info& a) {
        a.GetReturnValue().Set(Self(a).Read(ledger::StorageKey(Arg(a, 0), Arg(a, 1))).has_value());
    }
    static void NGlobalMapGet(const Info& a) {
        SetStr(a, Self(a).Read(ledger::StorageMapKey(Arg(a, 0), Arg(a, 1), Arg(a, 2))));
    }
    static void NGlobalMapHas(const Info& a) {
        a.GetReturnValue().Set(
            Self(a).Read(ledger::StorageMapKey(Arg(a, 0), Arg(a, 1), Arg(a, 2))).has_value());
    }
    static void NGlobalMapKeys(const Info& a) {
        SetStr(a, json(Self(a).Fields(ledger::StorageMapFieldsKey(Arg(a, 0), Arg(a, 1)))).dump());
    }

    static void NCall(const Info& a) {
        auto& s = Self(a);
        const bool with_auth = a.Length() > 3 && a[3]->IsTrue();
        ExecContext& c = *s.Top().ctx;
        const std::string contract = Arg(a, 0), api = Arg(a, 1), args = Arg(a, 2);
        // The caller's JavaScript call depth: a contract it calls goes on
        // counting from there (the prelude's depth limit spans the chain).
        s.m_call_depth = a.Length() > 4 && a[4]->IsInt32() ? a[4].As<v8::Int32>()->Value() : 0;
        auto r = with_auth ? c.CallWithAuth(contract, api, args) : c.Call(contract, api, args);
        if (s.m_kill != Kill::kNone) return;  // terminating: nothing more runs
        s.CheckGas();
        if (!r) return Throw(a, r.error().message);
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), *r));
    }
    static void NRequireAuth(const Info& a) {
        auto& s = Self(a);
        a.GetReturnValue().Set(s.Top().ctx->RequireAuth(Arg(a, 0), Arg(a, 1)));
        s.CheckGas();
    }
    static void NReceipt(const Info& a) {
        auto& s = Self(a);
        s.Top().ctx->Receipt(s.Top().id + "/" + s.Top().action, Arg(a, 0));
        s.CheckGas();
    }
    // go-iost PostEvent: a CONTRACT_EVENT of the running contract, not a
    // receipt; kept in the transaction's receipt until /subscribe serves it
    // (docs/contracts.md "Events").
    static void NEvent(const Info& a) {
        auto& s = Self(a);
        auto st = s.Top().ctx->Event(s.Top().id, Arg(a, 0));
        if (!st) return Throw(a, st.error().message);
        s.CheckGas();
    }
    // blockchain.blockInfo/txInfo/contextInfo: go-iost vm/host/info.go's
    // JSON (a Go map: keys in sorted order, as nlohmann's objects). Not
    // here: blockInfo's `parent_hash` (the ledger is not given the parent's
    // hash) and txInfo's gas_limit is the whole budget (go-iost subtracts
    // what the publisher's permission check already cost); `witness` is the
    // producing validator's account, where IOST's is its public key.
    static void NBlockInfo(const Info& a) {
        auto& s = Self(a);
        const auto& b = s.Top().ctx->block();
        json j = {{"number", b.height}, {"witness", b.producer}, {"time", b.time_ns}};
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), j.dump()));
    }
    // Go's encoding/json writes a map's keys sorted and a struct's fields in
    // their order: the objects below are built in that order.
    using OJson = nlohmann::ordered_json;
    static void NTxInfo(const Info& a) {
        auto& s = Self(a);
        const auto& t = s.Top().ctx->tx();
        OJson actions = OJson::array(), limits = OJson::array(), auth = OJson::object();
        int64_t expiration = 0, gas_limit = 0;
        if (const core::Tx* src = t.source) {
            expiration = src->expiration;
            gas_limit = src->gas_ratio > 0 ? src->gas_limit / src->gas_ratio : 0;
            // go-iost tx.Action and contract.Amount.
            for (const auto& act : src->actions) {
                actions.push_back({{"contract", act.contract},
                                   {"actionName", act.action_name},
                                   {"data", act.data}});
            }
            for (const auto& l : src->amount_limit) {
                limits.push_back({{"token", l.token}, {"val", l.value}});
            }
        }
        for (const auto& [key, kind] : t.auth_list) auth[key] = kind;  // sorted (std::map)
        OJson j = {{"actions", actions},
                   {"amount_limit", limits},
                   {"auth_list", auth},
                   {"expiration", expiration},
                   {"gas_limit", gas_limit},
                   {"gas_ratio", t.gas_ratio},
                   {"hash", util::Base58Encode(util::ByteView(t.tx_hash.data(), t.tx_hash.size()))},
                   {"publisher", t.publisher},
                   {"time", t.time}};
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), j.dump()));
    }
    static void NContextInfo(const Info& a) {
        auto& s = Self(a);
        const Frame& f = s.Top();
        const std::string_view caller = f.ctx->caller();
        // go-iost host.Caller {name, is_account}: the publisher at the top,
        // else the calling contract.
        OJson j = {{"abi_name", f.action},
                   {"caller",
                    {{"name", caller.empty() ? f.ctx->tx().publisher : std::string(caller)},
                     {"is_account", caller.empty()}}},
                   {"contract_name", f.id},
                   {"publisher", f.ctx->tx().publisher}};
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), j.dump()));
    }
    // blockchain.contractOwner(): the deployer (go-iost reads system.iost's
    // contract_owner map; ours is js/o/<id>).
    static void NContractOwner(const Info& a) {
        auto& s = Self(a);
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), s.Top().owner));
    }
    // bignumber.js runs only in contexts that use BigNumber (it is most of a
    // fresh context's cost): the prelude calls this on first use.
    static void NLoadBigNumber(const Info& a) {
        auto& s = Self(a);
        auto ctx = a.GetIsolate()->GetCurrentContext();
        // A failure leaves the exception pending for the prelude to see.
        if (s.m_bignumber.Get(s.m_iso)->BindToCurrentContext()->Run(ctx).IsEmpty()) return;
    }
    // IOSTCrypto as go-iost's vm/v8vm/crypto.go: each costs 100 gas plus
    // one per input byte (after hex/base58 decoding where there is one).
    static constexpr int64_t kCryptoGasBase = 100;
    void ChargeCrypto(size_t bytes) const {
        Top().ctx->ChargeCpu(kCryptoGasBase + static_cast<int64_t>(bytes));
        CheckGas();
    }
    static util::ByteView View(const std::string& s) {
        return util::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
    // sha3(text): base58(SHA3-256(text bytes)).
    static void NSha3(const Info& a) {
        auto& s = Self(a);
        const std::string d = Arg(a, 0);
        s.ChargeCrypto(d.size());
        const auto h = crypto::Sha3_256(View(d));
        a.GetReturnValue().Set(
            V8Str(a.GetIsolate(), util::Base58Encode(util::ByteView(h.data(), h.size()))));
    }
    // sha3Hex(hex) and ripemd160Hex(hex): the hex of the digest of the
    // decoded bytes; "" if the argument is not hex (go-iost returns "").
    static void NSha3Hex(const Info& a) {
        auto& s = Self(a);
        auto bytes = util::FromHex(Arg(a, 0));
        s.ChargeCrypto(bytes ? bytes->size() : 0);
        std::string out;
        if (bytes) {
            const auto h = crypto::Sha3_256(util::ByteView(bytes->data(), bytes->size()));
            out = util::ToHex(util::ByteView(h.data(), h.size()));
        }
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), out));
    }
    static void NRipemd160Hex(const Info& a) {
        auto& s = Self(a);
        auto bytes = util::FromHex(Arg(a, 0));
        s.ChargeCrypto(bytes ? bytes->size() : 0);
        std::string out;
        if (bytes) {
            const auto h = crypto::Ripemd160(util::ByteView(bytes->data(), bytes->size()));
            out = util::ToHex(util::ByteView(h.data(), h.size()));
        }
        a.GetReturnValue().Set(V8Str(a.GetIsolate(), out));
    }
    // verify(algo, msg, sig, pubkey), all but algo base58: 1 if `sig` is
    // `pubkey`'s signature of `msg` ("ed25519" or "secp256k1"), else 0.
    static void NVerify(const Info& a) {
        auto& s = Self(a);
        auto decode = [&](int i) {
            auto b = util::Base58Decode(Arg(a, i));
            return b ? std::move(*b) : util::Bytes{};
        };
        const std::string algo = Arg(a, 0);
        const util::Bytes msg = decode(1), sig = decode(2), pub = decode(3);
        s.ChargeCrypto(msg.size());
        int ok = 0;
        if (algo == "ed25519" || algo == "secp256k1") {
            const auto alg =
                algo == "ed25519" ? crypto::Algorithm::kEd25519 : crypto::Algorithm::kSecp256k1;
            ok = crypto::Verify(alg, util::ByteView(pub.data(), pub.size()),
                                util::ByteView(msg.data(), msg.size()),
                                util::ByteView(sig.data(), sig.size()))
                     ? 1
                     : 0;
        }
        a.GetReturnValue().Set(ok);
    }

    // --- heap limit and watchdog ---
    static size_t NearHeapLimit(void* data, size_t current, size_t /*initial*/) {
        auto* s = static_cast<JsEngine*>(data);
        if (s->m_kill == Kill::kNone) s->m_kill = Kill::kHeap;
        s->m_iso->TerminateExecution();
        return current * 2;  // room to unwind; the next top-level call resets it
    }
    void Arm(bool on) const {
        std::lock_guard g(m_wd_mu);
        m_armed = on;
        ++m_generation;
        m_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_opt.timeout_ms);
        m_wd_cv.notify_all();
    }
    void WatchdogLoop() {
        std::unique_lock g(m_wd_mu);
        while (!m_stop) {
            if (!m_armed) {
                m_wd_cv.wait(g);
                continue;
            }
            const uint64_t gen = m_generation;
            if (m_wd_cv.wait_until(g, m_deadline) == std::cv_status::timeout && m_armed &&
                gen == m_generation) {
                if (m_kill == Kill::kNone) m_kill = Kill::kTimeout;
                m_iso->TerminateExecution();
                m_armed = false;
            }
        }
    }

    JsEngineOptions m_opt;
    std::unique_ptr<v8::ArrayBuffer::Allocator> m_alloc;
    v8::Isolate* m_iso = nullptr;
    v8::Global<v8::Context> m_tool;
    v8::Global<v8::Function> m_instrument;
    v8::Global<v8::UnboundScript> m_bignumber;
    v8::Global<v8::UnboundScript> m_prelude;
    mutable std::recursive_mutex m_mu;
    mutable std::vector<Frame> m_frames;
    mutable int32_t m_call_depth = 0;  // set by NCall for the Run it makes
    mutable std::map<std::string, std::string> m_cache;
    mutable std::atomic<Kill> m_kill{Kill::kNone};
    // watchdog
    mutable std::mutex m_wd_mu;
    mutable std::condition_variable m_wd_cv;
    mutable bool m_armed = false;
    mutable bool m_stop = false;
    mutable uint64_t m_generation = 0;
    mutable std::chrono::steady_clock::time_point m_deadline;
    std::thread m_watchdog;
};

}  // namespace

void EnsureV8() { InitV8Once(); }

std::shared_ptr<const ledger::CodeEngine> MakeJsEngine(JsEngineOptions options) {
    return std::make_shared<JsEngine>(options);
}

}  // namespace iost::vm
