/*
 * Unit tests for clean's languages: ICU word segmentation against hand-checked examples in
 * each script it serves (Chinese, Japanese, Thai, Lao, Khmer, Burmese); the stop-word table's
 * content (known words per language) and sources; per-language configs (English keeps
 * Gopher's values; German its own; unknown languages skip the language-dependent rules and
 * say so); [lang.xx] overrides; --lang name resolution; terminal punctuation of other scripts.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean_filter.h"
#include "clean/clean_lang.h"
#include "clean/clean_segment.h"

/* Pieces of s joined by '|'. */
static void segment(struct clean_segmenter *sg, const char *s, char *out, size_t cap)
{
	const uint32_t *ends;
	size_t k = clean_segment(sg, s, strlen(s), &ends), from = 0, o = 0;
	for (size_t p = 0; p < k; p++) {
		o += (size_t)snprintf(out + o, cap - o, "%s%.*s", p ? "|" : "",
				      (int)(ends[p] - from), s + from);
		from = ends[p];
	}
}

TEST(icu_segmentation)
{
	/* ICU 72's dictionaries; punctuation joins the word before it */
	static const char *const cases[][2] = {
		{ "我们今天去北京大学。", "我们|今天|去|北京|大学。" },
		{ "私は東京に住んでいます。", "私|は|東京|に|住|んで|い|ます。" },
		{ "「こんにちは」と言った。", "「こんにちは」|と|言|っ|た。" },
		{ "ฉันรักภาษาไทย", "ฉัน|รัก|ภาษา|ไทย" },
		{ "ຂ້ອຍຮັກເຈົ້າ", "ຂ້ອຍ|ຮັກ|ເຈົ້າ" },
		{ "ខ្ញុំស្រលាញ់អ្នក", "ខ្ញុំ|ស្រលាញ់|អ្នក" },
		{ "ကျွန်တော်ချစ်တယ်", "ကျွန်တော်|ချစ်|တယ်" },
		{ "2024年の夏", "2024|年|の|夏" },
	};
	struct clean_segmenter *sg = clean_segmenter_new();
	CHECK(sg != NULL);
	if (!sg)
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char got[512];
		segment(sg, cases[i][0], got, sizeof(got));
		CHECK(!strcmp(got, cases[i][1]));
		if (strcmp(got, cases[i][1]))
			fprintf(stderr, "  %s -> %s, expected %s\n", cases[i][0], got, cases[i][1]);
	}
	CHECK(clean_has_nospace("abc 中", strlen("abc 中")));
	CHECK(!clean_has_nospace("Größe привет", strlen("Größe привет")));
	clean_segmenter_free(sg);
}

static int has_stop(const char *code, const char *word)
{
	const struct clean_lang_entry *e = clean_lang_find(code);
	struct clean_stopset *s = clean_stopset_from_entry(e);
	char low[128];
	size_t l = clean_lang_lower(word, strlen(word), low, sizeof(low));
	int r = s && l && clean_stopset_has(s, low, l);
	clean_stopset_free(s);
	return r;
}

TEST(stop_word_table)
{
	size_t with_list = 0;
	for (size_t i = 0; i < clean_lang_table_len; i++)
		with_list += clean_lang_table[i].stop != NULL;
	CHECK(with_list >= 50);
	/* English is Gopher's eight words, nothing more */
	const struct clean_lang_entry *en = clean_lang_find("en");
	CHECK(en && en->nstop == 8 && en->min_mean == 3 && en->max_mean == 10);
	CHECK(has_stop("en", "The") && has_stop("en", "with") && !has_stop("en", "from"));
	static const char *const known[][2] = {
		{ "de", "und" }, { "de", "Nicht" }, { "fr", "le" }, { "fr", "être" }, { "es", "para" },
		{ "it", "della" }, { "ru", "не" }, { "ru", "Это" }, { "pl", "się" }, { "cs", "že" },
		{ "nl", "het" }, { "pt", "não" }, { "zh", "我们" }, { "ja", "これ" }, { "ar", "في" },
		{ "hi", "और" }, { "el", "και" }, { "tr", "ve" }, { "th", "และ" }, { "fi", "ja" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		CHECK(has_stop(known[i][0], known[i][1]));
		if (!has_stop(known[i][0], known[i][1]))
			fprintf(stderr, "  %s lacks %s\n", known[i][0], known[i][1]);
	}
	CHECK(!has_stop("de", "Haus") && !has_stop("es", "0")); /* content words; no digits */
	/* where the lists and numbers come from */
	CHECK(!strcmp(clean_lang_find("de")->stop_source, "stopwords-iso 1.1.0"));
	CHECK(!strcmp(clean_lang_find("de")->param_source, "FineWeb-2 deu_Latn"));
	CHECK(!strncmp(en->stop_source, "Gopher", 6));
	FILE *f = fopen("clean/clean_langtab.c", "r");
	if (!f)
		f = fopen("../../../clean/clean_langtab.c", "r");
	CHECK(f != NULL);
	if (f) {
		char head[256] = "";
		CHECK(fread(head, 1, sizeof(head) - 1, f) > 0);
		CHECK(strstr(head, "GENERATED") && strstr(head, "stopwords-iso 1.1.0 (MIT)") &&
		      strstr(head, "Apache-2.0"));
		fclose(f);
	}
}

TEST(lang_names)
{
	char c[16];
	CHECK(clean_lang_resolve_name("EN", c) == 0 && !strcmp(c, "en"));
	CHECK(clean_lang_resolve_name("deu", c) == 0 && !strcmp(c, "de"));
	CHECK(clean_lang_resolve_name("ger", c) == 0 && !strcmp(c, "de"));
	CHECK(clean_lang_resolve_name("German", c) == 0 && !strcmp(c, "de"));
	CHECK(clean_lang_resolve_name("cmn", c) == 0 && !strcmp(c, "zh"));
	CHECK(clean_lang_resolve_name("iw", c) == 0 && !strcmp(c, "he"));
	CHECK(clean_lang_resolve_name("un", c) == 0 && !strcmp(c, "un"));
	CHECK(clean_lang_resolve_name("xx", c) < 0);
	CHECK(clean_lang_resolve_name("klingon", c) < 0);
	CHECK(clean_lang_resolve_name("", c) < 0);
}

TEST(language_configs)
{
	struct clean_filter_config g;
	struct clean_langset ls;
	struct buf err = BUF_INIT;
	clean_filter_config_init(&g);
	CHECK(clean_langset_build(&ls, &g, &err) == 0);
	const struct clean_filter_config *en = clean_langset_get(&ls, "en");
	CHECK(!strcmp(en->lang, "en") && en->stop_gopher);
	for (int p = 0; p < CP_COUNT; p++) /* English: exactly the global defaults */
		CHECK(en->v[p] == g.v[p] && en->off[p] == g.off[p] && !en->na[p]);
	const struct clean_filter_config *de = clean_langset_get(&ls, "de");
	CHECK(de->v[CP_G_MAX_MEAN_WORD_LEN] == 15 && de->stop && !de->stop_gopher);
	const struct clean_filter_config *un = clean_langset_get(&ls, "un");
	CHECK(un == clean_langset_get(&ls, "qq") && !un->stop);
	for (int p = 0; p < CP_COUNT; p++)
		CHECK(un->na[p] == clean_param_is_lang(p));
	CHECK(clean_langset_get(&ls, "th")->na[CP_C4_MIN_SENTENCES]);
	CHECK(strchr(clean_langset_get(&ls, "el")->extra_term, ';'));
	CHECK(strchr(clean_langset_get(&ls, "hy")->extra_term, ':'));
	/* ICU-segmented languages: FineWeb-2's n-gram thresholds; CJK: shorter short lines */
	const struct clean_filter_config *zh = clean_langset_get(&ls, "zh");
	CHECK(zh->v[CP_R_DUP_5GRAM] == 0.198 && zh->v[CP_F_SHORT_LINE_LEN] == 10 && !zh->na[CP_R_DUP_5GRAM]);
	CHECK(de->v[CP_R_DUP_5GRAM] == g.v[CP_R_DUP_5GRAM] && de->v[CP_F_SHORT_LINE_LEN] == 30);
	CHECK(un->v[CP_R_DUP_5GRAM] == g.v[CP_R_DUP_5GRAM] && !un->na[CP_R_DUP_5GRAM]);
	clean_langset_free(&ls);
	/* a global value applies to every language; [lang.xx] wins for xx */
	CHECK(clean_filter_config_set(&g, "gopher.max_mean_word_length", "12", &err) == 0);
	FILE *f = fopen("lang.cfg", "w");
	fputs("[lang.de]\ngopher.max_mean_word_length = 20\nstop_words = Haus, und\n"
	      "[lang.French]\ngopher.min_stop_words = 3\n[global]\ngopher.min_words = 40\n", f);
	fclose(f);
	CHECK(clean_filter_config_load(&g, "lang.cfg", &err) == 0);
	CHECK(clean_langset_build(&ls, &g, &err) == 0);
	de = clean_langset_get(&ls, "de");
	CHECK(de->v[CP_G_MAX_MEAN_WORD_LEN] == 20 && clean_stopset_size(de->stop) == 2);
	CHECK(clean_langset_get(&ls, "ru")->v[CP_G_MAX_MEAN_WORD_LEN] == 12);
	CHECK(clean_langset_get(&ls, "fr")->v[CP_G_MIN_STOP_WORDS] == 3);
	CHECK(clean_langset_get(&ls, "fr")->v[CP_G_MIN_WORDS] == 40);
	clean_langset_free(&ls);
	clean_filter_config_release(&g);
	/* only language-dependent parameters in a language section; unknown languages refused */
	clean_filter_config_init(&g);
	f = fopen("lang.cfg", "w");
	fputs("[lang.de]\ngopher.min_words = 3\n", f);
	fclose(f);
	buf_reset(&err);
	CHECK(clean_filter_config_load(&g, "lang.cfg", &err) < 0 && strstr(err.data, "lang.cfg:2:"));
	f = fopen("lang.cfg", "w");
	fputs("[lang.xx]\n", f);
	fclose(f);
	buf_reset(&err);
	CHECK(clean_filter_config_load(&g, "lang.cfg", &err) < 0 && strstr(err.data, "lang.xx"));
	clean_filter_config_release(&g);
	remove("lang.cfg");
	buf_release(&err);
}

static const struct clean_filter_config *fixed_lang(void *arg)
{
	return arg;
}

/* German prose: kept with German's parameters, rejected by English's (no English stop words). */
static const char german[] =
	"Die Stadt liegt in einem Tal, und sie ist von Bergen umgeben, auf denen im Sommer die "
	"Kühe weiden. Im Frühling kommen viele Besucher, um die blühenden Wiesen zu sehen.\n"
	"Die meisten Bauern stehen früh auf und arbeiten, bis die Sonne untergeht. Sie sagen, "
	"dass die Milch am Morgen am besten ist.\n"
	"In der Altstadt gibt es eine alte Kirche, ein kleines Museum und mehrere Cafés, in "
	"denen man den Nachmittag verbringen kann.\n"
	"Am Abend gehen die Kinder an den Fluss, und die Alten sitzen auf den Bänken vor ihren "
	"Häusern und erzählen Geschichten.\n"
	"Wer Zeit hat, sollte ein paar Tage bleiben und mit den Bauern auf die Alm steigen.\n";

TEST(rules_by_language)
{
	struct clean_filter_config g;
	struct clean_langset ls;
	struct buf err = BUF_INIT;
	clean_filter_config_init(&g);
	CHECK(clean_langset_build(&ls, &g, &err) == 0);
	struct clean_filter_ctx *ctx = clean_filter_ctx_new();
	struct clean_verdict v;
	const char *t = german;
	size_t n = strlen(german);
	CHECK(!clean_filter_run(&g, ctx, &t, &n, &v) && !strcmp(v.rule, "gopher.min_stop_words"));
	struct clean_lang_resolver lr = { fixed_lang, (void *)clean_langset_get(&ls, "de"), 0 };
	t = german;
	n = strlen(german);
	CHECK(clean_filter_run_lang(&g, ctx, &t, &n, &v, &lr));
	CHECK(v.skipped == 0 && v.lang == lr.arg);
	/* unknown: the language-dependent rules are skipped and reported, never English's */
	lr.arg = (void *)clean_langset_get(&ls, "un");
	t = german;
	n = strlen(german);
	CHECK(clean_filter_run_lang(&g, ctx, &t, &n, &v, &lr));
	CHECK(v.skipped & (1ull << CP_G_MIN_STOP_WORDS));
	CHECK(v.skipped & (1ull << CP_G_MIN_MEAN_WORD_LEN));
	CHECK(v.skipped & (1ull << CP_F_MIN_LINE_PUNCT));
	/* a document rejected by a language-independent rule never asks for its language */
	t = "too short";
	n = strlen(t);
	CHECK(!clean_filter_run_lang(&g, ctx, &t, &n, &v, &lr) && v.lang == NULL);
	clean_filter_ctx_free(ctx);
	clean_langset_free(&ls);
	buf_release(&err);
}

int main(void)
{
	RUN(icu_segmentation);
	RUN(stop_word_table);
	RUN(lang_names);
	RUN(language_configs);
	RUN(rules_by_language);
	return HARNESS_SUMMARY();
}
