/*
 * Hexadecimal digits: the one reader of a hex digit in grist (JSON \u escapes in lib/json.c,
 * tokenizer.json's <0xNN> byte tokens, Jinja's \x and \u escapes). Inline: it runs per
 * character in escape decoding.
 */
#ifndef GRIST_HEX_H
#define GRIST_HEX_H

/* The value of the hex digit c (0-9, a-f, A-F), or -1 for any other character. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
