/* The C ABI between grpo and reward plug-ins (shared libraries loaded with dlopen at start-up).
 * A plug-in includes only this header, defines one entry point, and registers reward functions by
 * name; only C types cross the boundary (no C++ classes, no exceptions, no LibTorch), so a plug-in
 * built with another compiler or standard library still works. Example: examples/reward_plugin/.
 *
 *   GRPO_REWARD_PLUGIN_EXPORT uint32_t grpo_reward_plugin_init(const grpo_reward_host_api* api) {
 *     if (api->abi_version != GRPO_REWARD_ABI_VERSION) return GRPO_REWARD_ABI_VERSION;  // host refuses us
 *     grpo_reward_def def = {"my_reward", "one-line help", my_create, my_destroy, my_score};
 *     api->register_reward(api->host, &def);
 *     return GRPO_REWARD_ABI_VERSION;
 *   }
 */
#ifndef GRPO_REWARDS_PLUGIN_ABI_H_
#define GRPO_REWARDS_PLUGIN_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes. The host accepts a plug-in only when the version its
 * entry point returns equals the host's. */
#define GRPO_REWARD_ABI_VERSION 1u
#define GRPO_REWARD_PLUGIN_ENTRY "grpo_reward_plugin_init"
#if defined(__GNUC__)
#define GRPO_REWARD_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define GRPO_REWARD_PLUGIN_EXPORT
#endif

/* One sample. Strings are UTF-8, not NUL-terminated unless stated; valid during score() only. */
typedef struct grpo_reward_sample {
  const char* prompt;
  size_t prompt_size;
  const char* completion;
  size_t completion_size;
  int64_t completion_tokens; /* -1 when unknown */
  const char* finish_reason; /* NUL-terminated: "stop", "length" or "" */
  const char* row_json;      /* the dataset row as a compact JSON object ("null" when none) */
  size_t row_json_size;
} grpo_reward_sample;

/* Filled in by score(). The callbacks copy their arguments; call them at most once each. */
typedef struct grpo_reward_result {
  double score; /* the reward (finite); starts at 0 */
  void* host;   /* opaque: pass back to the callbacks */
  /* Optional named details: a JSON object as text. */
  void (*set_details)(void* host, const char* json_object, size_t size);
  /* A problem with the sample's data (missing field...): recorded as details["error"] and counted. */
  void (*set_error)(void* host, const char* message);
} grpo_reward_result;

/* A reward function. All function pointers are required. */
typedef struct grpo_reward_def {
  const char* name; /* registry name: [a-z0-9_.-]+, unique among built-ins and plug-ins */
  const char* help; /* one line for `grpo reward --list` (may be NULL) */
  /* Builds an instance from its `params:` (a JSON object as text, "{}" when none). On bad params
   * returns NULL after writing a NUL-terminated message of at most error_size bytes to error. */
  void* (*create)(const char* params_json, char* error, size_t error_size);
  void (*destroy)(void* instance);
  /* Scores one sample. Called from several threads at once on the same instance: must be
   * thread-safe. Returns 0 on success; nonzero stops the run (give the reason via set_error). */
  int (*score)(void* instance, const grpo_reward_sample* sample, grpo_reward_result* result);
} grpo_reward_def;

/* What the host hands to the entry point. */
typedef struct grpo_reward_host_api {
  uint32_t abi_version; /* the host's GRPO_REWARD_ABI_VERSION */
  void* host;           /* opaque: pass back to register_reward */
  /* Registers one reward; the def and its strings are copied. Returns 0, or nonzero when the def
   * is invalid (the host reports why after init returns). */
  int (*register_reward)(void* host, const grpo_reward_def* def);
} grpo_reward_host_api;

/* The entry point (symbol GRPO_REWARD_PLUGIN_ENTRY): registers the plug-in's rewards when
 * api->abi_version matches, and in every case returns the GRPO_REWARD_ABI_VERSION it was built
 * with. Called once per load, from the loading thread. */
typedef uint32_t (*grpo_reward_plugin_init_fn)(const grpo_reward_host_api* api);

#ifdef __cplusplus
}
#endif

#endif /* GRPO_REWARDS_PLUGIN_ABI_H_ */
