// The explorer's static files (web/explorer/: index.html, app.js, style.css),
// embedded into iserver at build time by scripts/embed-files.cmake, so a
// binary serves them from any install location with nothing to find on disk
// (docs/explorer.md). Defined in the generated build/generated/explorer_assets.cpp.
// Thread contract: immutable data.
#pragma once

#include <cstddef>

namespace iost::rpc {

struct EmbeddedFile {
    const char* path;  // relative to web/explorer/, e.g. "app.js"
    const char* mime;
    const unsigned char* data;
    size_t size;
};

extern const EmbeddedFile kExplorerFiles[];
extern const size_t kExplorerFileCount;

}  // namespace iost::rpc
