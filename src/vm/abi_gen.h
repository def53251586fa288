// `iwallet compile code.js` (docs/iwallet.md "compile"): the ABI skeleton
// of a JavaScript contract, as go-iost's iwallet compile writes it
// (iwallet/contract/contract.js): the class assigned to module.exports,
// its public methods (named by an identifier, not starting with '_'; init
// is required and left out; a constructor is an error), every argument
// "string" unless the comment just before the method says
// `@param {type} name` or `@param name {type}`, amountLimit empty. The
// source is parsed with the acorn the contract VM embeds (ES2022 script,
// as setCode parses it), in a V8 isolate of its own.
// Thread contract: GenerateAbi may be called from any thread; each call
// uses its own isolate.
#pragma once

#include <util/result.h>

#include <string>
#include <string_view>

namespace iost::vm {

// The ABI file's text: {"lang": "javascript", "version": "1.0.0", "abi":
// [{"name", "args", "amountLimit"}]} indented by 4 spaces, as go-iost
// prints it; an error names what go-iost's compile would refuse.
util::Result<std::string> GenerateAbi(std::string_view source);

}  // namespace iost::vm
