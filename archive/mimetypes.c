/*
 * mimetypes.c: the fixed MIME-type -> extension table. Each row lists the extensions valid for
 * a type; the first is the default. Kept sorted by type for bsearch().
 */
#include <stdlib.h>
#include <string.h>

#include "mimetypes.h"

struct mimetype {
	const char *type;
	const char *exts[6];
};

/* The first extension follows what real pipermail archives show most often. */
static const struct mimetype mimetypes[] = {
        {"application/gzip", {".gz", ".tgz"}},
        {"application/java-archive", {".jar"}},
        {"application/javascript", {".js"}},
        {"application/json", {".json"}},
        {"application/msword", {".doc", ".dot", ".wiz"}},
        {"application/octet-stream", {".bin", ".obj", ".exe", ".dll", ".so", ".a"}},
        {"application/pdf", {".pdf"}},
        {"application/pgp-encrypted", {".asc", ".pgp"}},
        {"application/pgp-keys", {".asc", ".key"}},
        {"application/pgp-signature", {".sig", ".asc", ".pgp"}},
        {"application/pkcs7-mime", {".p7m", ".p7c"}},
        {"application/pkcs7-signature", {".p7s"}},
        {"application/postscript", {".ps", ".ai", ".eps"}},
        {"application/rtf", {".rtf"}},
        {"application/vnd.ms-excel", {".xls", ".xlb", ".xlt"}},
        {"application/vnd.ms-powerpoint", {".ppt", ".pot", ".pps", ".pwz"}},
        {"application/vnd.oasis.opendocument.presentation", {".odp"}},
        {"application/vnd.oasis.opendocument.spreadsheet", {".ods"}},
        {"application/vnd.oasis.opendocument.text", {".odt"}},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation", {".pptx"}},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}},
        {"application/x-bzip2", {".bz2"}},
        {"application/x-gzip", {".gz", ".tgz"}},
        {"application/x-pkcs7-signature", {".p7s"}},
        {"application/x-sh", {".sh"}},
        {"application/x-tar", {".tar"}},
        {"application/x-zip-compressed", {".zip"}},
        {"application/xml", {".xml", ".xsl", ".xsd"}},
        {"application/zip", {".zip"}},
        {"audio/mpeg", {".mp3", ".mp2", ".mpga"}},
        {"audio/ogg", {".ogg", ".oga"}},
        {"audio/x-wav", {".wav"}},
        {"image/bmp", {".bmp"}},
        {"image/gif", {".gif"}},
        {"image/jpeg", {".jpg", ".jpe", ".jpeg"}},
        {"image/png", {".png"}},
        {"image/svg+xml", {".svg"}},
        {"image/tiff", {".tiff", ".tif"}},
        {"image/webp", {".webp"}},
        {"image/x-icon", {".ico"}},
        {"message/rfc822", {".eml", ".mht", ".mhtml", ".mime", ".nws"}},
        {"text/calendar", {".ics", ".ifb"}},
        {"text/css", {".css"}},
        {"text/csv", {".csv"}},
        {"text/enriched", {".txt"}},
        {"text/html", {".html", ".htm"}},
        {"text/markdown", {".md", ".markdown"}},
        {"text/plain", {".txt", ".text", ".asc", ".c", ".h", ".diff"}},
        {"text/richtext", {".rtx"}},
        {"text/rtf", {".rtf"}},
        {"text/x-diff", {".diff", ".patch"}},
        {"text/x-patch", {".patch", ".diff"}},
        {"text/x-vcard", {".vcf"}},
        {"text/xml", {".xml"}},
        {"video/mp4", {".mp4"}},
        {"video/mpeg", {".mpeg", ".mpg", ".mpe"}},
        {"video/quicktime", {".mov", ".qt"}},
};

static int mimetypes_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mimetype *)elem)->type);
}

const char *mimetypes_ext(const char *ctype, const char *fnext)
{
	const struct mimetype *m;
	size_t i;

	if (!ctype)
		return NULL;
	m = bsearch(ctype, mimetypes, sizeof(mimetypes) / sizeof(mimetypes[0]),
	            sizeof(mimetypes[0]), mimetypes_cmp);
	if (!m)
		return NULL;
	for (i = 0; fnext && *fnext && i < sizeof(m->exts) / sizeof(m->exts[0]) && m->exts[i]; i++)
		if (strcmp(m->exts[i], fnext) == 0)
			return m->exts[i];
	return m->exts[0];
}
