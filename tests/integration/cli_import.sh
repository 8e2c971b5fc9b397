#!/usr/bin/env bash
# cli_import.sh: listctl import end to end: an mbox with a non-message in it (reported by
# position, skipped), a retry (no-op), --number-from, a pipermail .txt, --numbers-from an
# old tree, usage and missing-list errors. No MTA and no network needed.
set -u
. "$(dirname "$0")/lib/cli.sh"
printf 'DataDir %s/data\nSyslog no\nMaxMessageSize 2K\n' "$tmp" >"$tmp/ctl.conf"
ctl() { "$bin/listctl/listctl" -c "$tmp/ctl.conf" "$@"; }

cat >"$tmp/a.mbox" <<'MBOX'
From alice@example.com Mon Feb  4 12:34:56 2019
From: Alice <alice@example.com>
Subject: first
Date: Mon, 4 Feb 2019 12:34:56 +0000
Message-ID: <a1@example.com>

From the body: not a separator
From Russia with love

From bob@example.com Mon Feb  4 13:00:00 2019
this From_ line is not followed by a header: it stays in the body

From big@example.com Mon Feb  4 13:30:00 2019
From: big@example.com
Subject: too big
Message-ID: <big@example.com>

BIGBODY

From carol@example.com Mon Feb  4 14:00:00 2019
From: carol@example.com
Subject: Re: first
Date: Mon, 4 Feb 2019 14:00:00 +0000
In-Reply-To: <a1@example.com>
Message-ID: <c1@example.com>

reply
MBOX

big=$(head -c 3000 /dev/zero | tr '\0' x)
sed -i "s/^BIGBODY\$/$big/" "$tmp/a.mbox"
printf 'hello world, no headers here\n' >"$tmp/junk.eml"
check create 0 ctl create demo@example.org
check usage 64 ctl import demo
check usage-both 64 ctl import --number-from 3 --numbers-from "$tmp" demo "$tmp/a.mbox"
check no-list 65 ctl import nosuch "$tmp/a.mbox"
has 'no such list'
check no-file 66 ctl import demo "$tmp/none.mbox"
check import 0 ctl import demo "$tmp/a.mbox"
has "a.mbox:13 (byte $(head -12 "$tmp/a.mbox" | wc -c)): larger than the message size limit; skipped"
has '3 messages read, 2 archived, 0 already archived, 1 skipped'
check retry 0 ctl import demo "$tmp/a.mbox" "$tmp/junk.eml"
has 'junk.eml:1 (byte 0): not a parseable message; skipped'
has '4 messages read, 0 archived, 2 already archived, 2 skipped'

# a pipermail period .txt, numbered from 100
cat >"$tmp/2019-March.txt" <<'TXT'
From dave at example.com  Fri Mar  1 10:00:00 2019
From: dave at example.com (Dave)
Date: Fri, 1 Mar 2019 10:00:00 +0000
Subject: [Demo] march
Message-ID: <d1@example.com>

body with From lines
From dave at example.com  Fri Mar  1 10:00:00 2019
is still body

TXT
check txt 0 ctl import --number-from 100 demo "$tmp/2019-March.txt"
has '1 messages read, 1 archived'

# --numbers-from an old tree: <e1@example.com> was 000042.html there
mkdir -p "$tmp/old/2019-April"
printf '<A HREF="mailto:demo%%40example.org?Subject=x&In-Reply-To=%%3Ce1%%40example.com%%3E">\n' \
	>"$tmp/old/2019-April/000042.html"
printf '<LI><A HREF="000042.html">x</A>\n<LI><A HREF="000057.html">y</A>\n' \
	>"$tmp/old/2019-April/date.html"
cat >"$tmp/b.mbox" <<'MBOX'
From erin@example.com Mon Apr  1 10:00:00 2019
From: erin@example.com
Subject: mapped
Date: Mon, 1 Apr 2019 10:00:00 +0000
Message-ID: <e1@example.com>

e1

From erin@example.com Mon Apr  1 11:00:00 2019
From: erin@example.com
Subject: new
Date: Mon, 1 Apr 2019 11:00:00 +0000
Message-ID: <e2@example.com>

e2
MBOX
check numbers-from 0 ctl import --numbers-from "$tmp/old" demo "$tmp/b.mbox"
has '2 messages read, 2 archived'
check numbers-from-missing 66 ctl import --numbers-from "$tmp/nonexistent" demo "$tmp/b.mbox"
exit $fail
