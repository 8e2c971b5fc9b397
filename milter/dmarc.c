/*
 * dmarc.c: Mailman 2.1's DMARC mitigation by From munging (from_is_list = 1): the poster's
 * name " via " the list's name, at the list address, RFC 2047-encoded when needed.
 */
#include <string.h>

#include "cookheaders.h"
#include "lmerr.h"
#include "pyhdr.h"

#define DMARC_CAP ((size_t)64 * 1024)

/* re.sub(r'@([^ .]+\.)+[^ .]+$', '---', name): a name that is an address loses its domain. */
static size_t domain_at(const char *name)
{
	for (const char *at = strchr(name, '@'); at; at = strchr(at + 1, '@')) {
		const char *p = at + 1;
		size_t label = 0, dots = 0;
		bool ok = true;
		for (; *p && ok; p++) {
			if (*p == ' ')
				ok = false;
			else if (*p == '.') {
				ok = label > 0;
				dots++;
				label = 0;
			} else
				label++;
		}
		if (ok && dots > 0 && label > 0)
			return (size_t)(at - name);
	}
	return strlen(name);
}

static int replace_8bit(struct buf *t)
{
	struct buf r;
	int rc = LM_OK;

	buf_init(&r, DMARC_CAP);
	for (size_t i = 0; i < t->len && rc == LM_OK; i++)
		rc = (unsigned char)t->data[i] < 0x80 ? buf_putc(&r, t->data[i])
		                                      : buf_puts(&r, "\xef\xbf\xbd");
	if (rc == LM_OK) {
		buf_reset(t);
		rc = buf_append(t, r.data, r.len);
		rc = rc ? rc : buf_append(t, "", 0);
	}
	buf_free(&r);
	return rc;
}

int dmarc_munged_from(const struct cook_settings *s, const char *from_name, const char *from_addr,
                      struct buf *out)
{
	struct buf name, text, cset, via, dn, addr;
	size_t cut;
	int rc;

	buf_init(&name, DMARC_CAP);
	buf_init(&text, DMARC_CAP);
	buf_init(&cset, 64);
	buf_init(&via, DMARC_CAP);
	buf_init(&dn, DMARC_CAP);
	buf_init(&addr, 1024);
	from_name = from_name && *from_name ? from_name : (from_addr ? from_addr : "");
	cut = domain_at(from_name);
	rc = buf_append(&name, from_name, cut);
	rc = rc ? rc : buf_puts(&name, cut < strlen(from_name) ? "---" : "");
	if (rc == LM_OK) {
		rc = pyhdr_oneline(buf_cstr(&name), &text, &cset);
		if (rc == LM_EPARSE) /* unicode(rn, 'us-ascii', 'replace') */
			rc = replace_8bit(&text);
	}
	rc = rc ? rc : buf_printf(&via, "%s via %s", buf_cstr(&text), s->real_name);
	rc = rc ? rc : pyhdr_encode_text(buf_cstr(&via), s->charset, NULL, 76, &dn);
	rc = rc ? rc : buf_printf(&addr, "%s@%s", s->list_name, s->host_name);
	rc = rc ? rc : pyhdr_formataddr(buf_cstr(&dn), buf_cstr(&addr), out);
	buf_free(&name);
	buf_free(&text);
	buf_free(&cset);
	buf_free(&via);
	buf_free(&dn);
	buf_free(&addr);
	return rc;
}
