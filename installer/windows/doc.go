// Package windows is the client installer backend: it patches installed
// products through Windows Installer (msi.dll). On other systems it offers
// only Unsupported, which says what works there instead.
package windows
