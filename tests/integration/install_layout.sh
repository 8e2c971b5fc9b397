#!/usr/bin/env bash
# install_layout.sh: cmake --install puts every file where GNUInstallDirs says (listmilter in
# sbin, listctl in bin, man pages, example config, units, sysusers and tmpfiles entries), the
# installed unit runs the installed daemon, and cpack -G DEB builds a .deb holding those files
# with the declared dependencies.
set -u
build=$LM_BUILD_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cmake --install "$build" --prefix "$tmp/root" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
sbindir=$(sed -n 's/^CMAKE_INSTALL_SBINDIR:PATH=//p' "$build/CMakeCache.txt")
bindir=$(sed -n 's/^CMAKE_INSTALL_BINDIR:PATH=//p' "$build/CMakeCache.txt")
mandir=$(sed -n 's/^CMAKE_INSTALL_MANDIR:PATH=//p' "$build/CMakeCache.txt")
docdir=$(sed -n 's/^CMAKE_INSTALL_DOCDIR:PATH=//p' "$build/CMakeCache.txt")
# empty cache entries mean GNUInstallDirs' defaults below DATAROOTDIR
datarootdir=$(sed -n 's/^CMAKE_INSTALL_DATAROOTDIR:PATH=//p' "$build/CMakeCache.txt")
mandir=${mandir:-${datarootdir:-share}/man}
docdir=${docdir:-${datarootdir:-share}/doc/listmilter}
for f in "$sbindir/listmilter" "$bindir/listctl" "$mandir/man8/listmilter.8" \
	"$mandir/man8/listctl.8" "$mandir/man5/listmilter.conf.5" "$docdir/examples/listmilter.conf" \
	lib/systemd/system/listmilter.service lib/systemd/system/listmilter-export@.service \
	lib/systemd/system/listmilter-export@.timer lib/sysusers.d/listmilter.conf \
	lib/systemd/system/listmilter-expire-held.service \
	lib/systemd/system/listmilter-expire-held.timer \
	lib/tmpfiles.d/listmilter.conf "$docdir/examples/systemd/postfix.conf" \
	"$docdir/examples/systemd/sendmail.conf" "$docdir/INSTALL"; do
	if [ -f "$tmp/root/$f" ]; then echo "ok   $f"; else echo "FAIL missing $f"; fail=1; fi
done
[ -x "$tmp/root/$sbindir/listmilter" ] || { echo "FAIL listmilter not executable"; fail=1; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
unit=$tmp/root/lib/systemd/system/listmilter.service
grep -q "^ExecStart=$prefix/$sbindir/listmilter -f " "$unit" ||
	{ echo "FAIL ExecStart does not run $prefix/$sbindir/listmilter:"; grep ^Exec "$unit"; fail=1; }
grep -q '@[A-Z_]*@' "$unit" "$tmp/root/lib/systemd/system/listmilter-export@.service" \
	"$tmp/root/lib/systemd/system/listmilter-expire-held.service" &&
	{ echo "FAIL unsubstituted @VAR@ in a unit"; fail=1; }

if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null; then
	echo "cpack or dpkg-deb missing: .deb not checked"
	exit $fail
fi
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg") >"$tmp/log" 2>&1 ||
	{ echo "FAIL cpack:"; cat "$tmp/log"; exit 1; }
deb=$(ls "$tmp"/pkg/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL no .deb"; cat "$tmp/log"; exit 1; }
echo "ok   $(basename "$deb") built"
dpkg-deb -c "$deb" >"$tmp/contents"
for f in "/$sbindir/listmilter" "/$bindir/listctl" lib/systemd/system/listmilter.service \
	"/$mandir/man5/listmilter.conf.5"; do
	grep -q "${f#/}\$" "$tmp/contents" || { echo "FAIL .deb lacks $f"; fail=1; }
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in libmilter1.0.1 liblmdb0 libgmime-3.0-0 libspf2-2 libssl3 zlib1g; do
	case ", $depends," in *", $d,"*) ;; *) echo "FAIL Depends lacks $d: $depends"; fail=1 ;; esac
done
[ $fail -eq 0 ] && echo "ok   .deb contents and Depends"
exit $fail
