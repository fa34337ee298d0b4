#include "worker/training/model_output.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>

#include "worker/modelio/json_file.h"
#include "worker/training/eval_sets.h"
#include "worker/training/task_tokenizer.h"

namespace beamline::training {

void write_model_files(const std::string& dir, const ModelShape& shape) {
  std::filesystem::create_directories(dir);
  modelio::write_json_file(dir + "/config.json", model_config_json(shape));
  modelio::write_json_file(dir + "/generation_config.json", generation_config_json());
  modelio::write_json_file(dir + "/tokenizer.json", task_tokenizer_json());
}

void write_weights(const std::string& dir, const modelio::NamedTensors& weights) {
  modelio::NamedTensors copies;
  copies.reserve(weights.size());
  for (const auto& [name, tensor] : weights) copies.emplace_back(name, tensor.detach().to(at::kFloat).contiguous());
  // Written aside and renamed, so a reader (an eval of a mid-run snapshot)
  // never sees half a file.
  const std::string final_path = dir + "/model.safetensors";
  modelio::write_safetensors(final_path + ".partial", copies, {{"format", "pt"}});
  std::filesystem::rename(final_path + ".partial", final_path);
}

void write_data_record(const std::string& dir, const DataOptions& data, const nlohmann::json& recipe,
                       int64_t eval_count) {
  const TaskWeights& w = data.weights;
  const nlohmann::json record = {
      {"generator_seed", data.seed},
      {"train_split", "train: example k of the run is tasks::make_*_example(seed, Split::train, k) "
                      "with the task drawn by CounterRng(seed, \"training/task-draw\", k)"},
      {"eval_split", "eval: tasks::make_example(task, seed, Split::eval, i), i < eval_count"},
      {"task", to_string(data.task)},
      {"task_weights", {{"qa", w.qa}, {"math", w.math}, {"choice", w.choice}, {"choice_facts", w.choice_facts}, {"option_lookup", w.option_lookup}}},
      {"qa_closed_book", data.task_options.qa_closed_book},
      {"qa_facts", {data.task_options.min_facts, data.task_options.max_facts}},
      {"qa_curriculum_steps", data.qa_curriculum_steps},
      {"bare_lookup_share", data.bare_lookup_share},
      {"lookup_queries", data.lookup_queries},
      {"lookup_curriculum_steps", data.lookup_curriculum_steps},
      {"lookup_curriculum_share", data.lookup_curriculum_share},
      {"math_max_operand", data.task_options.max_operand},
      {"choice_world_seed", data.task_options.world_seed},
      {"eval_count", eval_count},
      {"recipe", recipe}};
  modelio::write_json_file(dir + "/training_data.json", record);
  if (eval_count <= 0) return;
  for (const judge::TaskKind task : {judge::TaskKind::qa, judge::TaskKind::math, judge::TaskKind::choice}) {
    EvalSetSpec spec;
    spec.task = task;
    spec.seed = data.seed;
    spec.count = eval_count;
    spec.task_options = data.task_options;
    write_eval_set(spec, dir + "/eval/" + judge::to_string(task) + ".jsonl");
  }
}

}  // namespace beamline::training
