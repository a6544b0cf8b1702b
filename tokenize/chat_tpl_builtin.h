/* Built-in chat templates (tokenize/chat_tpl_builtin.c). */
#ifndef GRIST_CHAT_TPL_BUILTIN_H
#define GRIST_CHAT_TPL_BUILTIN_H

struct chat_builtin {
	const char *name;
	const char *source;    /* the published Jinja template */
	const char *bos, *eos; /* NULL: none */
	const char *const *tokens; /* added tokens it writes: each must be in the vocabulary */
};

extern const struct chat_builtin chat_builtins[];
const struct chat_builtin *chat_builtin_find(const char *name);

#endif
