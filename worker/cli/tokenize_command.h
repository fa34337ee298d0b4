#pragma once
namespace CLI {
class App;
}

namespace beamline::worker {

// `beamline tokenize (--model DIR | --tokenizer FILE) (--text TEXT |
// --decode "1 2 3") [--no-special] [--keep-special]`: encode text to ids or
// decode ids to text with a Hugging Face tokenizer.json.
void add_tokenize_command(CLI::App& app);

}  // namespace beamline::worker
