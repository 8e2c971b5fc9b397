#!/usr/bin/env bash
# spf_dnsmasq.sh: spf_check() against real DNS: dnsmasq on 127.0.0.1:53 inside a private
# network and mount namespace (loopback only, a private /etc/resolv.conf) serves SPF records.
set -u
probe=$LM_BUILD_DIR/tests/spf_probe
if [ "$(id -u)" -ne 0 ] || ! command -v dnsmasq >/dev/null || ! command -v unshare >/dev/null
then
	echo "SKIP: needs root, dnsmasq and unshare"; exit 77
fi
[ -x "$probe" ] || { echo "FAIL: $probe missing"; exit 1; }

if [ "${SPF_IN_NETNS:-}" != 1 ]; then
	SPF_IN_NETNS=1 exec unshare --net --mount --uts bash "$0" "$@"
fi

set -e
tmp=$(mktemp -d)
dpid=
cleanup() { [ -n "$dpid" ] && kill "$dpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"
mount --bind "$tmp/resolv.conf" /etc/resolv.conf
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
	--listen-address=127.0.0.1 --port=53 --user=root --pid-file="$tmp/dnsmasq.pid" \
	--local=/test/ --server=/down.test/127.0.0.9#5399 \
	--txt-record=pass.test,"v=spf1 ip4:127.0.0.1 -all" \
	--txt-record=fail.test,"v=spf1 -all" \
	--txt-record=soft.test,"v=spf1 ~all" \
	--txt-record=neutral.test,"v=spf1 ?all" \
	--txt-record=broken.test,"v=spf1 ip4:999.1.1.1 -all" \
	--txt-record=helo.test,"v=spf1 ip4:127.0.0.2 -all" \
	--log-facility="$tmp/dnsmasq.log" &
dpid=$!
for _ in $(seq 50); do
	[ -s "$tmp/dnsmasq.pid" ] && break
	sleep 0.1
done
set +e

fail=0
expect() { # expect RESULT IP HELO SENDER
	local want=$1 got
	shift
	got=$("$probe" "$@")
	if [ "${got%%$'\t'*}" = "$want" ]; then
		echo "ok   $want: $*"
	else
		echo "FAIL $*: wanted $want, got: $got"; fail=1
	fi
	case "$got" in *$'\n'*|*$'\r'*) echo "FAIL header value has a line break"; fail=1 ;; esac
}
expect pass 127.0.0.1 mx.client.test user@pass.test
expect fail 127.0.0.2 mx.client.test user@pass.test
expect fail 127.0.0.1 mx.client.test user@fail.test
expect softfail 127.0.0.1 mx.client.test user@soft.test
expect neutral 127.0.0.1 mx.client.test user@neutral.test
expect none 127.0.0.1 mx.client.test user@none.test
expect permerror 127.0.0.1 mx.client.test user@broken.test
# the null sender is checked as postmaster@HELO
expect pass 127.0.0.2 helo.test ""
expect fail 127.0.0.1 helo.test ""
# a DNS server that does not answer: temperror, which moderation treats like none
expect temperror 127.0.0.1 mx.client.test user@down.test
# the header value names the result, the client and the sender
got=$("$probe" 127.0.0.1 mx.client.test user@pass.test)
case "$got" in
*client-ip=127.0.0.1*envelope-from=*user@pass.test*) echo "ok   header: ${got#*$'\t'}" ;;
*) echo "FAIL header: $got"; fail=1 ;;
esac
got=$("$probe" 127.0.0.1 mx.client.test user@broken.test)
case "$got" in
permerror$'\t'"permerror client-ip=127.0.0.1; envelope-from=<user@broken.test>; helo=mx.client.test;")
	echo "ok   header of a broken record" ;;
*) echo "FAIL header of a broken record: $got"; fail=1 ;;
esac
exit $fail
