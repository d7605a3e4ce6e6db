// Safetensors reader/writer: a file written by the reference Python library (oracle_models.py) reads
// back with the known values; crafted bad files and thousands of random mutations of a valid file give
// grpo::Error or a valid parse, never a crash or an out-of-range tensor.
#include "src/model/safetensors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <optional>
#include <random>

#include "src/util/error.h"
#include "test_util.h"

namespace grpo {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes make_file(const std::string& header, size_t data_bytes, std::optional<uint64_t> claimed_len = std::nullopt) {
  Bytes b(8);
  const uint64_t n = claimed_len.value_or(header.size());
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(n >> (8 * i));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + data_bytes, 0);
  return b;
}

void expect_error(const Bytes& b, const std::string& what_contains) {
  try {
    parse_safetensors_header(b, "crafted");
    FAIL() << "no error for a file that should fail with: " << what_contains;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(what_contains), std::string::npos) << e.what();
  }
}

TEST(Safetensors, ReadsFileWrittenByReferenceLibrary) {
  SafetensorsFile f(test::testdata_dir() / "model" / "st" / "simple.safetensors");
  EXPECT_EQ(f.header().tensors.size(), 4u);
  EXPECT_EQ(f.header().metadata.at("note"), "oracle");
  EXPECT_TRUE(torch::equal(f.tensor("a"), torch::arange(6, torch::kFloat).reshape({2, 3})));
  EXPECT_TRUE(torch::equal(f.tensor("b").to(torch::kFloat), torch::tensor({1.5f, -2.0f})));
  EXPECT_TRUE(torch::equal(f.tensor("c"), torch::tensor({int64_t{7}, int64_t{-9}})));
  EXPECT_EQ(f.tensor("d").item<float>(), 0.25f);
  EXPECT_EQ(f.find("missing"), nullptr);
  EXPECT_THROW(f.tensor("missing"), Error);
}

TEST(Safetensors, WriteThenReadRoundTrips) {
  test::TempDir dir;
  const auto a = torch::randn({3, 5}).to(torch::kBFloat16), b = torch::arange(7, torch::kInt);
  write_safetensors(dir.path() / "x.safetensors", {{"a", a}, {"b", b}}, {{"k", "v"}});
  SafetensorsFile f(dir.path() / "x.safetensors");
  EXPECT_TRUE(torch::equal(f.tensor("a"), a));
  EXPECT_TRUE(torch::equal(f.tensor("b"), b));
  EXPECT_EQ(f.header().metadata.at("format"), "pt");
  EXPECT_EQ(f.header().data_start % 8, 0u);  // header padded so data is 8-byte aligned
}

TEST(Safetensors, CraftedFilesGiveErrors) {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_NO_THROW(parse_safetensors_header(make_file(ok, 8), "ok"));
  expect_error(Bytes{1, 2, 3}, "too short");
  expect_error(make_file(ok, 4), "outside the data section");                              // truncated data
  Bytes cut = make_file(ok, 8);
  cut.resize(20);
  expect_error(cut, "header length");                                                      // truncated header
  expect_error(make_file(ok, 8, 1ull << 62), "header length");                             // huge header length
  expect_error(make_file(ok, 8, 0), "header length");
  expect_error(make_file(R"({"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", 8), "unsupported dtype");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}})", 8), "outside the data section");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 12), "need 12");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12), "overlap");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8), "outside");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8), "non-negative");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}})", 8), "too large");
  expect_error(make_file(R"({"a":{"dtype":"F32","shape":[2]}})", 8), "data_offsets");
  expect_error(make_file(R"([1,2,3])", 8), "not a JSON object");
  expect_error(make_file(R"({"a":)", 8), "not a JSON object");
  expect_error(make_file(std::string(1000, '[') + std::string(1000, ']'), 8), "nested too deeply");
  expect_error(make_file(R"({"__metadata__":{"k":1}})", 0), "not a string");
}

TEST(Safetensors, MissingFileIsAnError) {
  EXPECT_THROW(SafetensorsFile("/nonexistent/x.safetensors"), Error);
}

// 4000 deterministic mutations (byte flips, truncations, header digit edits, inserted bytes) of a
// valid multi-tensor file: each parse succeeds with every tensor inside the file, or throws grpo::Error.
TEST(Safetensors, RandomMutationsNeverEscapeValidation) {
  test::TempDir dir;
  write_safetensors(dir.path() / "v.safetensors", {{"w", torch::randn({4, 3})}, {"b", torch::ones({3}, torch::kBFloat16)},
                                                   {"i", torch::arange(5, torch::kLong)}});
  std::ifstream in(dir.path() / "v.safetensors", std::ios::binary);
  const Bytes valid((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937_64 rng(1234);
  int parsed = 0, rejected = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    Bytes b = valid;
    const int kind = iter % 4;
    const size_t header_end = std::min<size_t>(b.size(), 8 + valid[0] + 256 * valid[1]);
    if (kind == 0) {
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) b[rng() % b.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    } else if (kind == 1) {
      b.resize(rng() % b.size());
    } else if (kind == 2) {  // edit a digit inside the JSON header (shapes, offsets, lengths)
      for (int k = 0; k < 3; ++k) {
        const size_t pos = 8 + rng() % (header_end - 8);
        if (b[pos] >= '0' && b[pos] <= '9') b[pos] = static_cast<uint8_t>('0' + rng() % 10);
      }
    } else {
      b.insert(b.begin() + static_cast<long>(rng() % b.size()), static_cast<uint8_t>(rng()));
    }
    try {
      const auto h = parse_safetensors_header(b, "mutant");
      for (const auto& t : h.tensors) ASSERT_LE(h.data_start + t.end, b.size());
      ++parsed;
      if (iter % 97 == 0) {  // through the mmap reader too, touching every tensor
        std::ofstream(dir.path() / "m.safetensors", std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
        SafetensorsFile f(dir.path() / "m.safetensors");
        for (const auto& t : f.header().tensors) (void)f.tensor(t.name).sum();
      }
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);  // the mutations really do break files
  EXPECT_GT(parsed, 100);     // and some survive (e.g. flips inside tensor data)
}

}  // namespace
}  // namespace grpo
