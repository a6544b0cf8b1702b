/*
 * grist tokenize: JSONL records -> token ids with a byte-level BPE vocabulary.
 *
 * Output is the binary token stream of lib/tokstream.h (docs/design.md section 3) by default, or
 * with --to jsonl one line per record, {"id":ID,"tokens":[...]}. --decode turns a token stream
 * or such JSONL back into {"id":ID,"text":"..."} records. Records are encoded in batches on -j N
 * threads and emitted in input order, so the output does not depend on N.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "builtin.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"
#include "lib/tokstream.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/chat_tok.h"
#include "tokenize/tok_bpe.h"
#include "tokenize/tok_stats.h"

enum out_format { OUT_STREAM, OUT_JSONL, OUT_TEXT };
enum eot_place { EOT_NONE, EOT_BEFORE, EOT_AFTER };

struct tokenize {
	struct common_opts co;
	const char *tokenizer;
	const char *pattern;
	const char *eot_token;
	enum out_format to;
	enum eot_place eot;
	int allow_special;
	int add_special;
	int use_fast;
	int decode;
	size_t batch_bytes;
	struct tok_vocab vocab;
	struct tok_encoder enc;
	uint32_t eot_id;
	struct stage_run run;
	struct tokstream_writer tw;
	uint64_t tokens;
	struct name_list names;
	struct tok_ids emit_ids;
	char *search;   /* held here (static storage) so a die() leaves nothing unreachable */
	struct buf err;
	const char *chat_template; /* --chat-template: records are conversations (chat_tok.h) */
	struct chat_tpl chat;
	struct tok_stats *tstats; /* with --stats: per language, chat (tok_stats.h) */
};

static const char *const rule_bad_utf8 = "invalid_utf8";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist tokenize -t TOKENIZER [OPTIONS] [FILE...|-]\n"
		"       grist tokenize --decode -t TOKENIZER [FILE|-]\n\n"
		"Encode the text of JSONL records with a BPE vocabulary or a tokenizer.json (BPE,\n"
		"WordPiece, WordLevel or Unigram model), exactly as tiktoken and HuggingFace tokenizers\n"
		"do.\n\n"
		"Tokenize options:\n"
		"  -t, --tokenizer T     a name (gpt2, cl100k_base, o200k_base: installed by `make vocabs`,\n"
		"                        searched in $GRIST_VOCABS, then vocabs/ beside the binary and in\n"
		"                        the current directory) or a file: NAME.tiktoken, tokenizer.json,\n"
		"                        or encoder.json with vocab.bpe beside it (required)\n"
		"  --pattern P           pre-tokenization regex of a .tiktoken file: gpt2, cl100k, o200k\n"
		"                        or a regex (default: from NAME.tiktoken.json or the file's name)\n"
		"  --to FMT              stream|jsonl (default: stream, the binary token stream)\n"
		"  --eot before|after    --to jsonl: add the end-of-text id before/after each document\n"
		"                        (default: none; the token stream never carries it)\n"
		"  --eot-token TOKEN     the end-of-text token (default: <|endoftext|> when present)\n"
		"  --allow-special       special tokens in the text become their ids (default: text)\n"
		"  --add-special         add the tokenizer.json post-processor's tokens (e.g. BOS)\n"
		"                        around each document (default: off; shard adds end-of-text)\n"
		"  --splitter S          auto|pcre2: hand-written pre-splitter for known patterns, or\n"
		"                        PCRE2 for all (default: auto)\n"
		"  --decode              read a token stream or {\"tokens\":[...]} JSONL, write\n"
		"                        {\"id\":...,\"text\":...} JSONL\n"
		"  --batch-bytes N       input bytes per work batch for -j (default: 1M)\n\n"
		"Chat options (records {\"messages\":[{\"role\",\"content\"},...]}, docs/chat.md):\n"
		"  --chat-template T     render each conversation with T: chatml, llama3, mistral, gemma,\n"
		"                        phi3, a tokenizer_config.json or a Jinja file; the token stream\n"
		"                        then carries a loss mask\n"
		"  --train-on W          assistant|all|last: tokens the mask marks (default: assistant)\n"
		"  --content-specials M  text|parse: special-token text inside message content stays\n"
		"                        text, or becomes the token as HuggingFace does (default: text)\n"
		"  --to text             write the rendered conversations, {\"id\":...,\"text\":...}\n"
		"                        (-t optional)\n");
	common_opts_help(f, 1);
	fprintf(f, "\nExamples:\n"
		   "  grist tokenize -t cl100k_base docs.jsonl | grist shard --format llmc -o out/fw\n"
		   "  grist tokenize -t model_dir/tokenizer.json --to jsonl docs.jsonl | head\n"
		   "  grist tokenize -t tok.json --chat-template chatml chat.jsonl > chat.tok\n");
}

char *tok_vocab_default_search_path(void)
{
	struct buf p = BUF_INIT;
	const char *env = getenv("GRIST_VOCABS");
	if (env && *env)
		buf_addf(&p, "%s:", env);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			buf_addf(&p, "%s/vocabs:%s/../share/grist/vocabs:%s/../../vocabs:", exe, exe, exe);
		}
	}
	buf_addstr(&p, "vocabs");
	return buf_detach(&p, NULL);
}

/* ---- encoding ---- */

struct tok_thread {
	struct tok_state *st;
	struct record_check check;
	struct buf text, id, err;
	struct tok_ids ids;
	struct chat_work chat;
	struct buf mask;
	struct tok_stats *tstats;
};

static void *thread_new(void *shared)
{
	struct tokenize *tk = shared;
	struct tok_thread *t = xcalloc(1, sizeof(*t));
	t->st = tk->to == OUT_TEXT ? NULL : tok_state_new(&tk->enc);
	if (tk->chat_template)
		chat_work_init(&t->chat);
	buf_init(&t->text, 0);
	record_check_init(&t->check);
	if (tk->chat_template)
		t->check.chat = &t->chat.chat; /* records without text but with messages: RECORD_CHAT */
	buf_init(&t->id, 0);
	buf_init(&t->err, 0);
	t->tstats = tk->tstats ? tok_stats_new(tk->tstats) : NULL;
	return t;
}

static void thread_free(void *p)
{
	struct tok_thread *t = p;
	tok_state_free(t->st);
	buf_release(&t->text);
	record_check_release(&t->check);
	buf_release(&t->id);
	buf_release(&t->err);
	tok_ids_release(&t->ids);
	if (t->chat.cx)
		chat_work_release(&t->chat);
	buf_release(&t->mask);
	tok_stats_free(t->tstats); /* into tk->tstats */
	free(t);
}

/* Per-document record in a batch's out buffer until the emitter writes it:
 * u32 id length, u32 token count, id bytes, u32 ids (host order). */
static void put_u32(struct buf *b, uint32_t x)
{
	buf_add(b, &x, 4);
}

static void emit_doc(struct tokenize *tk, struct batch *b, const struct buf *id, const struct tok_ids *ids,
		     const struct buf *mask)
{
	if (tk->to == OUT_STREAM) {
		put_u32(&b->out, (uint32_t)id->len);
		put_u32(&b->out, (uint32_t)ids->n);
		buf_add(&b->out, id->data, id->len);
		buf_add(&b->out, ids->v, ids->n * sizeof(uint32_t));
		if (mask)
			buf_add(&b->out, mask->data, ids->n);
		return;
	}
	buf_addstr(&b->out, "{\"id\":");
	json_string_encode(&b->out, id->data, id->len);
	buf_addstr(&b->out, ",\"tokens\":[");
	int first = 1;
	if (tk->eot == EOT_BEFORE) {
		buf_addf(&b->out, "%u", tk->eot_id);
		first = 0;
	}
	for (size_t i = 0; i < ids->n; i++) {
		if (!first)
			buf_addch(&b->out, ',');
		first = 0;
		char tmp[16];
		int n = 0;
		uint32_t x = ids->v[i];
		char *e = tmp + sizeof(tmp);
		do {
			*--e = (char)('0' + x % 10);
			x /= 10;
			n++;
		} while (x);
		buf_add(&b->out, e, (size_t)n);
	}
	if (tk->eot == EOT_AFTER)
		buf_addf(&b->out, "%s%u", first ? "" : ",", tk->eot_id);
	buf_addch(&b->out, ']');
	if (mask)
		chat_mask_json(&b->out, mask, tk->eot != EOT_NONE, tk->eot == EOT_BEFORE);
	buf_addstr(&b->out, "}\n");
}

static void record_id(struct buf *id, const struct batch *b, const struct line *l, const struct record *r)
{
	buf_reset(id);
	if (r->has_id && r->id.type == JV_STRING)
		json_string_decode(id, r->id.val + 1, r->id.val_len - 2);
	else if (r->has_id)
		buf_add(id, r->id.val, r->id.val_len);
	else
		buf_addf(id, "%s:%llu", b->source, (unsigned long long)l->lineno);
}

/* --chat-template: a record is a conversation; render, tokenize, mask (chat_tok.c). */
static int chat_line(struct tokenize *tk, struct tok_thread *t, struct batch *b, const struct line *l,
		     const struct record *r)
{
	const char *rule = NULL;
	int code = 0;
	buf_reset(&t->err);
	enum chat_result res = chat_tok_record(&tk->chat, &t->chat, t->st, r->line, r->len, &t->ids,
					       &t->mask, &rule, &t->err, &code);
	if (res == CHAT_TOK_FATAL) {
		buf_addf(&b->fatal, "%s:%llu: %s", b->source, (unsigned long long)l->lineno, t->err.data);
		b->fatal_code = code;
		return -1;
	}
	if (res == CHAT_TOK_REJECT) {
		/* (--max-doc-bytes was applied to the contents by stage_check_record) */
		struct buf v = BUF_INIT;
		if (t->err.len)
			json_string_encode(&v, t->err.data, t->err.len);
		counts_reject(&b->counts, rule);
		reject_write(&b->rejects, "tokenize", rule, v.len ? v.data : NULL, b->source, l->lineno,
			     r->line, r->len, 0, NULL);
		buf_release(&v);
		return 0;
	}
	record_id(&t->id, b, l, r);
	counts_text_length(&b->counts, t->chat.out.text.len);
	b->counts.records_out++;
	if (tk->to == OUT_TEXT) {
		buf_addstr(&b->out, "{\"id\":");
		json_string_encode(&b->out, t->id.data, t->id.len);
		buf_addstr(&b->out, ",\"text\":");
		json_string_encode(&b->out, t->chat.out.text.data, t->chat.out.text.len);
		buf_addstr(&b->out, "}\n");
		return 0;
	}
	b->user = (void *)((uintptr_t)b->user + t->ids.n);
	if (t->tstats) {
		tok_stats_doc(t->tstats, r, t->chat.out.text.len, t->ids.n);
		tok_stats_chat(t->tstats, t->chat.chat.n, (const unsigned char *)t->mask.data, t->ids.n);
	}
	emit_doc(tk, b, &t->id, &t->ids, &t->mask);
	return 0;
}

static int tokenize_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct tokenize *tk = shared;
	struct tok_thread *t = thread_state;
	const struct common_opts *o = &tk->co;
	struct record r;
	buf_reset(&t->text);
	enum record_verdict verdict = stage_check_record(b, o, l, &r, &t->check);
	if (verdict == RECORD_CHAT || (tk->chat_template && verdict == RECORD_KEEP))
		return chat_line(tk, t, b, l, &r); /* rejects a record without messages */
	switch (verdict) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "tokenize", l, &r, &t->check);
		return 0;
	case RECORD_EMPTY: /* --on-missing=empty: a document of no tokens */
		break;
	case RECORD_CHAT:
		BUG("a conversation outside --chat-template");
	case RECORD_KEEP:
		record_text(&r, &t->text);
		break;
	}
	record_id(&t->id, b, l, &r);
	t->ids.n = 0;
	buf_reset(&t->err);
	for (size_t i = 0; tk->add_special && i < tk->vocab.n_bos; i++)
		tok_ids_push(&t->ids, tk->vocab.bos_ids[i]);
	if (tok_encode(t->st, t->text.data, t->text.len, tk->allow_special, &t->ids, &t->err)) {
		/* Text decoded from valid JSON is valid UTF-8 except for NUL-free surrogate
		 * escapes, which the record layer already replaced; this is a safety net. */
		counts_reject(&b->counts, rule_bad_utf8);
		reject_write(&b->rejects, "tokenize", rule_bad_utf8, NULL, b->source, l->lineno, r.line, r.len, 0, NULL);
		buf_addf(&b->warnings, "%s:%llu: %s (skipped)\n", b->source, (unsigned long long)l->lineno, t->err.data);
		return 0;
	}
	for (size_t i = 0; tk->add_special && i < tk->vocab.n_eos; i++)
		tok_ids_push(&t->ids, tk->vocab.eos_ids[i]);
	counts_text_length(&b->counts, t->text.len);
	b->user = (void *)((uintptr_t)b->user + t->ids.n); /* tokens in this batch */
	if (t->tstats)
		tok_stats_doc(t->tstats, &r, t->text.len, t->ids.n);
	emit_doc(tk, b, &t->id, &t->ids, NULL);
	b->counts.records_out++;
	return 0;
}

static void tokenize_work(void *shared, void *thread_state, struct batch *b)
{
	b->user = NULL;
	batch_each_line(b, tokenize_line, shared, thread_state);
}

static void tokenize_emit(void *shared, struct batch *b)
{
	struct tokenize *tk = shared;
	if (tk->to == OUT_STREAM) {
		struct buf err = BUF_INIT;
		uint64_t before = tk->run.out->bytes;
		for (size_t pos = 0; pos < b->out.len;) {
			uint32_t idlen, n;
			memcpy(&idlen, b->out.data + pos, 4);
			memcpy(&n, b->out.data + pos + 4, 4);
			const char *id = b->out.data + pos + 8;
			tk->emit_ids.n = 0; /* an aligned copy of the ids */
			ALLOC_GROW(tk->emit_ids.v, (size_t)n + 1, tk->emit_ids.alloc);
			memcpy(tk->emit_ids.v, id + idlen, (size_t)n * 4);
			const unsigned char *mask = tk->chat_template ? (const unsigned char *)id + idlen + (size_t)n * 4 : NULL;
			if (tokstream_write_doc(&tk->tw, id, idlen, tk->emit_ids.v, n, mask, &err))
				die(GRIST_EXIT_INTERNAL, "%s", err.data);
			pos += 8 + idlen + (size_t)n * (mask ? 5 : 4);
		}
		buf_release(&err);
		b->out.len = 0;
		b->counts.bytes_out += tk->run.out->bytes - before;
	}
	tk->tokens += (uintptr_t)b->user;
	stage_emit(&tk->run, b);
}

/* ---- decoding ---- */

static void decode_write(struct tokenize *tk, struct output *out, const char *id, size_t id_len,
			 const uint32_t *ids, size_t n, const char *where)
{
	struct buf text = BUF_INIT, err = BUF_INIT, line = BUF_INIT, fixed = BUF_INIT;
	if (tok_decode(&tk->vocab, ids, n, &text, &err))
		die(GRIST_EXIT_DATA, "%s: %s", where, err.data);
	/* A token sequence may end inside a UTF-8 character; JSON needs valid text. */
	if (utf8_repair(&fixed, text.data, text.len))
		warning("%s: decoded bytes are not valid UTF-8; replaced by U+FFFD", where);
	buf_addstr(&line, "{\"id\":");
	json_string_encode(&line, id, id_len);
	buf_addstr(&line, ",\"text\":");
	json_string_encode(&line, fixed.data, fixed.len);
	buf_addstr(&line, "}\n");
	output_write(out, line.data, line.len);
	buf_release(&text);
	buf_release(&err);
	buf_release(&line);
	buf_release(&fixed);
}

static int decode_main(struct tokenize *tk, int argc, char **argv)
{
	struct output fo, *out = output_stdout();
	if (tk->co.output) {
		output_open(&fo, tk->co.output);
		out = &fo;
	}
	int nin = argc - optind;
	for (int a = nin ? optind : -1; a < argc; a++) {
		const char *path = a < 0 ? "-" : argv[a];
		struct source src;
		struct buf err = BUF_INIT, all = BUF_INIT, where = BUF_INIT;
		if (source_open_input(&src, path, 0, &err) < 0 || source_read_all(&src, &all, UINT64_MAX, &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
		if (all.len >= 8 && !memcmp(all.data, TOKSTREAM_MAGIC, 8)) {
			struct tokstream_mem mem = { all.data, all.len, 0 };
			struct tokstream_reader r;
			struct tokstream_doc d;
			int rc;
			if (tokstream_reader_open(&r, tokstream_source_mem, &mem, path, &err))
				die(GRIST_EXIT_DATA, "%s", err.data);
			if (r.h.vocab_size > tk->vocab.n_ids)
				warning("%s: stream vocab size %u is larger than the tokenizer's %u",
					path, r.h.vocab_size, tk->vocab.n_ids);
			while ((rc = tokstream_reader_next(&r, &d, &err)) == 1) {
				buf_reset(&where);
				buf_addf(&where, "%s: document %llu", path, (unsigned long long)d.index);
				decode_write(tk, out, d.id, d.id_len, d.ids, d.ntokens, where.data);
			}
			if (rc < 0)
				die(GRIST_EXIT_DATA, "%s", err.data);
			tokstream_reader_release(&r);
		} else {
			uint64_t lineno = 0;
			for (size_t pos = 0; pos < all.len;) {
				const char *p = all.data + pos;
				const char *nl = memchr(p, '\n', all.len - pos);
				size_t n = nl ? (size_t)(nl - p) : all.len - pos;
				pos += n + (nl ? 1 : 0);
				lineno++;
				size_t k = 0;
				while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
					k++;
				if (k == n)
					continue;
				buf_reset(&where);
				buf_addf(&where, "%s:%llu", path, (unsigned long long)lineno);
				json_error_t je;
				json_t *j = json_loadb(p, n, JSON_ALLOW_NUL, &je);
				json_t *toks = json_object_get(j, "tokens");
				if (!json_is_array(toks))
					die(GRIST_EXIT_DATA, "%s: expected an object with a \"tokens\" array", where.data);
				struct tok_ids ids = { 0 };
				size_t i;
				json_t *x;
				json_array_foreach(toks, i, x) {
					if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > UINT32_MAX)
						die(GRIST_EXIT_DATA, "%s: tokens[%zu] is not a token id", where.data, i);
					tok_ids_push(&ids, (uint32_t)json_integer_value(x));
				}
				json_t *id = json_object_get(j, "id");
				const char *ids_s = json_is_string(id) ? json_string_value(id) : where.data;
				size_t ids_n = json_is_string(id) ? json_string_length(id) : where.len;
				decode_write(tk, out, ids_s, ids_n, ids.v, ids.n, where.data);
				tok_ids_release(&ids);
				json_decref(j);
			}
		}
		source_close(&src);
		buf_release(&err);
		buf_release(&all);
		buf_release(&where);
		if (a < 0)
			break;
	}
	if (out != output_stdout())
		output_close(out);
	return GRIST_EXIT_OK;
}

/* Load --chat-template; returns 1 when the run is render-only (--to text, no tokenizer). */
static int chat_setup(struct tokenize *tk)
{
	int code = 0;
	if (chat_tpl_load(&tk->chat, tk->chat_template, tk->tokenizer, &tk->err, &code))
		die(code, "%s", tk->err.data);
	return tk->to == OUT_TEXT;
}

static int chat_render_main(struct tokenize *tk, int argc, char **argv)
{
	stage_run_init(&tk->run, "tokenize", &tk->co, argc, argv);
	stats_option_str(&tk->run.stats, "chat_template", tk->chat_template);
	struct par_config pc = {
		.jobs = tk->co.jobs, .work = tokenize_work, .emit = tokenize_emit, .shared = tk,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	struct par *par = par_new(&pc);
	stage_read_inputs(&tk->run, par, argc, argv, optind, tk->batch_bytes, 0, &tk->names);
	par_finish(par);
	int rc = stage_run_finish(&tk->run);
	name_list_release(&tk->names);
	chat_tpl_free(&tk->chat);
	buf_release(&tk->err);
	return rc;
}

enum {
	OPT_PATTERN = OPT_STAGE_BASE, OPT_TO, OPT_EOT, OPT_EOT_TOKEN, OPT_ALLOW_SPECIAL, OPT_DECODE,
	OPT_SPLITTER, OPT_BATCH_BYTES, OPT_CHAT_TEMPLATE, OPT_TRAIN_ON, OPT_CONTENT_SPECIALS,
	OPT_ADD_SPECIAL,
};

static const struct option tokenize_longopts[] = {
	COMMON_LONG_OPTIONS,
	RECORD_LONG_OPTIONS,
	{ "tokenizer", required_argument, 0, 't' },
	{ "pattern", required_argument, 0, OPT_PATTERN },
	{ "to", required_argument, 0, OPT_TO },
	{ "eot", required_argument, 0, OPT_EOT },
	{ "eot-token", required_argument, 0, OPT_EOT_TOKEN },
	{ "allow-special", no_argument, 0, OPT_ALLOW_SPECIAL },
	{ "add-special", no_argument, 0, OPT_ADD_SPECIAL },
	{ "decode", no_argument, 0, OPT_DECODE },
	{ "splitter", required_argument, 0, OPT_SPLITTER },
	{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
	{ "chat-template", required_argument, 0, OPT_CHAT_TEMPLATE },
	{ "train-on", required_argument, 0, OPT_TRAIN_ON },
	{ "content-specials", required_argument, 0, OPT_CONTENT_SPECIALS },
	{ 0, 0, 0, 0 },
};

/* The options with a word for a value; dies naming the option on any other word. */
static void set_word_opt(struct tokenize *tk, int c, const char *arg)
{
	switch (c) {
	case OPT_TO:
		if (!strcmp(arg, "stream")) tk->to = OUT_STREAM;
		else if (!strcmp(arg, "jsonl")) tk->to = OUT_JSONL;
		else if (!strcmp(arg, "text")) tk->to = OUT_TEXT;
		else die(GRIST_EXIT_USAGE, "--to expects stream, jsonl or text, got '%s'", arg);
		break;
	case OPT_EOT:
		if (!strcmp(arg, "before")) tk->eot = EOT_BEFORE;
		else if (!strcmp(arg, "after")) tk->eot = EOT_AFTER;
		else if (!strcmp(arg, "none")) tk->eot = EOT_NONE;
		else die(GRIST_EXIT_USAGE, "--eot expects before, after or none, got '%s'", arg);
		break;
	case OPT_SPLITTER:
		if (!strcmp(arg, "auto")) tk->use_fast = 1;
		else if (!strcmp(arg, "pcre2")) tk->use_fast = 0;
		else die(GRIST_EXIT_USAGE, "--splitter expects auto or pcre2, got '%s'", arg);
		break;
	case OPT_TRAIN_ON:
		if (!strcmp(arg, "assistant")) tk->chat.train_on = CHAT_TRAIN_ASSISTANT;
		else if (!strcmp(arg, "all")) tk->chat.train_on = CHAT_TRAIN_ALL;
		else if (!strcmp(arg, "last")) tk->chat.train_on = CHAT_TRAIN_LAST;
		else die(GRIST_EXIT_USAGE, "--train-on expects assistant, all or last, got '%s'", arg);
		break;
	case OPT_CONTENT_SPECIALS:
		if (!strcmp(arg, "text")) tk->chat.content_specials = 0;
		else if (!strcmp(arg, "parse")) tk->chat.content_specials = 1;
		else die(GRIST_EXIT_USAGE, "--content-specials expects text or parse, got '%s'", arg);
		break;
	}
}

/* One tokenize option (not a common one); 0 when c is not a tokenize option. */
static int tokenize_opt(void *ctx, int c, const char *arg)
{
	struct tokenize *tk = ctx;
	switch (c) {
	case 't': tk->tokenizer = arg; return 1;
	case OPT_PATTERN: tk->pattern = arg; return 1;
	case OPT_EOT_TOKEN: tk->eot_token = arg; return 1;
	case OPT_ALLOW_SPECIAL: tk->allow_special = 1; return 1;
	case OPT_DECODE: tk->decode = 1; return 1;
	case OPT_ADD_SPECIAL: tk->add_special = 1; return 1;
	case OPT_BATCH_BYTES: tk->batch_bytes = opts_batch_bytes(arg); return 1;
	case OPT_CHAT_TEMPLATE: tk->chat_template = arg; return 1;
	case OPT_TO: case OPT_EOT: case OPT_SPLITTER: case OPT_TRAIN_ON: case OPT_CONTENT_SPECIALS:
		set_word_opt(tk, c, arg);
		return 1;
	}
	return 0;
}

/* Parses the command line into tk; returns 0, or GRIST_EXIT_USAGE for an unknown option. */
static int parse_opts(struct tokenize *tk, int argc, char **argv)
{
	common_opts_init(&tk->co);
	tk->use_fast = 1;
	tk->batch_bytes = 1u << 20;
	return opts_parse(&tk->co, argc, argv, COMMON_SHORT_OPTIONS "t:", tokenize_longopts, usage,
			  tokenize_opt, tk);
}

/* Option combinations that cannot work, refused before anything is read. */
static void validate_opts(const struct tokenize *tk)
{
	if (tk->to == OUT_TEXT && !tk->chat_template)
		die(GRIST_EXIT_USAGE, "--to text needs --chat-template");
	size_t olen = tk->co.output ? strlen(tk->co.output) : 0;
	if (tk->to == OUT_STREAM && !tk->decode && olen >= 8 && !strcmp(tk->co.output + olen - 8, ".parquet"))
		die(GRIST_EXIT_USAGE, "-o %s: the token stream is binary, Parquet holds records; use "
		    "--to jsonl for {\"id\",\"tokens\"} rows, or grist shard for training files",
		    tk->co.output);
}

/* After --chat-template's render-only case: what encoding and decoding need. */
static void validate_encode_opts(const struct tokenize *tk)
{
	if (!tk->tokenizer)
		die(GRIST_EXIT_USAGE, "-t TOKENIZER is required (e.g. -t cl100k_base)");
	if (tk->eot != EOT_NONE && tk->to != OUT_JSONL)
		die(GRIST_EXIT_USAGE, "--eot applies to --to jsonl only (the token stream never carries "
				      "end-of-text: shard adds it)");
}

/* Loads -t, refuses what the options need and the file lacks, finds the end-of-text id. */
static void load_tokenizer(struct tokenize *tk)
{
	int unsupported = 0;
	buf_init(&tk->err, 0);
	tk->search = tok_vocab_default_search_path();
	if (tok_vocab_load(&tk->vocab, tk->tokenizer, tk->search, tk->pattern, &tk->err, &unsupported))
		die(unsupported ? GRIST_EXIT_UNSUPPORTED : GRIST_EXIT_USAGE, "%s", tk->err.data);
	free(tk->search);
	tk->search = NULL;
	if (tk->allow_special && tk->vocab.special_unsupported)
		die(GRIST_EXIT_UNSUPPORTED, "%s: unsupported: --allow-special with %s", tk->vocab.path,
		    tk->vocab.special_unsupported);
	if (tk->add_special && tk->vocab.post_unsupported)
		die(GRIST_EXIT_UNSUPPORTED, "%s: unsupported: --add-special with %s", tk->vocab.path,
		    tk->vocab.post_unsupported);
	if (tk->decode && tk->vocab.dec_unsupported)
		die(GRIST_EXIT_UNSUPPORTED, "%s: unsupported: --decode with %s", tk->vocab.path,
		    tk->vocab.dec_unsupported);
	tk->eot_id = tk->vocab.eot_id;
	if (tk->eot_token) {
		tk->eot_id = tok_vocab_find(&tk->vocab, tk->eot_token, strlen(tk->eot_token));
		if (tk->eot_id == TOK_NONE)
			die(GRIST_EXIT_USAGE, "--eot-token '%s' is not in %s", tk->eot_token, tk->vocab.path);
	}
	if (tk->eot != EOT_NONE && tk->eot_id == TOK_NONE)
		die(GRIST_EXIT_USAGE, "%s has no <|endoftext|>: name the end-of-text token with --eot-token",
		    tk->vocab.path);
}

/* Stats options and the token stream's header (docs/design.md section 3). */
static void start_output(struct tokenize *tk, int argc, char **argv)
{
	stage_run_init(&tk->run, "tokenize", &tk->co, argc, argv);
	stats_option_str(&tk->run.stats, "tokenizer", tk->tokenizer);
	stats_option_str(&tk->run.stats, "to", tk->to == OUT_JSONL ? "jsonl" : "stream");
	stats_option_num(&tk->run.stats, "allow_special", tk->allow_special);
	if (tk->to != OUT_STREAM)
		return;
	struct tokstream_header h;
	tokstream_header_init(&h, tk->tokenizer, tk->vocab.file_hash, tk->vocab.n_ids,
			      tk->eot_id == TOK_NONE ? TOKSTREAM_NO_EOT : tk->eot_id,
			      tk->chat_template ? TOKSTREAM_F_MASK : 0);
	if (tokstream_writer_init(&tk->tw, &h, tokstream_sink_output, tk->run.out, &tk->err))
		die(GRIST_EXIT_INTERNAL, "%s", tk->err.data);
	tokstream_header_release(&h);
}

/* Encodes every input on -j threads, writes the stream's end marker and the summary. */
static int encode_main(struct tokenize *tk, int argc, char **argv)
{
	if (tok_encoder_init(&tk->enc, &tk->vocab, tk->use_fast, &tk->err))
		die(GRIST_EXIT_USAGE, "%s: %s", tk->vocab.path, tk->err.data);
	if (tk->chat_template && chat_tpl_bind(&tk->chat, &tk->vocab, &tk->err))
		die(GRIST_EXIT_USAGE, "%s", tk->err.data);
	start_output(tk, argc, argv);
	struct par_config pc = {
		.jobs = tk->co.jobs, .work = tokenize_work, .emit = tokenize_emit, .shared = tk,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	tk->tstats = tk->co.stats_path ? tok_stats_new(NULL) : NULL;
	struct par *par = par_new(&pc);
	stage_read_inputs(&tk->run, par, argc, argv, optind, tk->batch_bytes, 0, &tk->names);
	par_finish(par);
	if (tk->to == OUT_STREAM) {
		if (tokstream_writer_finish(&tk->tw, &tk->err))
			die(GRIST_EXIT_IO, "%s", tk->err.data);
		tokstream_writer_release(&tk->tw);
	}
	buf_addf(&tk->run.stats.stage_json, "\"tokens\":%llu,\"vocab_size\":%u",
		 (unsigned long long)tk->tokens, tk->vocab.n_ids);
	if (tk->tstats)
		tok_stats_render(tk->tstats, &tk->run.stats.stage_json);
	tok_stats_free(tk->tstats);
	int rc = stage_run_finish(&tk->run);
	tok_encoder_free(&tk->enc);
	tok_vocab_free(&tk->vocab);
	tok_ids_release(&tk->emit_ids);
	name_list_release(&tk->names);
	chat_tpl_free(&tk->chat);
	buf_release(&tk->err);
	return rc;
}

int cmd_tokenize(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "train")) {
		grist_progname = "grist tokenize train";
		return cmd_tokenize_train(argc - 1, argv + 1);
	}
	static struct tokenize tk; /* static: a die() leaves nothing unreachable */
	memset(&tk, 0, sizeof(tk));
	int rc = parse_opts(&tk, argc, argv);
	if (rc)
		return rc;
	validate_opts(&tk);
	if (tk.chat_template && chat_setup(&tk))
		return chat_render_main(&tk, argc, argv);
	validate_encode_opts(&tk);
	load_tokenizer(&tk);
	if (tk.decode) {
		rc = decode_main(&tk, argc, argv);
		tok_vocab_free(&tk.vocab);
		buf_release(&tk.err);
		return rc;
	}
	return encode_main(&tk, argc, argv);
}
