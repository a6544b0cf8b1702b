/*
 * Base64 (RFC 4648 section 4: the standard alphabet with '+' and '/', '=' padding): the one
 * encoder and decoder in grist, for the raw_base64 of rejected lines (lib/record.c) and the
 * `.tiktoken` vocabulary format (written by tokenize train, read by tokenize).
 */
#ifndef GRIST_BASE64_H
#define GRIST_BASE64_H

#include <stddef.h>

struct buf;

/* Appends the base64 of p[0..n) to out (padded to a multiple of 4 characters). */
void base64_encode(struct buf *out, const void *p, size_t n);
/* Appends the bytes s[0..n) encodes to out. -1 (out unchanged) unless n is a multiple of 4,
 * every character is in the alphabet, and '=' appears only as one or two final pads. */
int base64_decode(const char *s, size_t n, struct buf *out);

#endif
