// Thin C wrapper over simdjson's DOM parser, used only to validate a line completely.
// A parser is not thread-safe: each worker thread owns its own json_validator.
#include <new>
#include <string.h>

#include <jansson.h>
#include <simdjson.h>

extern "C" {
#include "json.h"
}

struct json_validator {
	simdjson::dom::parser parser;
};

extern "C" struct json_validator *json_validator_new(void)
{
	json_validator *v = new (std::nothrow) json_validator();
	if (!v)
		return nullptr;
	// Capacity grows on demand inside parse(); the depth limit stays.
	if (v->parser.allocate(1 << 16, JSON_MAX_DEPTH) != simdjson::SUCCESS) {
		delete v;
		return nullptr;
	}
	return v;
}

extern "C" void json_validator_free(struct json_validator *v)
{
	delete v;
}

// Find why and where a line is invalid: jansson's parser reports a reason and a position.
static void explain(const char *line, size_t len, simdjson::error_code code, struct buf *reason,
		    size_t *offset)
{
	json_error_t err;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!j) {
		buf_addstr(reason, err.text);
		*offset = err.position > 0 ? (size_t)err.position : 0;
		// jansson reports the position after the offending token; point at its start.
		if (*offset > len)
			*offset = len;
		return;
	}
	json_decref(j);
	if (code == simdjson::DEPTH_ERROR)
		buf_addf(reason, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	else
		buf_addstr(reason, simdjson::error_message(code));
	*offset = 0;
}

extern "C" int json_validate(struct json_validator *v, const char *line, size_t len,
			     struct buf *reason, size_t *offset)
{
	auto result = v->parser.parse(reinterpret_cast<const uint8_t *>(line), len, false);
	if (result.error() == simdjson::SUCCESS)
		return 0;
	explain(line, len, result.error(), reason, offset);
	return -1;
}
