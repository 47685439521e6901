// Package payload is the patch-executable format: an ohotfix binary (the
// stub) with the files of an update (ohotfix.ini, .msp, .mst, .cab)
// attached, so that one file can be copied, signed, double-clicked or run
// silently.
//
// # Layout
//
//	[stub][cabinet 1]…[cabinet N][trailer]                       ELF and other stubs
//	[stub][cabinet 1]…[cabinet N][trailer][0–7 zero bytes][certificate table]   PE stubs
//
// The payload is a run of MS-CAB cabinets, back to back (each cabinet's
// header gives its size, so the next one starts where it ends). A cabinet
// holds at most 2 GiB, so a large payload is a run of them: ohotfix.ini
// first, then the other files, each in a folder of its own (folders decode
// in parallel), a new cabinet before a file that would take the current
// one past 2e9 bytes. The last cabinet holds only SHA256SUMS: one line
// "HASH  NAME" per member, as sha256sum writes them; written last, it
// hashes exactly the bytes that were packed, and alone it is read without
// decoding anything else. The trailer is 24 bytes: "OHFXPAY1", then the
// offset of the first cabinet and the payload's length, both
// little-endian 64-bit.
//
// # Where the payload sits in a PE file (why it survives signing)
//
// Authenticode signing (signtool, osslsigncode) appends a certificate table
// to the end of the file, after padding the file to a multiple of 8 bytes
// with zeros, and records the table's file offset and size in the PE's
// certificate-table data directory (IMAGE_DIRECTORY_ENTRY_SECURITY). Our
// trailer is then no longer at the end of the file. Rather than move the
// payload into a section of its own (which would mean rewriting the stub's
// section table and SizeOfImage, and mapping the payload into memory at
// every start), the payload stays appended after the last section, and
// Find locates the trailer through the PE headers: it ends where the
// certificate table starts, less the 0–7 zero bytes of padding (the magic
// has no self-overlap, so at most one of the eight candidate positions can
// hold it). Re-signing replaces the table at the same place and a nested
// signature (osslsigncode sign -nest) rewrites it; neither touches the
// bytes before it. The appended bytes are part of what Authenticode
// hashes, so the signature covers the payload: a changed byte breaks the
// signature as well as the payload's own checks. Pack drops a stub's own
// signature (it would no longer match) and the certificate directory, so
// the package is signed afterwards, as a whole.
//
// A PE's certificate-table offset is 32 bits, so a package to be signed is
// below 4 GiB: Pack refuses a PE stub with a payload that would pass it.
// ELF stubs keep the trailer at the end of the file and take any size.
//
// # Integrity
//
// Extraction (also the one before every run) checks the CFDATA checksums
// and every member's SHA-256 against SHA256SUMS while it writes into a
// private staging folder; only when everything matches are the files
// renamed into place. A mismatch (or a member missing from, or not listed
// in, the manifest) is exitcode.PackageInvalid (1620) and leaves nothing.
// The payload is streamed: memory does not grow with its size.
//
// # Authenticode
//
// Signatures reads the certificate table of a PE file, parses each
// PKCS#7 SignedData (the primary one and any nested ones) and reports the
// signer's subject and whether the digest in its SpcIndirectDataContent
// equals the Authenticode digest of the file, computed as Windows does:
// over the whole file except the header checksum, the certificate-table
// directory entry and the certificate table itself. Trust (chains,
// revocation, policy) stays with Windows.
//
// # Re-running
//
// KeepForRerun keeps an extracted payload in a per-machine folder named
// after the executable, so that `ohotfix run FOLDER` can run the update
// again (OHotfix's CopyFilesToRerun).
package payload
