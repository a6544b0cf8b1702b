/*
 * HTML to text with libxml2's HTML parser (a real parser: entities, broken markup, charset
 * declarations), keeping paragraph structure: block elements end paragraphs ("\n\n"), <br>,
 * list items and table rows end lines, runs of whitespace collapse to one space outside
 * <pre>, and script, style and other non-text elements are dropped with their content.
 * The parser runs in SAX mode (no tree: half the time of building one, same text on 400 HTML
 * files from Debian's docs). Thread-safe once html_text_init() has run on the main thread.
 */
#ifndef GRIST_HTML_H
#define GRIST_HTML_H

#include <stddef.h>

#include "lib/buf.h"

struct _xmlSAXHandler;

void html_text_init(void);
/*
 * Run libxml2's HTML parser over the UTF-8 document p[0..n) (n < 2^31; html_decode made it
 * UTF-8), calling the SAX handler's element and text callbacks with ctx. No tree, no network,
 * no error output; <meta charset> is ignored. Returns 0, or -1 when no parser could be made.
 */
int html_sax_parse(struct _xmlSAXHandler *sax, void *ctx, const char *p, size_t n);
/*
 * Append the text of the HTML document p[0..n) to out (UTF-8). `charset` (may be NULL) is the
 * encoding declared outside the document (an HTTP Content-Type), used when libxml2 knows it;
 * without one, UTF-8 (repairing a few broken bytes) is preferred over libxml2's Latin-1 guess.
 * Returns 0, or -1 when the document could not be parsed at all.
 */
int html_to_text(struct buf *out, const char *p, size_t n, const char *charset);

#endif
