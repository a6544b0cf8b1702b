/* Unit tests for HTML main-content extraction (ingest/html_main.c, html_select.c) and the
 * encoding decision (ingest/html_charset.c): what is kept and dropped on small pages, the text
 * format, the metadata, the charset order, hostile shapes. */
#include <stdlib.h>
#include <string.h>

#include "ingest/html.h"
#include "ingest/html_charset.h"
#include "ingest/html_main.h"
#include "tests/unit/harness.h"

static const char *const PROSE =
	"This paragraph is long enough to count as prose for the extractor, with words in it.";

/* The main text of html, into a static buffer (NUL-terminated). */
static const char *main_text(const char *html, struct html_meta *meta)
{
	static struct buf out;
	buf_reset(&out);
	struct html_meta local;
	html_meta_init(&local);
	CHECK(html_main_text(&out, meta ? meta : &local, html, strlen(html), NULL) == 0);
	html_meta_release(&local);
	return out.data;
}

static int has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

TEST(drops_boilerplate)
{
	struct buf page = BUF_INIT;
	buf_addf(&page, "<body><nav><a href=/>Home</a> <a href=/n>News</a></nav>"
			"<div class='cookie-consent'>%s</div><article><h1>Title</h1><p>%s</p>"
			"<p>%s</p><div class=share><a href=#>Share</a></div></article>"
			"<aside><p>%s</p></aside><div id=comments><p>%s</p></div>"
			"<footer>%s</footer></body>", PROSE, PROSE, PROSE, PROSE, PROSE, PROSE);
	const char *t = main_text(page.data, NULL);
	CHECK(!strncmp(t, "Title\n\nThis paragraph", 21));
	CHECK(!has(t, "Home") && !has(t, "Share"));
	/* two copies of PROSE (the article's), not the banner's, aside's, comments', footer's */
	const char *second = strstr(strstr(t, PROSE) + 1, PROSE);
	CHECK(second && !strstr(second + 1, PROSE));
	buf_release(&page);
}

TEST(format)
{
	const char *t = main_text("<main><h2>Head</h2><ul><li>a</li><li>b</li></ul>"
				  "<table><tr><th>k</th><th>v</th></tr><tr><td>1</td><td>2</td></tr>"
				  "</table><pre>  x\n\ty</pre><p>one<br>two</p></main>", NULL);
	CHECK_STR(t, "Head\n\na\nb\n\nk\tv\n1\t2\n\n  x\n\ty\n\none\ntwo");
}

TEST(forum_posts_all_kept)
{
	struct buf page = BUF_INIT;
	buf_addstr(&page, "<body><div class=nav><a href=/>Forum</a></div><div id=thread>");
	for (int i = 0; i < 4; i++)
		buf_addf(&page, "<div class=post><div class=userinfo><a href=/u>user%d</a> Posts: %d"
				"</div><div class=message>%s post%d</div></div>", i, i * 7,
			 i == 2 ? "Thanks!" : PROSE, i);
	buf_addstr(&page, "</div></body>");
	const char *t = main_text(page.data, NULL);
	for (int i = 0; i < 4; i++) {
		char w[16];
		snprintf(w, sizeof(w), "post%d", i);
		CHECK(has(t, w));
	}
	CHECK(!has(t, "user1") && !has(t, "Posts:"));
	buf_release(&page);
}

TEST(metadata)
{
	struct html_meta m;
	html_meta_init(&m);
	main_text("<html lang=de-AT><head><title>\n A \t title </title><link rel=canonical "
		  "href='https://x.org/a'></head><body><p>text</p></body></html>", &m);
	CHECK_STR(m.title.data, "A title");
	CHECK_STR(m.lang.data, "de-AT");
	CHECK_STR(m.canonical.data, "https://x.org/a");
	CHECK(!m.charset_guessed);
	html_meta_release(&m);
}

TEST(hostile)
{
	CHECK_STR(main_text("", NULL), "");
	CHECK_STR(main_text("<", NULL), "");
	CHECK_STR(main_text("just text", NULL), "just text");
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 20000; i++)
		buf_addstr(&deep, "<div>");
	buf_addstr(&deep, "deep");
	main_text(deep.data, NULL); /* no crash, no recursion */
	buf_reset(&deep);
	for (int i = 0; i < 5000; i++)
		buf_addstr(&deep, "<td>x<a>y");
	main_text(deep.data, NULL);
	buf_release(&deep);
	CHECK_STR(main_text("<p hidden>no</p><p style='display: none'>no</p><p>yes</p>", NULL),
		  "yes");
}

static void decoded(const char *in, size_t n, const char *http, const char *want, int guessed)
{
	struct buf fixed = BUF_INIT;
	const char *p = in;
	size_t len = n;
	CHECK(html_decode(&fixed, &p, &len, http) == guessed);
	const char *body = memmem(p, len, "<p>", 3);
	CHECK(body != NULL);
	if (body)
		CHECK_EQ_MEM(body + 3, strlen(want), want, strlen(want));
	buf_release(&fixed);
}

TEST(charset_order)
{
	/* "Zażółć" in windows-1250: a\xBF\xF3\xB3\xE6 */
	static const char cp1250[] = "<meta charset=windows-1250><p>Za\xBF\xF3\xB3\xE6";
	decoded(cp1250, sizeof(cp1250) - 1, NULL, "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87", 0);
	/* the HTTP header wins over <meta> */
	static const char latin[] = "<meta charset=windows-1250><p>\xE9t\xE9";
	decoded(latin, sizeof(latin) - 1, "iso-8859-1", "\xC3\xA9t\xC3\xA9", 0);
	/* valid UTF-8 is UTF-8 whatever <meta> says */
	static const char utf8[] = "<meta charset=iso-8859-1><p>\xC3\xA9t\xC3\xA9";
	decoded(utf8, sizeof(utf8) - 1, NULL, "\xC3\xA9t\xC3\xA9", 0);
	/* undeclared: <html lang=ru> guesses windows-1251 ("\xCF\xF0\xE8" is "При") */
	static const char ru[] = "<html lang=ru><p>\xCF\xF0\xE8";
	decoded(ru, sizeof(ru) - 1, NULL, "\xD0\x9F\xD1\x80\xD0\xB8", 1);
	/* undeclared, no language: windows-1252 (0x80 is the euro sign) */
	static const char w1252[] = "<p>\x80 5";
	decoded(w1252, sizeof(w1252) - 1, NULL, "\xE2\x82\xAC 5", 1);
	/* mostly UTF-8 with a stray byte: repaired, not read as Latin-1 */
	static const char broken[] = "<p>\xC3\xA9\xC3\xA9\xFF";
	decoded(broken, sizeof(broken) - 1, NULL, "\xC3\xA9\xC3\xA9\xEF\xBF\xBD", 1);
	/* undeclared windows-1252 whose high bytes look like UTF-8 sequences but are overlong
	 * ("l\xE0\x97\xBB" is "là—»": E0 97 needs E0 A0..BF) or encoded surrogates ("\xED\xBC\xBD" is
	 * "í¼½": ED BC is a surrogate): not evidence for UTF-8, so windows-1252 (expected bytes as
	 * Python's cp1252 codec gives them) */
	static const char fake[] = "<p>l\xE0\x97\xBB x \xED\xBC\xBD \xE9";
	decoded(fake, sizeof(fake) - 1, NULL,
		"l\xC3\xA0\xE2\x80\x94\xC2\xBB x \xC3\xAD\xC2\xBC\xC2\xBD \xC3\xA9", 1);
}

/* What the held-out real pages (tests/html-real) showed, each on a page of its shape. */
TEST(real_page_shapes)
{
	struct buf page = BUF_INIT;
	/* docutils: a section titled in <a class="toc-backref">, its id a slug with "copyright" */
	buf_addf(&page, "<body><nav><a href=/>Home</a></nav><div role=main><h1>FAQ</h1><p>%s</p>"
			"<section id=are-there-copyright-restrictions-on-the-use><h3><a "
			"class=toc-backref href=#x>Is it free?</a></h3><p>%s sectionprose</p>"
			"</section></div></body>", PROSE, PROSE);
	const char *t = main_text(page.data, NULL);
	CHECK(has(t, "Is it free?") && has(t, "sectionprose"));
	/* a sentence that is mostly one link is prose; a navigation bar with some items not
	 * linked (MHonArc's first message) is not */
	buf_reset(&page);
	buf_addf(&page, "<body><main><h1>T</h1><p>%s</p><p>Please see <a href=/s>Section 6.1, "
			"How many Debian distributions are there?</a> for more information.</p>"
			"<p>[Date Prev][<a href=/n>Date Next</a>][Thread Prev][<a href=/t>Thread "
			"Next</a>][<a href=/i>Date Index</a>][<a href=/j>Thread Index</a>]</p></main>"
			"</body>", PROSE);
	t = main_text(page.data, NULL);
	CHECK(has(t, "Please see Section 6.1") && !has(t, "Date Prev"));
	/* footnotes in an <aside> (docutils' HTML5 writer) */
	buf_reset(&page);
	buf_addf(&page, "<body><div role=main><h1>T</h1><p>%s</p><aside class='footnote-list "
			"brackets'><aside class='footnote brackets' role=note><p>%s footprose</p>"
			"</aside></aside></div><aside><p>%s asideprose</p></aside></body>",
		 PROSE, PROSE, PROSE);
	t = main_text(page.data, NULL);
	CHECK(has(t, "footprose") && !has(t, "asideprose"));
	buf_release(&page);
}

/* One html_meta serves a thread's pages one after another: what it keeps from page to page
 * (arrays, text buffer, class/id hints) changes nothing: each page gives the text a fresh
 * html_meta gives, also after a long page and with more class values and words than the hint
 * caches hold (thousands of "wIxJ" words, seven bytes like "sidebar", evict each other). */
TEST(scratch_kept_between_pages)
{
	struct html_meta shared;
	html_meta_init(&shared);
	struct buf page = BUF_INIT, kept = BUF_INIT;
	int long_paras = 0;
	for (int i = 0; i < 40; i++) {
		buf_reset(&page);
		buf_addf(&page, "<body><div class='menu-%d'><a href=/>Home</a></div><article>", i);
		for (int j = 0; j < (i % 3 ? 3 : 300); j++)
			buf_addf(&page, "<div class='w%dx%d %s%s'><p id='%s%d'>%s %d.%d%s</p></div>",
				 i, j, j % 2 ? "sidebar" : "content",
				 j % 5 ? "" : " long-enough-to-pass-by-the-cache-of-whole-values",
				 j % 3 ? "note" : "comment", j, PROSE, i, j, j % 2 ? " inaside" : "");
		buf_addstr(&page, "</article><footer>foot</footer></body>");
		buf_reset(&kept);
		buf_addstr(&kept, main_text(page.data, &shared));
		CHECK_STR(main_text(page.data, NULL), kept.data);
		CHECK(!has(kept.data, "inaside"));
		/* the long pages differ only in their numbers: each keeps as many paragraphs */
		int paras = 0;
		for (const char *q = kept.data; (q = strstr(q, PROSE)) != NULL; q++)
			paras++;
		if (i == 0)
			long_paras = paras;
		else if (i % 3 == 0)
			CHECK(paras == long_paras);
	}
	html_meta_release(&shared);
	buf_release(&page);
	buf_release(&kept);
}

int main(void)
{
	html_text_init();
	RUN(drops_boilerplate);
	RUN(format);
	RUN(forum_posts_all_kept);
	RUN(metadata);
	RUN(hostile);
	RUN(charset_order);
	RUN(real_page_shapes);
	RUN(scratch_kept_between_pages);
	return HARNESS_SUMMARY();
}
