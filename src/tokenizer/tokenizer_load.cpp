// Reads tokenizer.json and tokenizer_config.json into Tokenizer::Impl. Every component type that
// we do not implement exactly is an error here, so a tokenizer either loads and matches HF or fails.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "src/tokenizer/tokenizer_impl.h"
#include "src/tokenizer/unicode.h"
#include "src/util/error.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) fail("{}: cannot open. HINT: check the --tokenizer path", p.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON ({}). HINT: the file is truncated or not a tokenizer file", p.string(), e.what());
  }
}

// bos_token etc. are either a string or {"content": ...}.
std::string token_string(const nlohmann::json& cfg, const char* key) {
  if (!cfg.contains(key) || cfg[key].is_null()) return "";
  const auto& v = cfg[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content")) return v["content"].get<std::string>();
  return "";
}

void load_post_processor(const nlohmann::json& j, const std::string& where, Tokenizer::Impl& t) {
  if (j.is_null()) return;
  const std::string type = j.value("type", "");
  if (type == "ByteLevel") return;  // changes offsets only
  if (type == "Sequence") {
    for (const auto& p : j.at("processors")) load_post_processor(p, where, t);
    return;
  }
  if (type != "TemplateProcessing")
    fail("{}: unsupported post_processor '{}'. HINT: supported: ByteLevel, TemplateProcessing, Sequence", where, type);
  bool seen_a = false;
  for (const auto& item : j.at("single")) {
    if (item.contains("Sequence")) {
      seen_a = true;
      continue;
    }
    const std::string name = item.at("SpecialToken").at("id").get<std::string>();
    const auto& special = j.at("special_tokens");
    if (!special.contains(name))
      fail("{}: post_processor.single names '{}', absent from special_tokens. HINT: the file is corrupt", where, name);
    for (const auto& id : special[name].at("ids")) (seen_a ? t.suffix_ids : t.prefix_ids).push_back(id.get<TokenId>());
  }
}

void load_decoder(const nlohmann::json& j, const std::string& where, bool& byte_level, bool& none) {
  if (j.is_null()) {
    none = true;
    return;
  }
  const std::string type = j.value("type", "");
  if (type == "ByteLevel") {
    byte_level = true;
  } else if (type == "Sequence" && j.at("decoders").size() == 1) {
    load_decoder(j["decoders"][0], where, byte_level, none);
  } else {
    fail("{}: unsupported decoder '{}'. HINT: supported: ByteLevel (byte-level BPE tokenizers)", where, type);
  }
}

// HF ByteLevel decoder, per token: chars of the byte alphabet become their bytes; a token with
// any other char (e.g. an added token "<｜User｜>") keeps its UTF-8 bytes unchanged.
std::string byte_level_bytes(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size();) {
    const int b = unicode::char_to_byte(unicode::next_codepoint(token, i));
    if (b < 0) return token;
    out += char(b);
  }
  return out;
}

}  // namespace

std::shared_ptr<const Tokenizer::Impl> load_tokenizer_impl(const std::string& path) {
  fs::path json_path = path, dir = path;
  if (fs::is_directory(json_path))
    json_path /= "tokenizer.json";
  else
    dir = json_path.parent_path();
  if (!fs::exists(json_path))
    fail("{}: not found. HINT: --tokenizer takes a model directory with tokenizer.json, or the file itself",
         json_path.string());
  const nlohmann::json j = read_json(json_path);
  auto t = std::make_shared<Tokenizer::Impl>();
  const std::string src = json_path.string();
  t->source = src;
  if (!j.contains("model")) fail("{}: no 'model' section. HINT: is this a tokenizer.json?", src);
  t->normalizer = Normalizer::from_json(j.value("normalizer", nlohmann::json()), src + ": normalizer");
  t->pre_tokenizer = PreTokenizer::from_json(j.value("pre_tokenizer", nlohmann::json()), src + ": pre_tokenizer");
  t->model = Bpe::from_json(j["model"], src);
  load_post_processor(j.value("post_processor", nlohmann::json()), src + ": post_processor", *t);
  bool byte_level_decoder = false;
  load_decoder(j.value("decoder", nlohmann::json()), src + ": decoder", byte_level_decoder, t->join_with_space);

  size_t max_id = t->model->vocab_size();
  for (const auto& a : j.value("added_tokens", nlohmann::json::array())) {
    AddedToken tok{a.at("id").get<TokenId>(), a.at("content").get<std::string>(), a.value("single_word", false),
                   a.value("lstrip", false),  a.value("rstrip", false),           a.value("normalized", false),
                   a.value("special", false)};
    // HF matches normalized tokens against normalized text, so their content is normalized too.
    if (tok.normalized) tok.content = t->normalizer.apply(tok.content);
    (tok.normalized ? t->normalized_added : t->raw_added).add(tok);
    t->added_by_id[tok.id] = tok;
    t->added_by_content[a.at("content").get<std::string>()] = tok.id;
    max_id = std::max(max_id, size_t(tok.id) + 1);
  }
  t->decoded.resize(max_id);
  t->special.assign(max_id, 0);
  for (size_t id = 0; id < max_id; ++id) {
    auto added = t->added_by_id.find(TokenId(id));
    const std::string* s = added != t->added_by_id.end() ? &added->second.content : t->model->id_to_token(TokenId(id));
    if (s == nullptr) continue;
    ++t->vocab_size;
    t->decoded[id] = byte_level_decoder ? byte_level_bytes(*s) : *s;
    t->special[id] = added != t->added_by_id.end() && added->second.special;
  }

  const fs::path cfg_path = dir / "tokenizer_config.json";
  if (fs::exists(cfg_path)) {
    const nlohmann::json cfg = read_json(cfg_path);
    t->bos_token = token_string(cfg, "bos_token");
    t->eos_token = token_string(cfg, "eos_token");
    t->pad_token = token_string(cfg, "pad_token");
    t->add_bos_token = cfg.value("add_bos_token", false);
    const auto id_of = [&](const std::string& s, const char* key) -> TokenId {
      if (s.empty()) return -1;
      auto it = t->added_by_content.find(s);
      const TokenId id = it != t->added_by_content.end() ? it->second : t->model->token_to_id(s);
      if (id < 0)
        fail("{}: {} '{}' is not in the vocabulary. HINT: fix the config's {}", cfg_path.string(), key, s, key);
      return id;
    };
    t->bos_id = id_of(t->bos_token, "bos_token");
    t->eos_id = id_of(t->eos_token, "eos_token");
    t->pad_id = id_of(t->pad_token, "pad_token");
    if (cfg.contains("chat_template")) {
      const auto& ct = cfg["chat_template"];
      if (ct.is_string())
        t->chat_template = ct.get<std::string>();
      else if (ct.is_array())  // [{"name": "default", "template": ...}, ...]
        for (const auto& e : ct)
          if (e.value("name", "") == "default") t->chat_template = e.value("template", "");
    }
  }
  const fs::path jinja = dir / "chat_template.jinja";  // transformers >= 4.50 saves it separately
  if (t->chat_template.empty() && fs::exists(jinja)) {
    std::ifstream in(jinja, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    t->chat_template = ss.str();
  }
  return t;
}

}  // namespace grpo
