#include <libplatform/libplatform.h>
#include <v8.h>
#include <vm/abi_gen.h>
#include <vm/js_engine.h>

#include <memory>

namespace iost::vm {

extern const unsigned char kJs_acorn[];
extern const size_t kJs_acorn_size;

namespace {

// Runs in a context holding acorn; returns the ABI object or throws an
// Error whose message is the reason. Our own walk of acorn's AST.
constexpr const char* kAbiScript = R"JS(
(function (source) {
  const comments = [];
  const ast = acorn.parse(source, {
    ecmaVersion: 2022, sourceType: 'script', ranges: true, onComment: comments });
  let exported = null;
  for (const st of ast.body) {
    const e = st.type === 'ExpressionStatement' ? st.expression : null;
    if (e && e.type === 'AssignmentExpression' && e.left.type === 'MemberExpression' &&
        !e.left.computed && e.left.object.type === 'Identifier' &&
        e.left.object.name === 'module' && e.left.property.name === 'exports') {
      if (e.right.type !== 'Identifier') {
        throw new Error('module.exports must be assigned the contract class by name');
      }
      exported = e.right.name;
    }
  }
  if (exported === null) throw new Error('no module.exports = ClassName; found');
  const cls = ast.body.find(st => st.type === 'ClassDeclaration' && st.id &&
                                  st.id.name === exported);
  if (!cls) throw new Error('class ' + exported + ' (module.exports) is not declared at top level');
  const abi = [];
  let hasInit = false;
  let after = cls.body.range[0];
  for (const def of cls.body.body) {
    if (def.type !== 'MethodDefinition' || def.computed || def.static ||
        def.key.type !== 'Identifier' || def.kind !== 'method' && def.kind !== 'constructor' ||
        def.key.name.startsWith('_')) {
      continue;
    }
    const name = def.key.name;
    if (name === 'constructor') throw new Error('a contract class must not have a constructor');
    if (name === 'init') { hasInit = true; continue; }
    const params = def.value.params.map(p => {
      if (p.type !== 'Identifier') {
        throw new Error('method ' + name + ': parameters must be plain names, got ' + p.type);
      }
      return p.name;
    });
    const args = params.map(() => 'string');
    // The last comment between the previous method and this one.
    let doc = null;
    for (const c of comments) {
      if (c.start >= after && c.end <= def.start) doc = c;
    }
    if (doc) {
      params.forEach((p, i) => {
        const q = p.replace(/\$/g, '\\$');
        for (const re of [new RegExp('@param\\s*\\{([A-Za-z]+)\\}\\s*' + q + '(?![\\w$])'),
                          new RegExp('@param\\s*' + q + '\\s*\\{([A-Za-z]+)\\}')]) {
          const m = doc.value.match(re);
          if (m) { args[i] = m[1]; break; }
        }
      });
    }
    abi.push({ name: name, args: args, amountLimit: [] });
    after = def.end;
  }
  if (!hasInit) throw new Error('class ' + exported + ' has no init() method');
  return JSON.stringify({ lang: 'javascript', version: '1.0.0', abi: abi }, null, 4);
})
)JS";

std::string Text(v8::Isolate* iso, v8::Local<v8::Value> v) {
    v8::String::Utf8Value u(iso, v);
    return *u ? std::string(*u, static_cast<size_t>(u.length())) : std::string();
}

v8::Local<v8::String> Str(v8::Isolate* iso, std::string_view s) {
    return v8::String::NewFromUtf8(iso, s.data(), v8::NewStringType::kNormal,
                                   static_cast<int>(s.size()))
        .ToLocalChecked();
}

}  // namespace

util::Result<std::string> GenerateAbi(std::string_view source) {
    if (source.size() > (64u << 20)) return util::Err("source too large");
    EnsureV8();
    std::unique_ptr<v8::ArrayBuffer::Allocator> alloc(
        v8::ArrayBuffer::Allocator::NewDefaultAllocator());
    v8::Isolate::CreateParams p;
    p.array_buffer_allocator = alloc.get();
    v8::Isolate* iso = v8::Isolate::New(p);
    util::Result<std::string> out = util::Err("internal error");
    {
        v8::Locker lock(iso);
        v8::Isolate::Scope is(iso);
        v8::HandleScope hs(iso);
        auto ctx = v8::Context::New(iso);
        v8::Context::Scope cs(ctx);
        v8::TryCatch tc(iso);
        auto run = [&](std::string_view src) -> v8::MaybeLocal<v8::Value> {
            v8::Local<v8::Script> script;
            if (!v8::Script::Compile(ctx, Str(iso, src)).ToLocal(&script)) return {};
            return script->Run(ctx);
        };
        v8::Local<v8::Value> fn;
        v8::Local<v8::Value> result;
        const std::string_view acorn(reinterpret_cast<const char*>(kJs_acorn), kJs_acorn_size);
        if (run(acorn).IsEmpty() || !run(kAbiScript).ToLocal(&fn) || !fn->IsFunction()) {
            out = util::Err("internal error: the ABI generator did not load");
        } else {
            v8::Local<v8::Value> args[] = {Str(iso, source)};
            if (fn.As<v8::Function>()->Call(ctx, ctx->Global(), 1, args).ToLocal(&result) &&
                result->IsString()) {
                out = Text(iso, result);
            } else if (tc.HasCaught()) {
                // acorn's SyntaxError reads "Unexpected token (3:4)".
                v8::Local<v8::Value> ex = tc.Exception();
                std::string msg;
                if (ex->IsObject()) {
                    v8::Local<v8::Value> m;
                    if (ex.As<v8::Object>()->Get(ctx, Str(iso, "message")).ToLocal(&m)) {
                        msg = Text(iso, m);
                    }
                    v8::Local<v8::Value> name;
                    if (ex.As<v8::Object>()->Get(ctx, Str(iso, "name")).ToLocal(&name) &&
                        Text(iso, name) == "SyntaxError") {
                        msg = "syntax error: " + msg;
                    }
                }
                out = util::Err(msg.empty() ? Text(iso, ex) : msg);
            }
        }
    }
    iso->Dispose();
    return out;
}

}  // namespace iost::vm
