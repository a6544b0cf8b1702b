// CLD2 wrapper: the only C++ in clean (see clean_langid.h).
#include "clean/clean_langid.h"

extern "C" {
#include "lib/utf8.h"
}

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace CLD2 {
const char *LanguageCode(Language lang); // declared in cld2/internal/lang_script.h
const char *LanguageName(Language lang);
}

// CLD2 still uses a few withdrawn ISO 639-1 codes, and tags Traditional Chinese separately.
static const char *iso639_1(const char *code)
{
	static const struct { const char *cld2, *iso; } fix[] = {
		{ "iw", "he" }, { "jw", "jv" }, { "in", "id" }, { "zh-Hant", "zh" }, { "ji", "yi" },
		{ "mo", "ro" },
	};
	for (const auto &f : fix)
		if (!strcmp(code, f.cld2))
			return f.iso;
	return code;
}

// Moves p back to the start of a UTF-8 character, then to just after white space if there is
// some within 64 bytes (so a piece does not start or end inside a word).
static size_t cut(const char *s, size_t p, size_t lo)
{
	while (p > lo && utf8_is_cont((unsigned char)s[p]))
		p--;
	for (size_t q = p; q > lo && p - q < 64; q--)
		if (s[q - 1] == ' ' || s[q - 1] == '\n' || s[q - 1] == '\t')
			return q;
	return p;
}

extern "C" void clean_langid(const char *text, size_t len, size_t sample_bytes,
			     struct clean_lang *out)
{
	std::string sample;
	if (sample_bytes && len > sample_bytes) {
		size_t piece = sample_bytes / 3;
		size_t starts[3] = { 0, len / 2 - piece / 2, len - piece };
		for (size_t k = 0; k < 3; k++) {
			size_t a = k ? cut(text, starts[k], 0) : 0;
			size_t e = cut(text, a + piece < len ? a + piece : len, a);
			if (k == 2)
				e = len;
			sample.append(text + a, e - a);
			sample.push_back('\n');
		}
		text = sample.data();
		len = sample.size();
	}
	CLD2::Language lang3[3];
	int percent3[3];
	double norm3[3];
	int text_bytes = 0;
	bool reliable = false;
	int n = len > (size_t)INT_MAX ? INT_MAX : (int)len;
	CLD2::Language top = CLD2::ExtDetectLanguageSummary(text, n, true, nullptr, CLD2::UNKNOWN_ENCODING,
							     CLD2::UNKNOWN_LANGUAGE, lang3, percent3,
							     norm3, &text_bytes, &reliable);
	const char *code = top == CLD2::UNKNOWN_LANGUAGE ? "un" : iso639_1(CLD2::LanguageCode(top));
	snprintf(out->code, sizeof(out->code), "%s", code);
	double pct = 0;
	for (int i = 0; i < 3; i++)
		if (lang3[i] == top)
			pct += percent3[i];
	out->score = top == CLD2::UNKNOWN_LANGUAGE ? 0 : pct / 100.0 * (reliable ? 1.0 : 0.5);
}

static bool usable(CLD2::Language l)
{
	// CLD2's table has placeholders ("xxx", "Ignore") besides real languages
	const char *c = CLD2::LanguageCode(l);
	return l != CLD2::TG_UNKNOWN_LANGUAGE && strcmp(c, "xxx") != 0 && strcmp(c, "un") != 0;
}

extern "C" int clean_langid_known_code(const char *code, char out[16])
{
	if (!strcmp(code, "un")) {
		snprintf(out, 16, "un");
		return 1;
	}
	for (int i = 0; i < CLD2::NUM_LANGUAGES; i++) {
		CLD2::Language l = (CLD2::Language)i;
		if (!usable(l))
			continue;
		std::string raw = CLD2::LanguageCode(l), c = iso639_1(raw.c_str()), low = c;
		for (auto &ch : low)
			ch = (char)tolower((unsigned char)ch);
		for (auto &ch : raw)
			ch = (char)tolower((unsigned char)ch);
		if (low == code || raw == code) { // "iw" is accepted for "he"
			snprintf(out, 16, "%s", c.c_str());
			return 1;
		}
	}
	return 0;
}

extern "C" int clean_langid_code_for_name(const char *name, char out[16])
{
	std::string found;
	for (int i = 0; i < CLD2::NUM_LANGUAGES; i++) {
		CLD2::Language l = (CLD2::Language)i;
		if (!usable(l))
			continue;
		std::string nm = CLD2::LanguageName(l);
		for (auto &ch : nm)
			ch = (char)tolower((unsigned char)ch);
		if (nm != name)
			continue;
		std::string c = iso639_1(CLD2::LanguageCode(l));
		if (!found.empty() && found != c)
			return -1; // two languages answer to this name
		found = c;
	}
	if (found.empty())
		return -1;
	snprintf(out, 16, "%s", found.c_str());
	return 0;
}
