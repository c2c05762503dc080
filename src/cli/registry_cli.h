// The registry verbs of `wharf` (pull, push, login, logout): their flags,
// and running them; and the pull `wharf run IMAGE` does on demand.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "common/expected.h"
#include "oci/store.h"

namespace wharf::cli {

void addRegistryCommands(CLI::App& app);
std::optional<int> runRegistryCommands();

// Pulls `text` (an image reference) into the store for `wharf run`; quiet
// unless stderr is a terminal. Plain http only to loopback registries; a
// custom CA from $SSL_CERT_FILE.
Expected<void> pullForRun(oci::Store& store, const std::string& text);

}  // namespace wharf::cli
