// The image verbs of `wharf` (build, images, rmi, tag, inspect IMAGE,
// image prune, save, load): their flags, and running them.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "cli/commands.h"

namespace wharf::cli {

// Adds the verbs to `app`; after parsing, runImageCommands runs the one
// that was given (nullopt: none of them).
void addImageCommands(CLI::App& app);
std::optional<int> runImageCommands();

// `wharf run IMAGE`: runs an image from the store (cmd.file names it).
int runImage(const RunCommand& cmd);

// `wharf inspect IMAGE` (when the argument is not a module file).
int inspectImage(const std::string& image);

}  // namespace wharf::cli
