#include "worker/tokenizer/post_processors.h"

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace beamline::tokenizer {
namespace {

class NothingAdded final : public PostProcessor {
 public:
  void add_special_tokens(std::vector<std::int32_t>&) const override {}
};

// The "single" template flattened: special token ids before and after $A.
// (A template may in principle repeat $A; none published does, and a single
// sequence can only appear once in the output anyway.)
class TemplateProcessor final : public PostProcessor {
 public:
  TemplateProcessor(std::vector<std::int32_t> before, std::vector<std::int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void add_special_tokens(std::vector<std::int32_t>& ids) const override {
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }

 private:
  std::vector<std::int32_t> before_;
  std::vector<std::int32_t> after_;
};

class SequenceProcessor final : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
  void add_special_tokens(std::vector<std::int32_t>& ids) const override {
    for (const auto& step : steps_) step->add_special_tokens(ids);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

std::int32_t as_id(const JsonNode& node) {
  const std::int64_t id = node.as_int();
  if (id < 0 || id > INT32_MAX) node.fail("token id " + std::to_string(id) + " is out of range");
  return static_cast<std::int32_t>(id);
}

// One template item: the sequence itself (nullopt) or a special token name.
struct TemplateItem {
  std::optional<std::string> special_token;
  std::string where;  // path, for errors
};

std::vector<TemplateItem> read_template_items(const JsonNode& single) {
  std::vector<TemplateItem> items;
  if (single.is_string()) {
    // String form: "[CLS] $A [SEP]", each item optionally suffixed ":type_id".
    std::istringstream words(single.as_string());
    std::string word;
    while (words >> word) {
      const std::size_t colon = word.rfind(':');
      const std::string name = colon == std::string::npos || colon == 0 ? word : word.substr(0, colon);
      if (!name.empty() && name[0] == '$') {
        items.push_back({std::nullopt, single.path()});
      } else {
        items.push_back({name, single.path()});
      }
    }
    return items;
  }
  for (std::size_t i = 0; i < single.array_size(); ++i) {
    const JsonNode item = single.at(i);
    if (const auto special = item.find("SpecialToken")) {
      items.push_back({special->at("id").as_string(), item.path()});
    } else if (item.has("Sequence")) {
      items.push_back({std::nullopt, item.path()});
    } else {
      item.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
  }
  return items;
}

std::unique_ptr<PostProcessor> make_template(const JsonNode& node) {
  std::map<std::string, std::vector<std::int32_t>> special_ids;
  if (const auto specials = node.find("special_tokens")) {
    if (!specials->is_object()) specials->fail("expected an object of special tokens");
    for (const auto& [name, value] : specials->value().items()) {
      const JsonNode entry(value, specials->path() + "[\"" + name + "\"]", node.file());
      const JsonNode ids = entry.at("ids");
      std::vector<std::int32_t>& list = special_ids[name];
      for (std::size_t i = 0; i < ids.array_size(); ++i) list.push_back(as_id(ids.at(i)));
    }
  }
  std::vector<std::int32_t> before;
  std::vector<std::int32_t> after;
  bool seen_sequence = false;
  for (const TemplateItem& item : read_template_items(node.at("single"))) {
    if (!item.special_token) {
      seen_sequence = true;
      continue;
    }
    const auto found = special_ids.find(*item.special_token);
    if (found == special_ids.end()) {
      node.fail(item.where + " uses special token \"" + *item.special_token +
                "\", which is not listed in special_tokens");
    }
    auto& target = seen_sequence ? after : before;
    target.insert(target.end(), found->second.begin(), found->second.end());
  }
  return std::make_unique<TemplateProcessor>(std::move(before), std::move(after));
}

// RobertaProcessing / BertProcessing: {"cls": ["<s>", 0], "sep": ["</s>", 2]}.
std::unique_ptr<PostProcessor> make_cls_sep(const JsonNode& node) {
  const JsonNode cls = node.at("cls");
  const JsonNode sep = node.at("sep");
  if (cls.array_size() != 2) cls.fail("expected [token, id]");
  if (sep.array_size() != 2) sep.fail("expected [token, id]");
  return std::make_unique<TemplateProcessor>(std::vector<std::int32_t>{as_id(cls.at(1))},
                                             std::vector<std::int32_t>{as_id(sep.at(1))});
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node) {
  if (node.is_null()) return nullptr;
  const std::string type = node.type();
  if (type == "TemplateProcessing") return make_template(node);
  if (type == "RobertaProcessing" || type == "BertProcessing") return make_cls_sep(node);
  if (type == "ByteLevel") return std::make_unique<NothingAdded>();
  if (type == "Sequence") {
    const JsonNode list = node.at("processors");
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      if (auto step = make_post_processor(list.at(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceProcessor>(std::move(steps));
  }
  node.at("type").fail("unsupported post_processor type \"" + type +
                       "\" (supported: TemplateProcessing, RobertaProcessing, BertProcessing, "
                       "ByteLevel, Sequence)");
}

}  // namespace beamline::tokenizer
