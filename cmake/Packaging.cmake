# Packaging.cmake: CPack settings; `cpack -G DEB` in the build directory makes a Debian 12 .deb.
# Build with -DCMAKE_INSTALL_PREFIX=/usr for a package (the units then land in /usr/lib/systemd).
set(CPACK_PACKAGE_NAME listmilter)
set(CPACK_PACKAGE_VENDOR "listmilter project")
set(CPACK_PACKAGE_CONTACT "listmilter maintainers <listmilter@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Mailman 2.1-style mailing lists inside Postfix or Sendmail, with pipermail archives")
set(CPACK_PACKAGE_DESCRIPTION
  "listmilter is a milter that runs mailing lists inside the MTA: moderation, Mailman 2.1 post
rewriting, fan-out to members, attachment scrubbing and an LMDB archive written before the MTA
accepts a post. listctl manages lists and members and exports pipermail-compatible pages.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libmilter1.0.1, liblmdb0, libgmime-3.0-0, libspf2-2, libssl3, zlib1g, libc6")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postfix | sendmail-bin, nginx | apache2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
  ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
