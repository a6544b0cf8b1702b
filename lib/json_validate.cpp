// Complete validation of one JSON line with simdjson's On-Demand API, behind a C interface.
//
// Why On-Demand with a full walk rather than simdjson's DOM: DOM rejects valid JSON numbers it
// cannot represent (30-digit integers, 1e400), which would drop other people's records for
// metadata we only pass through; here numbers are checked against the RFC 8259 grammar only.
// The walk visits every key and value, so structure, strings, escapes, literals and UTF-8 are
// all checked (docs/json-libraries.md has the measurements). On a failure jansson re-parses the
// line to name the reason and the byte offset; that slow path runs only for bad lines.
// A parser is not thread-safe: each worker thread owns its own json_validator.
//
// Kernels: the walk below is compiled with baseline x86-64 flags, so its symbols say
// simdjson::fallback (in 3.0.1 On-Demand exists only for the compile-time "builtin"
// implementation), but the work per byte is not there: the parser takes stage 1 (structure
// and UTF-8) and string unescaping from simdjson::get_active_implementation(), which libsimdjson
// picks at run time (icelake, haswell, westmere or fallback, from CPUID). What the fallback
// namespace holds is the generic iterator, which compiled with -mavx2 -mbmi -mbmi2 -mpclmul
// -mpopcnt gave the same instruction count (docs/json-libraries.md), so there is no second
// object or dispatch here. json_validate_use_kernel() lets the unit tests check every kernel
// the machine runs against the same verdicts.
#include <new>
#include <string.h>
#include <string_view>

#include <jansson.h>
#include <simdjson.h>

extern "C" {
#include "json.h"
}

using namespace simdjson;

struct json_validator {
	ondemand::parser parser;
};

extern "C" struct json_validator *json_validator_new(void)
{
	return new (std::nothrow) json_validator();
}

extern "C" void json_validator_free(struct json_validator *v)
{
	delete v;
}

extern "C" const char *json_validate_kernel(void)
{
	return get_active_implementation()->name().c_str();
}

extern "C" int json_validate_use_kernel(const char *name)
{
	const implementation *impl = get_available_implementations()[name];
	if (!impl || !impl->supported_by_runtime_system())
		return -1;
	get_active_implementation() = impl;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

// RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  (the token may carry trailing space)
static bool number_grammar_ok(std::string_view t)
{
	size_t i = 0, n = t.size();
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n'))
		n--;
	if (i < n && t[i] == '-')
		i++;
	if (i < n && t[i] == '0')
		i++;
	else if (i < n && is_digit(t[i]))
		while (i < n && is_digit(t[i]))
			i++;
	else
		return false;
	if (i < n && t[i] == '.') {
		if (++i == n || !is_digit(t[i]))
			return false;
		while (i < n && is_digit(t[i]))
			i++;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (i == n || !is_digit(t[i]))
			return false;
		while (i < n && is_digit(t[i]))
			i++;
	}
	return i == n;
}

static error_code walk(ondemand::value v, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return DEPTH_ERROR; // On-Demand 3.0.1 does not enforce a depth limit itself
	ondemand::json_type t;
	if (auto e = v.type().get(t))
		return e;
	switch (t) {
	case ondemand::json_type::object: {
		ondemand::object o;
		if (auto e = v.get_object().get(o))
			return e;
		for (auto f : o) {
			ondemand::field fld;
			std::string_view key;
			if (auto e = std::move(f).get(fld))
				return e;
			if (auto e = fld.unescaped_key().get(key))
				return e;
			if (auto e = walk(fld.value(), depth + 1))
				return e;
		}
		return SUCCESS;
	}
	case ondemand::json_type::array: {
		ondemand::array a;
		if (auto e = v.get_array().get(a))
			return e;
		for (auto el : a) {
			ondemand::value x;
			if (auto e = el.get(x))
				return e;
			if (auto e = walk(x, depth + 1))
				return e;
		}
		return SUCCESS;
	}
	case ondemand::json_type::string: {
		std::string_view s;
		return v.get_string().get(s);
	}
	case ondemand::json_type::number:
		return number_grammar_ok(v.raw_json_token()) ? SUCCESS : NUMBER_ERROR;
	case ondemand::json_type::boolean: {
		bool b;
		return v.get_bool().get(b);
	}
	case ondemand::json_type::null: {
		bool b;
		if (auto e = v.is_null().get(b))
			return e;
		return b ? SUCCESS : N_ATOM_ERROR;
	}
	}
	return INCORRECT_TYPE;
}

// Validate a line whose first non-blank byte is '{' (records are objects).
static error_code validate_object(ondemand::parser &p, const char *line, size_t len)
{
	ondemand::document doc;
	if (auto e = p.iterate(line, len, len + SIMDJSON_PADDING).get(doc))
		return e;
	ondemand::value top;
	if (auto e = doc.get_value().get(top))
		return e;
	if (auto e = walk(top, 1))
		return e;
	// Trailing content: 3.0.1 has no document::at_end(); past the end, the location is
	// OUT_OF_BOUNDS.
	if (doc.current_location().error() != OUT_OF_BOUNDS)
		return TRAILING_CONTENT;
	return SUCCESS;
}

// Find why and where a line is invalid: jansson's parser reports a reason and a position.
static void explain(const char *line, size_t len, error_code code, struct buf *reason,
		    size_t *offset)
{
	json_error_t err;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!j) {
		buf_addstr(reason, err.text);
		*offset = err.position > 0 ? (size_t)err.position : 0;
		if (*offset > len)
			*offset = len;
		return;
	}
	json_decref(j);
	if (code == INCORRECT_TYPE)
		buf_addstr(reason, "not a JSON object");
	else if (code == DEPTH_ERROR)
		buf_addf(reason, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	else
		buf_addstr(reason, error_message(code));
	*offset = 0;
}

extern "C" int json_validate(struct json_validator *v, const char *line, size_t len,
			     struct buf *reason, size_t *offset)
{
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
		i++;
	error_code e = i < len && line[i] == '{' ? validate_object(v->parser, line, len)
						 : INCORRECT_TYPE;
	if (e == SUCCESS)
		return 0;
	explain(line, len, e, reason, offset);
	return -1;
}
