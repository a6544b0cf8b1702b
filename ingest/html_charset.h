/*
 * An HTML document's bytes as UTF-8: the encoding from the HTTP header, else valid UTF-8, else
 * <meta charset>, else a guess (ingest/html_charset.c says which order and why).
 */
#ifndef GRIST_HTML_CHARSET_H
#define GRIST_HTML_CHARSET_H

#include <stddef.h>

#include "lib/buf.h"

/*
 * Make (*p, *n) UTF-8: either unchanged (already UTF-8) or pointing into `fixed` (decoded or
 * repaired there). `charset` (may be NULL) is a charset declared outside the document.
 * Returns 1 when the encoding was guessed (no declaration and not valid UTF-8), else 0.
 */
int html_decode(struct buf *fixed, const char **p, size_t *n, const char *charset);

#endif
