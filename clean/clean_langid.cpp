// CLD2 wrapper: the only C++ in clean (see clean_langid.h).
#include "clean/clean_langid.h"

#include <climits>
#include <cstdio>
#include <cstring>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace CLD2 {
const char *LanguageCode(Language lang); // declared in cld2/internal/lang_script.h
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

extern "C" void clean_langid(const char *text, size_t len, struct clean_lang *out)
{
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
