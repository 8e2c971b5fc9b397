#!/usr/bin/env python3
# seed_page.py: compare an exported article page with the seed pipermail page (as text).
# Usage: seed_page.py PAGE.html SEED.txt WWW BASEURL; exit 0 when every field matches.
# The fixture's PDFs are small, so sizes are checked against the stored files instead.
import difflib
import html
import os
import re
import sys

page = open(sys.argv[1], encoding="utf-8").read()
seed = open(sys.argv[2], encoding="utf-8").read().split("\n")


def text(fragment):
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def norm_url(line):
    # Our hash directory and names differ by design: Mailman's -0001 suffixes came from its
    # digest scrubbing the post first, and hash8 comes from the Message-ID (spec 6.2, 6.4).
    line = re.sub(r"/attachments/(\d{8})/[0-9a-f]{8}/", r"/attachments/\1/HASH8/", line)
    line = re.sub(r"-0001(\.[a-z]+>)", r"\1", line)
    return re.sub(r"^Size: \d+ bytes$", "Size: N bytes", line)


fails = []


def expect(name, got, want):
    if got != want:
        fails.append("%s: got %r, want %r" % (name, got, want))


h1 = re.search(r"<H1>(.*?)</H1>", page, re.S).group(1)
expect("subject (H1)", text(h1), seed[0])
author = re.search(r"<B>(.*?)</B>", page, re.S).group(1)
email = re.search(r'TITLE="[^"]*">(.*?)\n', page, re.S).group(1)
expect("author and address", text(author) + " " + text(email).strip(), seed[2])
date = re.search(r"<I>(.*?)</I>", page, re.S).group(1)
expect("date", text(date), seed[3])
body = page.split("<!--beginarticle-->\n", 1)[1].split("<!--endarticle-->", 1)[0]
got = [norm_url(l.rstrip()) for l in text(body).rstrip("\n").split("\n")]
want = [norm_url(l.rstrip()) for l in "\n".join(seed[5:]).split("\nMore information")[0]
        .rstrip("\n").split("\n")]
if got != want:
    fails.append("body differs:\n" + "\n".join(difflib.unified_diff(want, got, "seed", "page",
                                                                      lineterm="")))
www, base = sys.argv[3], sys.argv[4]
sizes = 0
for size, url in re.findall(r"^Size: (\d+) bytes\n(?:Desc: .*\n)?URL: <(\S+)>$", text(body), re.M):
    path = os.path.join(www, url[len(base):])
    expect("size of " + os.path.basename(path), os.path.getsize(path), int(size))
    sizes += 1
expect("attachments with a size", sizes, 3)
footer = text(page.split("<hr>", 1)[1]).split()
expect("footer", " ".join(footer), seed[-1].strip() if seed[-1].strip() else seed[-2].strip())
for f in fails:
    print("FAIL " + f)
print("seed page: %d failures (subject, author, date, body, sizes, footer)" % len(fails))
sys.exit(1 if fails else 0)
