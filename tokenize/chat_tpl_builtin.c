/*
 * Built-in chat templates (--chat-template NAME): the published Jinja templates, byte for byte,
 * rendered by grist's interpreter like any template file, with the BOS/EOS strings and the
 * added tokens each needs (a tokenizer.json does not say which are the BOS/EOS).
 */
#include <string.h>

#include "tokenize/chat_tpl_builtin.h"

/* ChatML as given in the transformers chat templating guide: no BOS, turns end with <|im_end|>. */
static const char tpl_chatml[] =
	"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/* Meta-Llama-3-8B-Instruct's template in its fixed form (assistant header only with
 * add_generation_prompt), as in its tokenizer_config.json after the fix. */
static const char tpl_llama3[] =
	"{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n"
	"\n"
	"'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n"
	"\n"
	"' }}{% endif %}";

/* Mistral-7B-Instruct-v0.2's 2024 template (system message folded into the first user turn). */
static const char tpl_mistral[] =
	"{%- if messages[0]['role'] == 'system' %}\n"
	"    {%- set system_message = messages[0]['content'] %}\n"
	"    {%- set loop_messages = messages[1:] %}\n"
	"{%- else %}\n"
	"    {%- set loop_messages = messages %}\n"
	"{%- endif %}\n"
	"\n"
	"{{- bos_token }}\n"
	"{%- for message in loop_messages %}\n"
	"    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
	"        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}\n"
	"    {%- endif %}\n"
	"    {%- if message['role'] == 'user' %}\n"
	"        {%- if loop.first and system_message is defined %}\n"
	"            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n"
	"        {%- else %}\n"
	"            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n"
	"        {%- endif %}\n"
	"    {%- elif message['role'] == 'assistant' %}\n"
	"        {{- ' ' + message['content'] + eos_token}}\n"
	"    {%- else %}\n"
	"        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}\n"
	"    {%- endif %}\n"
	"{%- endfor %}\n";

/* Gemma 3 (gemma-3-*-it). */
static const char tpl_gemma[] =
	"{{ bos_token }}\n"
	"{%- if messages[0]['role'] == 'system' -%}\n"
	"    {%- if messages[0]['content'] is string -%}\n"
	"        {%- set first_user_prefix = messages[0]['content'] + '\n"
	"\n"
	"' -%}\n"
	"    {%- else -%}\n"
	"        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n"
	"\n"
	"' -%}\n"
	"    {%- endif -%}\n"
	"    {%- set loop_messages = messages[1:] -%}\n"
	"{%- else -%}\n"
	"    {%- set first_user_prefix = \"\" -%}\n"
	"    {%- set loop_messages = messages -%}\n"
	"{%- endif -%}\n"
	"{%- for message in loop_messages -%}\n"
	"    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
	"        {{ raise_exception(\"Conversation roles must alternate user/assistant/user/assistant/...\") }}\n"
	"    {%- endif -%}\n"
	"    {%- if (message['role'] == 'assistant') -%}\n"
	"        {%- set role = \"model\" -%}\n"
	"    {%- else -%}\n"
	"        {%- set role = message['role'] -%}\n"
	"    {%- endif -%}\n"
	"    {{ '<start_of_turn>' + role + '\n"
	"' + (first_user_prefix if loop.first else \"\") }}\n"
	"    {%- if message['content'] is string -%}\n"
	"        {{ message['content'] | trim }}\n"
	"    {%- elif message['content'] is iterable -%}\n"
	"        {%- for item in message['content'] -%}\n"
	"            {%- if item['type'] == 'image' -%}\n"
	"                {{ '<start_of_image>' }}\n"
	"            {%- elif item['type'] == 'text' -%}\n"
	"                {{ item['text'] | trim }}\n"
	"            {%- endif -%}\n"
	"        {%- endfor -%}\n"
	"    {%- else -%}\n"
	"        {{ raise_exception(\"Invalid content type\") }}\n"
	"    {%- endif -%}\n"
	"    {{ '<end_of_turn>\n"
	"' }}\n"
	"{%- endfor -%}\n"
	"{%- if add_generation_prompt -%}\n"
	"    {{'<start_of_turn>model\n"
	"'}}\n"
	"{%- endif -%}\n"
	"";

/* Phi-3.5-mini-instruct. */
static const char tpl_phi3[] =
	"{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}";

static const char *const chatml_tokens[] = { "<|im_start|>", "<|im_end|>", NULL };
static const char *const llama3_tokens[] = { "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", NULL };
static const char *const mistral_tokens[] = { "<s>", "</s>", NULL };
static const char *const gemma_tokens[] = { "<bos>", "<start_of_turn>", "<end_of_turn>", NULL };
static const char *const phi3_tokens[] = { "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|endoftext|>", NULL };

const struct chat_builtin chat_builtins[] = {
	{ "chatml", tpl_chatml, NULL, "<|im_end|>", chatml_tokens },
	{ "llama3", tpl_llama3, "<|begin_of_text|>", "<|eot_id|>", llama3_tokens },
	{ "mistral", tpl_mistral, "<s>", "</s>", mistral_tokens },
	{ "gemma", tpl_gemma, "<bos>", "<eos>", gemma_tokens },
	{ "phi3", tpl_phi3, "<s>", "<|endoftext|>", phi3_tokens },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct chat_builtin *chat_builtin_find(const char *name)
{
	for (const struct chat_builtin *b = chat_builtins; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}
