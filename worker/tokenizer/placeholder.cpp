// replaced by the tokenizer sources
