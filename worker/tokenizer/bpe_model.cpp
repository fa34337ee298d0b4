#include "worker/tokenizer/bpe_model.h"

#include <cstdio>
#include <queue>

#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

// Words longer than this are not cached: they are rare, and a prompt with no
// pre-tokenizer (SentencePiece style) is one long word.
constexpr std::size_t kMaxCachedWordBytes = 256;

std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
         static_cast<std::uint32_t>(right);
}

std::string byte_token(std::uint8_t byte) {
  char name[8];
  std::snprintf(name, sizeof(name), "<0x%02X>", byte);
  return name;
}

// One symbol of the word being merged; a doubly linked list over a vector so
// a merge is O(1). `byte_length` 0 marks a symbol absorbed into its left one.
struct Symbol {
  std::int32_t id;
  std::int32_t prev;
  std::int32_t next;
  std::size_t byte_length;
};

struct MergeCandidate {
  std::uint32_t rank;
  std::int32_t position;  // index of the left symbol
  std::int32_t merged_id;
};

// Lowest rank first; among equal ranks the leftmost, as Hugging Face orders.
struct LaterCandidate {
  bool operator()(const MergeCandidate& a, const MergeCandidate& b) const {
    if (a.rank != b.rank) return a.rank > b.rank;
    return a.position > b.position;
  }
};

}  // namespace

BpeModel::BpeModel(Vocabulary vocabulary, const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options, const JsonNode& merges_node)
    : vocabulary_(std::move(vocabulary)), options_(std::move(options)) {
  const std::size_t prefix_length = options_.continuing_subword_prefix.size();
  merges_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    auto missing = [&](const std::string& token) {
      merges_node.at(rank).fail("merge \"" + left + " " + right + "\" uses \"" + token +
                                "\", which is not in model.vocab");
    };
    const auto left_id = vocabulary_.find(left);
    if (!left_id) missing(left);
    const auto right_id = vocabulary_.find(right);
    if (!right_id) missing(right);
    const std::string merged =
        left + (right.size() >= prefix_length ? right.substr(prefix_length) : std::string());
    const auto merged_id = vocabulary_.find(merged);
    if (!merged_id) missing(merged);
    // A pair listed twice keeps its last rank: upstream builds this map by
    // inserting in order, and ids must match theirs.
    merges_.insert_or_assign(pair_key(*left_id, *right_id), Merge{static_cast<std::uint32_t>(rank), *merged_id});
  }
  if (options_.unk_token) unk_id_ = vocabulary_.find(*options_.unk_token);
  if (options_.byte_fallback) {
    for (int byte = 0; byte < 256; ++byte) {
      byte_token_ids_[static_cast<std::size_t>(byte)] = vocabulary_.find(byte_token(static_cast<std::uint8_t>(byte)));
    }
  }
}

const BpeModel::Merge* BpeModel::find_merge(std::int32_t left, std::int32_t right) const {
  const auto it = merges_.find(pair_key(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

void BpeModel::tokenize(const std::string& word, std::vector<std::int32_t>& ids, WordCache& cache) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    if (const auto id = vocabulary_.find(word)) {
      ids.push_back(*id);
      return;
    }
  }
  const bool cacheable = word.size() < kMaxCachedWordBytes;
  if (cacheable) {
    const auto hit = cache.find(word);
    if (hit != cache.end()) {
      ids.insert(ids.end(), hit->second.begin(), hit->second.end());
      return;
    }
  }
  std::vector<std::int32_t> word_ids = merge_word(word);
  ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  if (cacheable) cache.emplace(word, std::move(word_ids));
}

std::vector<std::int32_t> BpeModel::merge_word(const std::string& word) const {
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add_symbol = [&](std::int32_t id, std::size_t byte_length) {
    const auto index = static_cast<std::int32_t>(symbols.size());
    symbols.push_back(Symbol{id, index - 1, -1, byte_length});
    if (index > 0) symbols[static_cast<std::size_t>(index - 1)].next = index;
  };

  // A run of unknown characters is held back so fuse_unk can join it.
  // (pending_unk_length 0 means none is pending.)
  std::size_t pending_unk_length = 0;
  auto flush_unk = [&] {
    if (pending_unk_length > 0) add_symbol(*unk_id_, pending_unk_length);
    pending_unk_length = 0;
  };
  std::string key;
  for (std::size_t pos = 0; pos < word.size();) {
    const std::size_t length = utf8::decode_at(word, pos).length;
    const bool is_first = pos == 0;
    const bool is_last = pos + length == word.size();
    key.clear();
    if (!is_first) key += options_.continuing_subword_prefix;
    key.append(word, pos, length);
    if (is_last) key += options_.end_of_word_suffix;
    pos += length;

    if (const auto id = vocabulary_.find(key)) {
      flush_unk();
      add_symbol(*id, length);
      continue;
    }
    if (options_.byte_fallback) {
      bool all_bytes_known = true;
      for (const char c : key) all_bytes_known = all_bytes_known && byte_token_ids_[static_cast<std::uint8_t>(c)];
      if (all_bytes_known) {
        // Upstream leaves a pending <unk> pending here; so do we.
        for (const char c : key) add_symbol(*byte_token_ids_[static_cast<std::uint8_t>(c)], 1);
        continue;
      }
    }
    if (!unk_id_) continue;  // no unk token: the character is dropped, as upstream
    if (!options_.fuse_unk) flush_unk();
    pending_unk_length += length;
  }
  flush_unk();

  std::priority_queue<MergeCandidate, std::vector<MergeCandidate>, LaterCandidate> queue;
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const Merge* merge = find_merge(symbols[i].id, symbols[i + 1].id)) {
      queue.push({merge->rank, static_cast<std::int32_t>(i), merge->merged_id});
    }
  }
  while (!queue.empty()) {
    const MergeCandidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[static_cast<std::size_t>(top.position)];
    if (left.byte_length == 0 || left.next < 0) continue;
    const std::int32_t right_index = left.next;
    Symbol& right = symbols[static_cast<std::size_t>(right_index)];
    // Skip candidates made stale by an earlier merge of either neighbour.
    const Merge* current = find_merge(left.id, right.id);
    if (current == nullptr || current->merged_id != top.merged_id) continue;

    left.id = top.merged_id;
    left.byte_length += right.byte_length;
    left.next = right.next;
    right.byte_length = 0;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.position;

    if (left.prev >= 0) {
      const Symbol& previous = symbols[static_cast<std::size_t>(left.prev)];
      if (const Merge* merge = find_merge(previous.id, left.id)) {
        queue.push({merge->rank, left.prev, merge->merged_id});
      }
    }
    if (left.next >= 0) {
      const Symbol& following = symbols[static_cast<std::size_t>(left.next)];
      if (const Merge* merge = find_merge(left.id, following.id)) {
        queue.push({merge->rank, top.position, merge->merged_id});
      }
    }
  }

  std::vector<std::int32_t> ids;
  for (const Symbol& symbol : symbols) {
    if (symbol.byte_length != 0) ids.push_back(symbol.id);
  }
  return ids;
}

}  // namespace beamline::tokenizer
