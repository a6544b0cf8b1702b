/*
 * Unit tests for clean's PCRE2 redaction: e-mail and public-IPv4 cases (addresses in text,
 * punctuation around them, near misses that must stay), private ranges untouched, custom
 * patterns, drop-if, drop-lines, bad patterns, and PII-free text coming back byte-identical.
 */
#include "harness.h"

#include <stdio.h>

#include "clean/clean_redact.h"

static struct clean_redact *set;
static struct clean_redact_thread *th;

/* Redacts in and compares with want (NULL: expect "unchanged"). */
static void expect(const char *in, const char *want, int line)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct clean_redact_result res;
	int rc = clean_redact_apply(set, th, in, strlen(in), &out, &res, &err);
	if (!want) {
		if (rc != 0) {
			fprintf(stderr, "line %d: '%s' changed to '%s'\n", line, in, out.data);
			harness_cur_failed = 1;
		}
	} else if (rc != 1 || strcmp(out.data, want)) {
		fprintf(stderr, "line %d: '%s' -> rc %d '%s', want '%s'\n", line, in, rc, out.data, want);
		harness_cur_failed = 1;
	}
	buf_release(&out);
	buf_release(&err);
}
#define EXPECT(in, want) expect((in), (want), __LINE__)

TEST(email_and_ip)
{
	struct buf err = BUF_INIT;
	set = clean_redact_new();
	CHECK(clean_redact_add_builtin(set, "email,ip", &err) == 0);
	th = clean_redact_thread_new(set);
	EXPECT("write to john.doe@example.com today", "write to <EMAIL> today");
	EXPECT("Mail: <Jane_Roe+tag@mail.example.co.uk>.", "Mail: <<EMAIL>>.");
	EXPECT("mailto:a1@b-c.org, x%y@z.io", "mailto:<EMAIL>, <EMAIL>");
	EXPECT("UPPER.CASE@EXAMPLE.ORG", "<EMAIL>");
	EXPECT("a@b.c is not, nor user@localhost, nor @handle, nor a@@b.com", NULL);
	EXPECT("file name foo@2x.png", "file name <EMAIL>"); /* looks like an address: redacted */
	EXPECT("server 8.8.8.8 and 1.1.1.1.", "server <IPV4> and <IPV4>.");
	EXPECT("from 93.184.216.34:443 to 255.255.255.254", "from <IPV4>:443 to 255.255.255.254");
	/* private, loopback, link-local, CGNAT, documentation, multicast: untouched */
	EXPECT("10.0.0.1 172.16.5.4 172.31.255.255 192.168.1.1 127.0.0.1 169.254.1.1 "
	       "100.64.0.1 192.0.2.1 198.51.100.7 203.0.113.9 224.0.0.1 0.0.0.0", NULL);
	/* just outside the private ranges: public */
	EXPECT("172.15.0.1 172.32.0.1 100.63.255.255 100.128.0.0 11.0.0.1",
	       "<IPV4> <IPV4> <IPV4> <IPV4> <IPV4>");
	/* not addresses: bad octets, versions, longer dotted sequences */
	EXPECT("256.1.1.1 1.2.3 v1.2.3.4.5 01.2.3.4x 3.14159", NULL);
	/* PII-free text: unchanged, byte for byte */
	EXPECT("Plain text with numbers 1.5 and 2020, e-mail as a word, caf\xC3\xA9 \xE4\xB8\xAD.", NULL);
	clean_redact_thread_free(th);
	clean_redact_free(set);
	buf_release(&err);
}

TEST(custom_drop_and_errors)
{
	struct buf err = BUF_INIT;
	set = clean_redact_new();
	CHECK(clean_redact_add_regex(set, "PHONE=\\+?\\d{3}[- ]\\d{3}[- ]\\d{4}", &err) == 0);
	CHECK(clean_redact_add_drop_lines(set, "^(?i)advertisement", &err) == 0);
	CHECK(clean_redact_add_drop_if(set, "forbidden", &err) == 0);
	CHECK(clean_redact_add_drop_if(set, "\\p{Han}{3}", &err) == 0);
	CHECK(clean_redact_count(set) == 1 && !strcmp(clean_redact_rule(set, 0), "redact.PHONE"));
	th = clean_redact_thread_new(set);
	EXPECT("call 555-123-4567 now", "call <PHONE> now");
	EXPECT("a\nADVERTISEMENT: buy\nb\nadvertisement\n", "a\nb\n");
	EXPECT("a\nno advertisement here", NULL);
	struct buf out = BUF_INIT;
	struct clean_redact_result res;
	CHECK(clean_redact_apply(set, th, "it is forbidden", 15, &out, &res, &err) == 2);
	CHECK(res.drop_value == 1 && !strcmp(res.drop_rule, "drop_if"));
	CHECK(clean_redact_apply(set, th, "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97", 9, &out, &res, &err) == 2);
	CHECK(res.drop_value == 2);
	CHECK(clean_redact_apply(set, th, "\xE4\xB8\xAD\xE6\x96\x87", 6, &out, &res, &err) == 0);
	/* empty matches do not loop */
	clean_redact_thread_free(th);
	clean_redact_free(set);
	set = clean_redact_new();
	CHECK(clean_redact_add_regex(set, "E=x*", &err) == 0);
	th = clean_redact_thread_new(set);
	EXPECT("abxxc\xC3\xA9", "ab<E>c\xC3\xA9");
	clean_redact_thread_free(th);
	/* errors: PCRE2's message and the offset */
	buf_reset(&err);
	CHECK(clean_redact_add_regex(set, "BAD=ab(c", &err) < 0);
	CHECK(strstr(err.data, "'ab(c'") && strstr(err.data, "missing closing parenthesis") &&
	      strstr(err.data, "offset 4"));
	buf_reset(&err);
	CHECK(clean_redact_add_drop_if(set, "a{2,1}", &err) < 0 && strstr(err.data, "offset"));
	CHECK(clean_redact_add_regex(set, "noequals", &err) < 0);
	CHECK(clean_redact_add_regex(set, "bad name=x", &err) < 0);
	CHECK(clean_redact_add_builtin(set, "email,phone", &err) < 0);
	clean_redact_free(set);
	buf_release(&out);
	buf_release(&err);
}

int main(void)
{
	RUN(email_and_ip);
	RUN(custom_drop_and_errors);
	return HARNESS_SUMMARY();
}
